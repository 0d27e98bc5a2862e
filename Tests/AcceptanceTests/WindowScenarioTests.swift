import Testing
import LadderDomain

/// One full window in changsha, through every stage, then corrections, then replay.
@Suite struct WindowScenarioTests {
    let e = World.e

    /// Seats for 2 intermediates. tie on final score 85 (A-1 wins on exam), A-5b (84) falls below the
    /// line, A-2 passes only by HR override, A-4 is rejected, A-5 returned then re-applied as A-5b, A-6 fails the
    /// exam, A-8's manager leaves before the decision.
    func scenario() throws -> Sandbox {
        let s = try Sandbox()
        var lines = World.grants
        for (m, name) in [("M-1", "李伟"), ("M-2", "王芳"), ("M-4", "张强"), ("M-5", "刘洋"), ("M-6", "陈静"), ("M-7", "杨帆"), ("M-8", "赵磊")] {
            lines.append(World.enrol(m, name))
        }
        for m in ["M-1", "M-4", "M-5", "M-6", "M-7", "M-8"] { lines += World.evidence(m) }
        lines += World.evidence("M-2", ratings: ["B", "B", "C"], selfScore: 70)
        lines += World.openWindow(seats: 2)
        lines += [World.apply("A-1", "M-1")] + World.steps("A-1", direct: 80, skip: 90, exam: 85)
        lines += [World.apply("A-7", "M-7")] + World.steps("A-7", direct: 90, skip: 90, exam: 80)
        lines += [World.apply("A-2", "M-2")] + Array(World.steps("A-2", direct: 70, skip: 70).prefix(3))
        lines.append(e("A-2-qc", "QualificationChecked", "2026-07-13", "hr-zhang", "hr", ["application": "A-2", "passed": true, "override": "covering the A-class account since March"]))
        lines.append(e("A-2-ex", "ExamScored", "2026-07-20", "hr-zhang", "hr", ["application": "A-2", "score": 80]))
        lines += [World.apply("A-4", "M-4")] + Array(World.steps("A-4").prefix(2))
        lines.append(e("A-4-rd", "RegionalDecision", "2026-07-12", "ca-cs", "city-admin", ["application": "A-4", "approved": false, "reason": "less than a year in post"]))
        lines += [World.apply("A-5", "M-5")] + Array(World.steps("A-5").prefix(3))
        lines.append(e("A-5-qc", "QualificationChecked", "2026-07-13", "hr-zhang", "hr", ["application": "A-5", "passed": false, "reason": "the application form is not signed"]))
        lines += [World.apply("A-5b", "M-5", effective: "2026-07-14")] + World.steps("A-5b", direct: 84, skip: 84, exam: 84)
        lines += [World.apply("A-6", "M-6")] + World.steps("A-6", exam: 60)
        lines += [World.apply("A-8", "M-8")] + World.steps("A-8", exam: 95)
        lines.append(e("left-M-8", "ManagerLeft", "2026-07-25", "hr-zhang", "hr", ["manager": "M-8", "reason": "moved to another company"]))
        lines.append(World.close())
        let r = s.append(lines)
        precondition(r.status == 0, r.stderr)
        return s
    }

    func stages(_ s: Sandbox) -> [String: String] {
        var out: [String: String] = [:]
        for a in s.run("window", "2026H2", "--unit", "changsha", "--json").json["applications"].arrayValue {
            out[a["application"].stringValue!] = a["stage"].stringValue!
        }
        return out
    }

