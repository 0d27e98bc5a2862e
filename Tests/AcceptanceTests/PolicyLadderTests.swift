import Testing
import LadderDomain

@Suite struct PolicyLadderTests {
    let e = World.e

    /// 001's four grades (初级/中级/高级/资深) by policy alone: a window and a promotion to the fourth.
    @Test func aFourGradeLadderWorksByPolicyAlone() throws {
        var p = Policy.standard
        p.ladder = ["junior", "intermediate", "senior", "principal"]
        p.labels["principal"] = "资深"
        p.ceilings["province"] = "principal"
        p.targetMix = ["junior": 20, "intermediate": 45, "senior": 25, "principal": 10]
        p.eligibility["principal"] = .init(minA: 1, lowestRating: "B", certified: "senior", minSelfReview: 85, minSuperiorReview: 85, customerClass: "A+")
        let s = try Sandbox()
        var lines = World.grants + [
            e("g-cp", "RoleGranted", "2026-01-01", "admin", "system-admin", ["actor": "ca-pv", "role": "city-admin", "unit": "hunan"]),
            World.enrol("M-P", "周资深", unit: "hunan", grade: "senior", superior: "S-3", skip: "S-7"),
            e("pol-2027", "PolicyAdopted", "2027-01-01", "admin", "system-admin", ["policy": p.json]),
            e("cls", "CustomerClassAssigned", "2026-12-01", "hr-zhang", "hr", ["manager": "M-P", "class": "A+"]),
        ]
        lines += World.evidence("M-P", period: "2026H2", superior: "S-3", knowledge: 78, situational: 9, interview: 3)
        // Before the new policy, principal is no grade at all.
        #expect(s.append(lines + [World.apply("A-early", "M-P", window: "2026H2", grade: "principal")]).rules.contains("bad-field"))
        lines += [
            e("open-pv", "WindowOpened", "2027-01-04", "hr-zhang", "hr", ["unit": "hunan", "window": "2027H1", "closes": "2027-01-31"]),
            e("quota-pv", "QuotaSet", "2027-01-04", "hr-zhang", "hr", ["unit": "hunan", "window": "2027H1", "grade": "principal", "seats": 1]),
            World.apply("A-P", "M-P", window: "2027H1", grade: "principal", effective: "2027-01-05"),
        ]
        lines += World.steps("A-P", superior: "S-3", skipSuperior: "S-7", cityAdmin: "ca-pv").map { $0.replacingOccurrences(of: "2026-07-", with: "2027-01-") }
        lines.append(e("close-pv", "WindowClosed", "2027-01-31", "hr-zhang", "hr", ["unit": "hunan", "window": "2027H1"]))
        let r = s.append(lines)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(s.run("allocate", "2027H1", "--unit", "hunan", "--actor", "hr-zhang").status == 0)
        let m = s.run("manager", "M-P", "--json").json
        #expect(m["grade"] == "principal")
        #expect(m["history"].arrayValue.map { $0["grade"] } == ["senior", "principal"])
        #expect(m["eligibility"]["note"] == "principal is the top grade")
        let mix = s.run("compliance", "--unit", "hunan", "--json").json["mix"].arrayValue
        #expect(mix.map { $0["grade"] } == ["junior", "intermediate", "senior", "principal"])
        #expect(mix.last?["actual"].numberValue == 1 && mix.last?["target"].numberValue == 0.1)
        // A city unit's ceiling is still intermediate; and before 2027 principal was no grade at all.
        let cityPrincipal = World.enrol("M-Q", "钱", grade: "principal")
        #expect(s.append([cityPrincipal.replacingOccurrences(of: "2026-01-05", with: "2027-02-01")]).rules == ["above-ceiling"])
        #expect(s.append([cityPrincipal]).rules == ["bad-field"])
    }
}
