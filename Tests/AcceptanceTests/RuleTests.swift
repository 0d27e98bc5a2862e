import Testing
import LadderDomain

/// Every append-time rule, triggered by its name through the real binary.
@Suite struct RuleTests {
    let e = World.e

    func world() throws -> Sandbox {
        let s = try Sandbox()
        let r = s.append(World.base)
        precondition(r.status == 0, r.stderr)
        return s
    }

    /// Appends one line to a fresh world and returns the rules it was refused for.
    func refused(_ lines: [String], in s: Sandbox? = nil) throws -> (rules: [String], stderr: String) {
        let s = try s ?? world()
        let before = s.log().count
        let r = s.append(lines)
        #expect(r.status == (r.rules.isEmpty ? 0 : 1))
        if !r.rules.isEmpty { #expect(s.log().count == before, "a refused batch wrote something") }
        return (r.rules, r.stderr)
    }

    @Test func unknownReferences() throws {
        let s = try world()
        #expect(try refused([e("x1", "PerformanceRated", "2026-07-28", "perf-li", "performance-admin", ["manager": "M-404", "month": "2026-07", "rating": "A"])], in: s).rules == ["unknown-manager"])
        #expect(try refused([World.enrol("M-9", "张三", unit: "nowhere")], in: s).rules == ["unknown-unit"])
        #expect(try refused([e("x2", "QuotaSet", "2026-07-02", "hr-zhang", "hr", ["unit": "changsha", "window": "2027H1", "grade": "intermediate", "seats": 1])], in: s).rules == ["unknown-window"])
        #expect(try refused([e("x3", "ExamScored", "2026-07-20", "hr-zhang", "hr", ["application": "A-404", "score": 80])], in: s).rules == ["unknown-application"])
        #expect(try refused([e("x4", "EventVoided", "2026-07-20", "hr-zhang", "hr", ["event": "no-such-event", "reason": "typo"])], in: s).rules == ["unknown-event"])
    }

    @Test func notPermittedCoversEveryKindOfClaim() throws {
        let s = try world()
        let cases: [(String, String)] = [
            (e("p1", "PerformanceRated", "2026-07-28", "perf-wang", "performance-admin", ["manager": "M-1", "month": "2026-07", "rating": "A"]), "no performance-admin grant"),
            (e("p2", "ReviewSubmitted", "2026-07-28", "M-2", "examinee", ["manager": "M-1", "period": "2026H2", "relation": "self", "score": 90]), "themself"),
            (e("p3", "ReviewSubmitted", "2026-07-28", "S-9", "superior", ["manager": "M-1", "period": "2026H2", "relation": "superior", "score": 90]), "not the direct superior"),
            (e("p4", "WindowOpened", "2026-07-01", "ca-zz", "city-admin", ["unit": "changsha", "window": "2027H1", "closes": "2027-01-31"]), "city-admin grant for unit changsha"),
            (e("p5", "ManagerLeft", "2026-07-01", "aud-wu", "auditor", ["manager": "M-1", "reason": "x"]), "auditor"),
            (e("p6", "ManagerLeft", "2026-07-01", "mallory", "hr", ["manager": "M-1", "reason": "forged"]), "no hr grant"),
            (e("p7", "UnitRegistered", "2026-07-01", "hr-zhang", "hr", ["unit": "x", "name": "x", "kind": "city"]), "system-admin"),
            (e("p8", "RoleGranted", "2026-07-01", "hr-zhang", "system-admin", ["actor": "hr-zhang", "role": "system-admin"]), "no system-admin grant"),
            (World.apply("A-9", "M-1").replacingOccurrences(of: #""id":"M-1""#, with: #""id":"M-2""#), "themself"),
            (e("p9", "AssessmentRecorded", "2026-07-28", "S-1", "superior", ["manager": "M-1", "cycle": "2026H2", "instrument": "knowledge-80", "score": 70]), "may be recorded by"),
        ]
        for (line, words) in cases {
            let r = try refused([line], in: s)
            #expect(r.rules == ["not-permitted"], "\(line)")
            #expect(r.stderr.contains(words), "\(r.stderr)")
        }
        // A revoked grant no longer holds.
        #expect(s.append([e("rv", "RoleRevoked", "2026-07-02", "admin", "system-admin", ["actor": "perf-li", "role": "performance-admin"])]).status == 0)
        #expect(try refused([e("p10", "PerformanceRated", "2026-07-28", "perf-li", "performance-admin", ["manager": "M-1", "month": "2026-07", "rating": "A"])], in: s).rules == ["not-permitted"])
        // The direct superior may rate.
        #expect(try refused([e("p11", "PerformanceRated", "2026-07-28", "S-1", "superior", ["manager": "M-1", "month": "2026-07", "rating": "A"])], in: s).rules == [])
    }

    @Test func reassignmentMovesPermissions() throws {
        let s = try world()
        #expect(s.append([e("re", "ManagerReassigned", "2026-07-02", "hr-zhang", "hr", ["manager": "M-2", "superior": "S-5"])]).status == 0)
        #expect(try refused([e("r1", "ReviewSubmitted", "2026-07-28", "S-1", "superior", ["manager": "M-2", "period": "2026H2", "relation": "superior", "score": 80])], in: s).rules == ["not-permitted"])
        #expect(try refused([e("r2", "ReviewSubmitted", "2026-07-28", "S-5", "superior", ["manager": "M-2", "period": "2026H2", "relation": "superior", "score": 80])], in: s).rules == [])
    }

    @Test func windowRules() throws {
        let s = try world()
        #expect(try refused([World.openWindow()[0].replacingOccurrences(of: "open-changsha-2026H2", with: "again")], in: s).rules == ["window-exists"])
        #expect(try refused([e("w2", "WindowOpened", "2026-07-02", "hr-zhang", "hr", ["unit": "changsha", "window": "2027H1", "closes": "2027-01-31"])], in: s).rules == ["window-exists"])
        #expect(try refused([e("w3", "WindowOpened", "2026-07-02", "hr-zhang", "hr", ["unit": "changsha", "window": "2026H2", "closes": "2026-06-30"])], in: try world()).rules.contains("bad-date"))
        #expect(s.append([World.apply("A-1", "M-1"), World.close()]).status == 0)
        let late = try refused([World.apply("A-2", "M-2")], in: s)
        #expect(late.rules == ["window-not-open"])
        #expect(try refused([World.close().replacingOccurrences(of: "close-changsha", with: "close2")], in: s).rules == ["window-not-open"])
        #expect(s.run("window", "2026H2", "--unit", "changsha", "--json").json["state"] == "closed")
        // A closed window with nothing in it has nothing to decide: it is allocated, and frozen.
        #expect(s.append(World.openWindow("zhuzhou", actor: "ca-zz", role: "city-admin") + [World.close("zhuzhou")]).status == 0)
        #expect(s.run("window", "2026H2", "--unit", "zhuzhou", "--json").json["state"] == "allocated")
        #expect(try refused([World.openWindow("zhuzhou")[1].replacingOccurrences(of: "quota-zhuzhou", with: "q2")], in: s).rules == ["window-allocated"])
    }

    @Test func applicationRules() throws {
        let s = try world()
        #expect(try refused([World.apply("A-1", "M-1", grade: "senior")], in: s).rules == ["no-skip", "above-ceiling"])
        #expect(try refused([World.apply("A-1", "M-1", window: "2027H1")], in: s).rules == ["unknown-window"])
        #expect(s.append([World.apply("A-1", "M-1")]).status == 0)
        #expect(try refused([World.apply("A-2", "M-1")], in: s).rules == ["duplicate-application"])
        let reused = World.apply("A-1", "M-2").replacingOccurrences(of: #""id":"A-1","type""#, with: #""id":"sub-2","type""#)
        #expect(try refused([reused], in: s).rules == ["duplicate-application"])
        #expect(try refused([e("o1", "RegionalDecision", "2026-07-12", "ca-cs", "city-admin", ["application": "A-1", "approved": true])], in: s).rules == ["out-of-order"])
        #expect(try refused([e("o2", "ExamScored", "2026-07-12", "hr-zhang", "hr", ["application": "A-1", "score": 90])], in: s).rules == ["out-of-order"])
        let steps = World.steps("A-1")
        #expect(s.append(Array(steps[0...1])).status == 0)
        #expect(try refused([steps[0].replacingOccurrences(of: "A-1-ev-d", with: "again")], in: s).rules == ["out-of-order"])
        #expect(try refused([e("o3", "RegionalDecision", "2026-07-12", "ca-cs", "city-admin", ["application": "A-1", "approved": false])], in: s).rules == ["bad-field"])
        #expect(s.append(Array(steps[2...])).status == 0)
        #expect(s.run("window", "2026H2", "--unit", "changsha", "--json").json["applications"][0]["stage"] == "examined")
    }

    @Test func ceilings() throws {
        let s = try world()
        let r = try refused([World.enrol("M-7", "高手", grade: "senior")], in: s)
        #expect(r.rules == ["above-ceiling"])
        #expect(try refused([World.enrol("M-7", "高手", unit: "hunan", grade: "senior")], in: s).rules == [])
        #expect(try refused([e("c1", "QuotaSet", "2026-07-01", "hr-zhang", "hr", ["unit": "changsha", "window": "2026H2", "grade": "senior", "seats": 1])], in: s).rules == ["above-ceiling"])
        // An intermediate in a city unit is at its ceiling: applying for senior is refused.
        #expect(s.append([e("ga", "GradeAssigned", "2026-07-01", "hr-zhang", "hr", ["manager": "M-2", "grade": "intermediate", "reason": "certified"])]).status == 0)
        #expect(try refused([World.apply("A-5", "M-2", grade: "senior")], in: s).rules == ["above-ceiling"])
    }

    @Test func ineligibleNamesEachUnmetCriterionAndOverrideIsRecorded() throws {
        let s = try world()
        #expect(s.append([World.apply("A-2", "M-2")] + Array(World.steps("A-2").prefix(3))).status == 0)
        let r = try refused([World.steps("A-2")[3]], in: s)
        #expect(r.rules == ["ineligible"])
        #expect(r.stderr.contains("at least 1 A rating in 2026H1 — has 0 A of 3 rated months"))
        #expect(r.stderr.contains("self review for 2026H1 at least 80 — has 70 (short by 10)"))
        #expect(r.stderr.contains("no rating below B in 2026H1 — has 1 below B (C)"))
        let override = e("A-2-qc", "QualificationChecked", "2026-07-13", "hr-zhang", "hr",
                         ["application": "A-2", "passed": true, "override": "acting team lead since March"])
        #expect(s.append([override]).status == 0)
        let returned = e("A-2-qc2", "QualificationChecked", "2026-07-13", "hr-zhang", "hr", ["application": "A-2", "passed": false])
        #expect(try refused([returned], in: s).rules == ["out-of-order"])
    }

    @Test func scoreRanges() throws {
        let s = try world()
        #expect(try refused([e("s1", "AssessmentRecorded", "2026-07-28", "perf-li", "performance-admin", ["manager": "M-1", "cycle": "2026H2", "instrument": "knowledge-80", "score": 81])], in: s).rules == ["score-range"])
        #expect(try refused([e("s2", "AssessmentRecorded", "2026-07-28", "perf-li", "performance-admin", ["manager": "M-1", "cycle": "2026H2", "instrument": "case-writing", "score": -1])], in: s).rules == ["score-range"])
        #expect(try refused([e("s3", "ReviewSubmitted", "2026-07-28", "M-1", "examinee", ["manager": "M-1", "period": "2026H2", "relation": "self", "score": 100.5])], in: s).rules == ["score-range"])
        #expect(try refused([e("s4", "AssessmentRecorded", "2026-07-28", "perf-li", "performance-admin", ["manager": "M-1", "cycle": "2026H2", "instrument": "iq-test", "score": 1])], in: s).rules == ["bad-field"])
    }

    @Test func aSecondRatingForTheMonthIsRefusedUntilTheFirstIsVoided() throws {
        let s = try world()
        let again = e("rate-again", "PerformanceRated", "2026-06-30", "perf-li", "performance-admin", ["manager": "M-1", "month": "2026-06", "rating": "A"])
        let r = try refused([again], in: s)
        #expect(r.rules == ["duplicate-rating"])
        #expect(r.stderr.contains("rate-M-1-2026-06"))
        let void = e("void-1", "EventVoided", "2026-07-01", "hr-zhang", "hr", ["event": "rate-M-1-2026-06", "reason": "entered for the wrong manager"])
        #expect(s.append([void, again]).status == 0)
        #expect(try refused([void.replacingOccurrences(of: "void-1", with: "void-2")], in: s).rules == ["not-voidable"])
        #expect(try refused([e("v3", "EventVoided", "2026-07-01", "hr-zhang", "hr", ["event": "open-changsha-2026H2", "reason": "x"])], in: s).rules == ["not-voidable"])
    }

    /// A void may name an event earlier in its own batch once that event is accepted; one refused
    /// earlier in the batch is not recorded, so the void's target is unknown too.
    @Test func aVoidSeesTheEventsAcceptedEarlierInItsBatch() throws {
        let s = try world()
        let rating = e("rate-M-2-2026-07", "PerformanceRated", "2026-07-28", "perf-li", "performance-admin", ["manager": "M-2", "month": "2026-07", "rating": "A"])
        let void = e("void-7", "EventVoided", "2026-07-29", "hr-zhang", "hr", ["event": "rate-M-2-2026-07", "reason": "wrong month"])
        let refusedRating = rating.replacingOccurrences(of: "perf-li", with: "hr-zhang").replacingOccurrences(of: "performance-admin", with: "hr")
        #expect(try refused([refusedRating, void], in: s).rules == ["not-permitted", "unknown-event"])
        #expect(try refused([void, rating], in: s).rules == ["unknown-event"])  // a target later in the batch is not yet recorded
        #expect(s.append([rating, void]).status == 0)
        #expect(s.log("--manager", "M-2").suffix(2).map { $0["id"] } == ["rate-M-2-2026-07", "void-7"])
    }

    @Test func policyRules() throws {
        let s = try world()
        var p = Policy.standard
        let adopt = { (id: String, eff: String, policy: JSONValue) in
            World.e(id, "PolicyAdopted", eff, "admin", "system-admin", ["policy": policy])
        }
        #expect(try refused([adopt("pol-2000b", "2000-06-01", p.json)], in: s).rules == ["policy-invalid"])
        p.superiorWeights.direct = 0.6; p.superiorWeights.skip = 0.6
        p.targetMix["junior"] = 30
        p.ladder = ["junior", "intermediate", "senior", "junior"]
        p.ceilings["city"] = "master"
        p.instruments["knowledge-80"]!.cuts["senior"] = 50
        let r = try refused([adopt("pol-2027", "2027-01-01", p.json)], in: s)
        #expect(r.rules.count >= 5 && Set(r.rules) == ["policy-invalid"])
        for words in ["twice", "ceilings.city names master", "cut scores must increase", "superiorWeights must sum to 1", "targetMix must sum to 100%, not 110%"] {
            #expect(r.stderr.contains(words), "\(words)")
        }
        #expect(try refused([adopt("pol-bad-shape", "2027-01-01", ["ladder": ["a"]])], in: s).rules == ["policy-invalid"])
        #expect(try refused([adopt("pol-2027", "2027-01-01", Policy.standard.json)], in: s).rules == [])
    }
}