    @Test func aFullWindowIsRankedDecidedAndExplained() throws {
        let s = try scenario()
        #expect(stages(s) == ["A-1": "examined", "A-7": "examined", "A-2": "examined", "A-4": "rejected", "A-5": "returned",
                              "A-5b": "examined", "A-6": "examined", "A-8": "examined"])
        // A left manager cannot apply again.
        #expect(s.append([World.apply("A-9", "M-8")]).rules.contains("not-permitted"))

        // Hand-made decisions must agree with allocation.
        let overQuota = e("h1", "PromotionGranted", "2026-07-31", "hr-zhang", "hr",
                          ["application": "A-5b", "manager": "M-5", "from": "junior", "to": "intermediate", "rank": 3, "score": 84])
        #expect(s.append([overQuota]).rules == ["over-quota"])
        let failed = e("h2", "PromotionGranted", "2026-07-31", "hr-zhang", "hr",
                       ["application": "A-6", "manager": "M-6", "from": "junior", "to": "intermediate", "rank": 1, "score": 70])
        #expect(s.append([failed]).rules == ["out-of-order"])

        let dry = s.run("allocate", "2026H2", "--unit", "changsha", "--actor", "hr-zhang", "--dry-run", "--json")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(s.run("window", "2026H2", "--unit", "changsha", "--json").json["state"] == "closed")

        let alloc = s.run("allocate", "2026H2", "--unit", "changsha", "--actor", "hr-zhang", "--json")
        #expect(alloc.status == 0, "\(alloc.stderr)")
        #expect(alloc.json["appended"] == .int(8))
        #expect(alloc.json["decisions"] == dry.json["decisions"])
        var byApp: [String: JSONValue] = [:]
        for d in alloc.json["decisions"].arrayValue { byApp[d["application"].stringValue!] = d }
        #expect(byApp["A-1"]?["decision"] == "granted" && byApp["A-1"]?["rank"] == 1 && byApp["A-1"]?["score"] == 85)
        #expect(byApp["A-7"]?["decision"] == "granted" && byApp["A-7"]?["rank"] == 2 && byApp["A-7"]?["score"] == 85)
        #expect(byApp["A-5b"]?["decision"] == "declined" && byApp["A-5b"]?["rank"] == 3)
        #expect(byApp["A-5b"]?["reason"].stringValue?.hasPrefix("below the quota line") == true)
        #expect(byApp["A-2"]?["rank"] == 4)
        #expect(byApp["A-4"]?["reason"] == "rejected by the regional admin: less than a year in post")
        #expect(byApp["A-5"]?["reason"] == "returned by HR at the qualification check: the application form is not signed")
        #expect(byApp["A-6"]?["reason"] == "failed the exam: 60 is below the pass mark 71")
        #expect(byApp["A-8"]?["reason"] == "the manager left on 2026-07-25")

        // The window, the quota and the managers.
        let w = s.run("window", "2026H2", "--unit", "changsha", "--json").json
        #expect(w["state"] == "allocated")
        #expect(w["unit"] == "changsha" && w["window"] == "2026H2")
        #expect(stages(s) == ["A-1": "granted", "A-7": "granted", "A-2": "declined", "A-4": "declined", "A-5": "declined",
                              "A-5b": "declined", "A-6": "declined", "A-8": "declined"])
        let q = s.run("quota", "2026H2", "--json").json
        #expect(q == [["unit": "changsha", "window": "2026H2", "grade": "intermediate", "state": "allocated", "seats": 2, "granted": 2, "revoked": 0, "remaining": 0]])
        let m1 = s.run("manager", "M-1", "--json").json
        #expect(m1["grade"] == "intermediate" && m1["status"] == "active" && m1["unit"] == "changsha")
        #expect(m1["history"].arrayValue.map { [$0["grade"], $0["effective"]] } == [["junior", "2026-01-05"], ["intermediate", "2026-07-31"]])
        #expect(s.run("manager", "M-8", "--json").json["status"] == "left")
        #expect(s.append([World.openWindow()[1].replacingOccurrences(of: "quota-changsha-2026H2", with: "q-late")]).rules == ["window-allocated"])
        #expect(s.run("allocate", "2026H2", "--unit", "changsha", "--actor", "hr-zhang").rules == ["window-allocated"])

        // Explain: every step, the evidence read, the tie broken by exam score.
        let ex = s.run("explain", "A-7", "--json").json
        let types = ex["steps"].arrayValue.map { $0["type"].stringValue! }
        #expect(types == ["ApplicationSubmitted", "SuperiorEvaluated", "SuperiorEvaluated", "RegionalDecision", "QualificationChecked", "ExamScored", "PromotionGranted"])
        let qc = ex["steps"][4]
        #expect(qc["eligible"] == true)
        #expect(qc["evidence"]["ratings"].count == 6)
        #expect(qc["evidence"]["instruments"].arrayValue.map { $0["event"] } == ["as-M-7-2026H1-knowledge-80", "as-M-7-2026H1-situational-10", "as-M-7-2026H1-structured-interview"])
        #expect(qc["policy"] == "init:policy")
        let ranking = ex["steps"][6]["ranking"].arrayValue.map { $0["application"] }
        #expect(ranking == ["A-1", "A-7", "A-5b", "A-2"])
        #expect(ex["steps"][6]["seats"] == 2)

        // Audit agrees with everything ladder wrote; compliance lists the override.
        #expect(s.run("audit", "--json").json == ["decisions": 8, "disagreements": [], "ok": true])
        let c = s.run("compliance", "--json").json
        #expect(c["violations"] == [])
        #expect(c["overrides"].arrayValue.map { $0["application"] } == ["A-2"])
        #expect(c["overrides"][0]["reason"] == "covering the A-class account since March")
        let mix = c["mix"].arrayValue.filter { $0["unit"] == "changsha" }
        #expect(mix.map { $0["grade"] } == ["junior", "intermediate", "senior"])
        #expect(mix.map { $0["count"] } == [4, 2, 0])  // 7 enrolled, 1 left
        #expect(mix[1]["actual"] == .double(0.3333) && mix[1]["target"] == .double(0.55))
    }

    @Test func correctionsThenReplayGiveTheSameReports() throws {
        let s = try scenario()
        #expect(s.run("allocate", "2026H2", "--unit", "changsha", "--actor", "hr-zhang").status == 0)

        // Revocation: the grade reverts and the history shows both.
        #expect(s.append([e("rev-A-7", "PromotionRevoked", "2026-09-01", "hr-zhang", "hr", ["application": "A-7", "reason": "exam irregularity found"])]).status == 0)
        let m7 = s.run("manager", "M-7", "--json").json
        #expect(m7["grade"] == "junior")
        #expect(m7["history"].arrayValue.map { $0["grade"] } == ["junior", "intermediate", "junior"])
        let q = s.run("quota", "2026H2", "--json").json[0]
        #expect(q["granted"] == 1 && q["revoked"] == 1 && q["remaining"] == 1)
        #expect(s.append([e("rev-again", "PromotionRevoked", "2026-09-02", "hr-zhang", "hr", ["application": "A-7", "reason": "x"])]).rules == ["out-of-order"])

        // A void of evidence the decision relied on: the audit names it and who was displaced.
        #expect(s.append([e("void-rev", "EventVoided", "2026-09-03", "hr-zhang", "hr", ["event": "rev-self-M-1-2026H1", "reason": "submitted from the wrong account"])]).status == 0)
        let m1 = s.run("manager", "M-1", "--json").json
        #expect(m1["evidence"]["reviews"].arrayValue.map { $0["relation"] } == ["superior"])
        let audit = s.run("audit", "--json")
        #expect(audit.status == 1)
        let findings = audit.json["disagreements"].arrayValue
        #expect(findings.map { $0["application"] } == ["A-1", "A-5b"])
        #expect(findings[0]["kind"] == "voided-evidence" && findings[0]["recorded"] == "granted" && findings[0]["derived"] == "declined")
        #expect(findings[0]["reason"].stringValue?.contains("rev-self-M-1-2026H1") == true)
        #expect(findings[1]["kind"] == "displaced" && findings[1]["derived"] == "granted")

        // A later policy does not change a recorded decision.
        var strict = Policy.standard
        strict.passMark = 99
        #expect(s.append([e("pol-2027", "PolicyAdopted", "2027-01-01", "admin", "system-admin", ["policy": strict.json])]).status == 0)

        let reports = ["manager M-1", "manager M-7", "window 2026H2 --unit changsha", "quota 2026H2", "compliance", "audit", "explain A-1", "manager M-2 --as-of 2026-07-20", "window 2026H2 --unit changsha --at 60"]
        func snapshot() -> [String] { reports.map { s.exec($0.split(separator: " ").map(String.init) + ["--json", "--db", s.db]).stdout } }
        let before = snapshot()
        #expect(s.run("replay").status == 0)
        #expect(snapshot() == before)
        #expect(s.run("verify").status == 0)
        #expect(before[0].contains("\"grade\":\"intermediate\""))
    }

    @Test func asOfAndAtViews() throws {
        let s = try scenario()
        #expect(s.run("allocate", "2026H2", "--unit", "changsha", "--actor", "hr-zhang").status == 0)
        let head = s.run("head", "--json").json["seq"].intValue!
        #expect(s.run("manager", "M-1", "--as-of", "2026-07-30", "--json").json["grade"] == "junior")
        #expect(s.run("manager", "M-1", "--as-of", "2026-07-31", "--json").json["grade"] == "intermediate")
        #expect(s.run("window", "2026H2", "--unit", "changsha", "--at", String(head - 8), "--json").json["state"] == "closed")
        #expect(s.run("manager", "M-1", "--at", "3").rules == ["unknown-manager"])
        #expect(s.run("quota", "2026H2", "--at", String(head - 8), "--json").json[0]["granted"] == 0)
    }

    /// One process per step, so that every append loads the window by need (its row always, its application
    /// list only for events that read it): the list keeps every application, a rating in between leaves it
    /// alone, and the rows are those a replay writes.
    @Test func aWindowAppendedOneProcessAtATimeKeepsEveryApplication() throws {
        let s = try Sandbox()
        var setup = World.grants
        for m in ["M-1", "M-2", "M-4"] { setup += [World.enrol(m, "李伟")] + World.evidence(m) }
        #expect(s.append(setup + World.openWindow(seats: 1)).status == 0)
        let batches: [[String]] = [
            [World.apply("A-1", "M-1")], World.steps("A-1"), [World.apply("A-2", "M-2")],
            [e("r-M-1", "PerformanceRated", "2026-07-28", "perf-li", "performance-admin", ["manager": "M-1", "month": "2026-07", "rating": "A"])],
            [World.apply("A-4", "M-4")], [World.close()],
        ]
        for lines in batches {
            let r = s.append(lines)
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(s.append([World.apply("A-1b", "M-1")]).rules.contains("window-not-open"))
        #expect(stages(s) == ["A-1": "examined", "A-2": "submitted", "A-4": "submitted"])
        guard !Sandbox.onPostgres else { return }
        let rows = { s.sqlite("SELECT kind, key, hex(body) FROM projection ORDER BY kind, key").stdout }
        let appended = rows()
        #expect(appended.contains("window-applications|changsha/2026H2|"))
        #expect(s.run("replay").status == 0)
        #expect(rows() == appended)
    }
}
