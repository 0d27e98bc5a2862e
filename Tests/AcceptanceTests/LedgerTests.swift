import Foundation
import Testing
import LadderDomain

/// A valid start under every rule: an HR grant, a city unit, a manager.
let basics = [
    event("g-hr", "RoleGranted", "2026-01-01", actor: "admin", role: "system-admin",
          ["actor": .string("hr-zhang"), "role": .string("hr")]),
    event("u-cs", "UnitRegistered", "2026-01-01", actor: "admin", role: "system-admin",
          ["unit": .string("changsha"), "name": .string("长沙分公司"), "kind": .string("city")]),
    event("e-0001", "ManagerEnrolled", "2026-01-05", actor: "hr-zhang", role: "hr",
          ["manager": .string("M-00017"), "name": .string("李伟"), "unit": .string("changsha"),
           "grade": .string("junior"), "superior": .string("S-0101"), "skipSuperior": .string("S-0001")]),
]

func enrolment(_ id: String, manager: String, name: String = "王芳") -> String {
    event(id, "ManagerEnrolled", "2026-01-06", actor: "hr-zhang", role: "hr",
          ["manager": .string(manager), "name": .string(name), "unit": .string("changsha"),
           "grade": .string("junior"), "superior": .string("S-0101"), "skipSuperior": .string("S-0001")])
}

@Suite struct LedgerTests {
    @Test(.enabled(if: !Sandbox.onPostgres, "an SQLite file of another application")) func anSQLiteFileThatIsNotALedgerIsRefusedAndLeftAlone() throws {
        let s = try Sandbox(initialized: false)
        #expect(s.sqlite("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')").status == 0)
        let r = s.run("head")
        #expect(r.status != 0)
        #expect(r.stderr.hasPrefix("error:") && r.stderr.contains("no events table"), "\(r.stderr)")
        // Untouched: no table added, and not switched to WAL (that is written into the file's header).
        #expect(s.sqlite("SELECT group_concat(name) FROM sqlite_master").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "notes")
        #expect(s.sqlite("PRAGMA journal_mode").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "delete")
    }

    /// The input is read whole whatever its source: a file by its size, standard input in chunks. A file
    /// larger than one chunk (64 KiB) with a last line without its newline; a directory is a clear error.
    @Test func appendReadsAFileAndStandardInputWholeAndRefusesADirectory() throws {
        let s = try Sandbox()
        let many = (1...400).map { enrolment("e-big-\($0)", manager: "M-2\(String(format: "%04d", $0))") }
        let body = (basics + many).joined(separator: "\n")
        #expect(body.utf8.count > 1 << 16)
        let file = s.run("append", s.write("big.jsonl", body), "--json")
        #expect(file.status == 0, "\(file.stderr)")
        #expect(file.json["appended"] == .int(403))
        let piped = s.run("append", "--json", stdin: enrolment("e-pipe", manager: "M-30001"))
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.json["appended"] == .int(1))
        let dir = s.run("append", s.dir.path)
        #expect(dir.status == 1)
        #expect(dir.stderr.hasPrefix("error: cannot read ") && dir.stderr.contains("directory"), "\(dir.stderr)")
        #expect(s.log().count == 406)
    }

    @Test func appendThenReappendIdenticalIsANoOp() throws {
        let s = try Sandbox()
        let file = s.write("a.jsonl", basics.joined(separator: "\n") + "\n")
        let first = s.run("append", file, "--json")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.json["appended"] == .int(3))
        let again = s.run("append", file, "--json")
        #expect(again.status == 0)
        #expect(again.json["appended"] == .int(0))
        #expect(again.json["skipped"] == .int(3))
        #expect(again.json["head"]["seq"] == first.json["head"]["seq"])
        // Key order and spacing do not make an event different.
        let reordered = #"{"data":{"unit":"changsha","kind":"city","name":"长沙分公司"},"type":"UnitRegistered","id":"u-cs","actor":{"role":"system-admin","id":"admin"},"effective":"2026-01-01"}"#
        #expect(s.run("append", stdin: reordered).status == 0)
        #expect(s.log().count == 5)
    }

    /// Within one batch too: a repeat of an event is skipped, the same id with other content refuses the batch.
    @Test func aRepeatWithinOneBatchIsSkippedAndAChangedOneRefused() throws {
        let s = try Sandbox()
        let r = s.run("append", "--json", stdin: (basics + [basics[2]]).joined(separator: "\n"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json["appended"] == .int(3) && r.json["skipped"] == .int(1))
        let head = s.run("head").stdout
        let changed = basics[1].replacingOccurrences(of: "u-cs", with: "u-xt").replacingOccurrences(of: "changsha", with: "xiangtan")
        let bad = s.run("append", stdin: [changed, changed.replacingOccurrences(of: "长沙分公司", with: "株洲分公司")].joined(separator: "\n"))
        #expect(bad.status == 1)
        #expect(bad.rules == ["duplicate-id"])
        #expect(s.run("head").stdout == head)
    }

    @Test(.enabled(if: !Sandbox.onPostgres, "SQLite's page size")) func aNewStoreHasEightKiBPages() throws {
        let s = try Sandbox()
        #expect(s.sqlite("PRAGMA page_size").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "8192")
        #expect(s.sqlite("PRAGMA journal_mode").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "wal")
    }

    /// A batch's refusals are listed in its order, whichever check finds them: the duplicate check
    /// runs over the whole batch before the rules, and its refusals still take their events' places.
    /// The same with the ids looked up on the second connection a large batch uses (from one event on, here).
    @Test(arguments: [false, true]) func refusalsOfDifferentChecksAreListedInTheBatchsOrder(secondReader: Bool) throws {
        let s = try Sandbox()
        let env = secondReader ? ["LADDER_APPEND_SECOND_READER": "1"] : [:]
        func append(_ lines: [String]) -> Run { s.exec(["append", "--db", s.db], stdin: Data(lines.joined(separator: "\n").utf8), env: env) }
        #expect(append(basics).status == 0)
        let head = s.run("head").stdout
        let changed = basics[2].replacingOccurrences(of: "李伟", with: "李娜")
        let stranger = event("r-1", "PerformanceRated", "2026-02-28", actor: "hr-zhang", role: "hr",
                             ["manager": .string("M-99999"), "month": .string("2026-02"), "rating": .string("A")])
        let ruleFirst = append([stranger, changed])
        #expect(ruleFirst.status == 1)
        #expect(ruleFirst.rules == ["unknown-manager", "duplicate-id"], "\(ruleFirst.stderr)")
        let duplicateFirst = append([changed, stranger])
        #expect(duplicateFirst.rules == ["duplicate-id", "unknown-manager"], "\(duplicateFirst.stderr)")
        #expect(s.run("head").stdout == head)
        // An identical re-append is a no-op, however its ids are looked up.
        #expect(append(basics).status == 0 && s.run("head").stdout == head)
    }

    @Test func sameIdOtherContentIsDuplicateID() throws {
        let s = try Sandbox()
        #expect(s.run("append", stdin: basics.joined(separator: "\n")).status == 0)
        let changed = basics[2].replacingOccurrences(of: "李伟", with: "李娜")
        let r = s.run("append", stdin: changed)
        #expect(r.status == 1)
        #expect(r.rules == ["duplicate-id"])
        #expect(r.stderr.contains("e-0001"))
    }

    @Test func aBatchWithOneBadLineWritesNothingAndNamesEveryProblem() throws {
        let s = try Sandbox()
        let before = s.log().count
        let lines = basics + [#"{"id":"e-bad","type":"PerformanceRated","effective":"2026-02-30","actor":{"id":"hr-zhang","role":"hr"},"data":{"manager":"M-00017","month":"2026-13","rating":"E"}}"#,
                              enrolment("e-0002", manager: "M-00018")]
        let r = s.run("append", stdin: lines.joined(separator: "\n"))
        #expect(r.status == 1)
        #expect(r.rules == ["bad-date", "bad-field", "bad-field"])
        #expect(r.errorLines.allSatisfy { $0.contains("e-bad") && $0.contains("line 4") })
        #expect(r.stderr.contains("data.month"))
        #expect(r.stderr.contains("data.rating"))
        #expect(s.log().count == before)
        #expect(s.run("verify").status == 0)
    }

    @Test func everyEnvelopeRuleIsEnforcedThroughTheCLI() throws {
        let s = try Sandbox()
        let cases: [(String, String)] = [
            (#"{"id":"","type":"UnitRegistered","effective":"2026-01-01","actor":{"id":"admin","role":"system-admin"},"data":{"unit":"x","name":"x","kind":"city"}}"#, "bad-field"),
            (#"{"id":"a b","type":"UnitRegistered","effective":"2026-01-01","actor":{"id":"admin","role":"system-admin"},"data":{"unit":"x","name":"x","kind":"city"}}"#, "bad-field"),
            (#"{"id":"x1","type":"UnitOpened","effective":"2026-01-01","actor":{"id":"admin","role":"system-admin"},"data":{}}"#, "unknown-type"),
            (#"{"id":"x2","type":"UnitRegistered","effective":"2026-02-31","actor":{"id":"admin","role":"system-admin"},"data":{"unit":"x","name":"x","kind":"city"}}"#, "bad-date"),
            (#"{"id":"x3","type":"UnitRegistered","effective":"2026-01-01","actor":{"id":"admin","role":"king"},"data":{"unit":"x","name":"x","kind":"city"}}"#, "bad-field"),
            (#"{"id":"x4","type":"UnitRegistered","effective":"2026-01-01","actor":{"id":"admin","role":"system-admin"},"data":{"unit":"x","name":"x","kind":"town"}}"#, "bad-field"),
            (#"{"id":"x5","type":"UnitRegistered","effective":"2026-01-01","actor":{"id":"admin","role":"system-admin"},"data":{"unit":"x","name":"x","kind":"city","extra":1}}"#, "bad-field"),
            (#"{"id":"x6","type":"UnitRegistered","effective":"2026-01-01","actor":{"id":"admin","role":"system-admin"},"data":{"unit":"x","kind":"city"}}"#, "bad-field"),
            (#"{"id":"x7","type":"WindowOpened","effective":"2026-01-01","actor":{"id":"admin","role":"hr"},"data":{"unit":"x","window":"2026H1","closes":"2026-06-31"}}"#, "bad-date"),
            (#"{"id":"x8","type":"ReviewSubmitted","effective":"2026-01-01","actor":{"id":"M-1","role":"examinee"},"data":{"manager":"M-1","period":"2026H1","relation":"self","score":-1}}"#, "score-range"),
            (#"{"id":"x9","type":"QuotaSet","effective":"2026-01-01","actor":{"id":"a","role":"hr"},"data":{"unit":"x","window":"2026H1","grade":"senior","seats":1.5}}"#, "bad-field"),
            (#"{"id":"x10","type":"UnitRegistered","effective":"2026-01-01","actor":{"id":"admin","role":"system-admin"},"data":{"unit":"x","name":"x","kind":"city"},"seq":9}"#, "bad-field"),
        ]
        for (line, rule) in cases {
            let r = s.run("append", stdin: line)
            #expect(r.status == 1, "\(line)")
            #expect(r.rules == [rule], "\(line): \(r.stderr)")
        }
        #expect(s.log().count == 2)
    }

    @Test func expectSeqRefusesAStaleWriter() throws {
        let s = try Sandbox()
        let head = s.run("head", "--json").json["seq"]
        #expect(head == .int(2))
        #expect(s.run("append", "--expect-seq", "2", stdin: basics[0]).status == 0)
        let stale = s.run("append", "--expect-seq", "2", stdin: basics[1])
        #expect(stale.status == 1)
        #expect(stale.rules == ["stale-version"])
        #expect(s.log().count == 3)
    }

    @Test func logFiltersBySeqAndManager() throws {
        let s = try Sandbox()
        #expect(s.run("append", stdin: (basics + [enrolment("e-0002", manager: "M-00018")]).joined(separator: "\n")).status == 0)
        let all = s.log()
        #expect(all.map { $0["seq"] } == (1...all.count).map { .int(Int64($0)) })
        let since = s.log("--since", "3")
        #expect(since.first?["seq"] == .int(4))
        #expect(since.count == all.count - 3)
        let mine = s.log("--manager", "M-00018")
        #expect(mine.map { $0["id"] } == [.string("e-0002")])
        #expect(mine.first?["data"]["name"] == .string("王芳"))
        #expect(mine.first?["hash"].stringValue?.count == 64)
    }

    /// `log --manager` reads the manager's own list of seqs, not the whole log: it is exactly the
    /// log's events about that manager (its applications' included), whether they came one at a
    /// time or in batches, after `--since`, and after a replay rebuilt the lists.
    @Test func aManagersLogIsItsEventsWhateverTheBatches() throws {
        let s = try Sandbox()
        let lines = World.base + [World.apply("A-1", "M-1")] + World.steps("A-1")
        let firstManager = World.grants.count
        for batch in [lines[..<firstManager], lines[firstManager...firstManager], lines[(firstManager + 1)..<20], lines[20...]] {
            #expect(s.append(Array(batch)).status == 0)
        }
        let all = s.log()
        func about(_ m: String, since: Int64 = 0) -> [JSONValue] {
            let apps: Set<String> = m == "M-1" ? ["A-1"] : []
            return all.filter { e in
                (e["seq"].intValue ?? 0) > since
                    && (e["data"]["manager"] == .string(m) || apps.contains(e["data"]["application"].stringValue ?? "-"))
            }
        }
        let mid = Int64(all.count / 2)
        for m in ["M-1", "M-2", "M-3"] {
            #expect(!about(m).isEmpty, "\(m)")
            #expect(s.log("--manager", m) == about(m), "\(m)")
            #expect(s.log("--manager", m, "--since", String(mid)) == about(m, since: mid), "\(m)")
        }
        #expect(about("M-1").contains { $0["data"]["application"] == "A-1" && $0["data"]["manager"] == .null })
        #expect(s.log("--manager", "M-404").isEmpty)
        #expect(s.run("replay").status == 0)
        for m in ["M-1", "M-2", "M-3"] { #expect(s.log("--manager", m) == about(m), "after replay: \(m)") }
    }

    @Test(.enabled(if: !Sandbox.onPostgres, "tampers through the sqlite3 client")) func verifyOnAGoodStoreAndAfterTampering() throws {
        let s = try Sandbox()
        #expect(s.run("append", stdin: (basics + [enrolment("e-0002", manager: "M-00018")]).joined(separator: "\n")).status == 0)
        let good = s.run("verify", "--json")
        #expect(good.status == 0)
        #expect(good.json["ok"] == .bool(true))
        #expect(good.json["events"] == .int(6))
        #expect(good.json["head"] == s.run("head", "--json").json["hash"])

        // The guard refuses another client's UPDATE and DELETE.
        let update = s.sqlite("UPDATE events SET data = replace(data, '王芳', '张三') WHERE seq = 6")
        #expect(update.status != 0)
        #expect(update.stderr.contains("append-only"))
        #expect(s.sqlite("DELETE FROM events WHERE seq = 6").status != 0)
        #expect(s.run("verify").status == 0)

        // With the triggers dropped, a changed row is named by its seq.
        #expect(s.sqlite("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; UPDATE events SET data = replace(data, '王芳', '张三') WHERE seq = 6").status == 0)
        let bad = s.run("verify", "--json")
        #expect(bad.status == 1)
        #expect(bad.json["ok"] == .bool(false))
        #expect(bad.json["firstBad"] == .int(6))
    }

    @Test(.enabled(if: !Sandbox.onPostgres, "tampers through the sqlite3 client")) func verifyNoticesAMissingGuardEvenWithAnIntactChain() throws {
        let s = try Sandbox()
        #expect(s.sqlite("DROP TRIGGER events_no_delete").status == 0)
        let r = s.run("verify", "--json")
        #expect(r.status == 1)
        #expect(r.json["guard"] == .bool(false))
    }

    @Test(.enabled(if: !Sandbox.onPostgres, "tampers through the sqlite3 client")) func anchoredHeadCatchesATruncatedTail() throws {
        let s = try Sandbox()
        #expect(s.run("append", stdin: basics.joined(separator: "\n")).status == 0)
        let anchor = s.run("head").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(s.run("verify", "--head", anchor).status == 0)
        #expect(s.sqlite("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 5; CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'x'); END;").status == 0)
        #expect(s.run("verify").status == 0)  // a shorter chain is still a chain
        let r = s.run("verify", "--head", anchor, "--json")
        #expect(r.status == 1)
        #expect(r.json["firstBad"] == .int(5))
    }

    @Test func importCSVWithChineseNamesAllOrNothing() throws {
        let s = try Sandbox()
        #expect(s.run("append", stdin: basics.joined(separator: "\n")).status == 0)
        let good = s.write("m.csv", """
            id,effective,actor_id,actor_role,manager,name,unit,grade,superior,skipSuperior
            e-10,2026-01-07,hr-zhang,hr,M-00020,"欧阳, 娜娜",changsha,junior,S-0101,S-0001
            e-11,2026-01-07,hr-zhang,hr,M-00021,赵敏,changsha,junior,S-0101,S-0001

            """)
        let r = s.run("import", "--type", "ManagerEnrolled", good, "--json")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json["appended"] == .int(2))
        #expect(s.log("--manager", "M-00020").first?["data"]["name"] == .string("欧阳, 娜娜"))

        let bad = s.write("bad.csv", """
            id,effective,actor_id,actor_role,manager,name,unit,grade,superior,skipSuperior
            e-12,2026-01-08,hr-zhang,hr,M-00022,钱多,changsha,junior,S-0101,S-0001
            e-13,2026-01-32,hr-zhang,hr,M-00023,孙悟,changsha,junior,S-0101,S-0001
            """)
        let refused = s.run("import", "--type", "ManagerEnrolled", bad)
        #expect(refused.status == 1)
        #expect(refused.rules == ["bad-date"])
        #expect(refused.stderr.contains("row 3"))
        #expect(s.log("--manager", "M-00022").isEmpty)
    }

    @Test func hostileInputIsRefusedCleanly() throws {
        let s = try Sandbox()
        let before = s.log().count
        let huge = #"{"id":"h1","type":"ManagerLeft","effective":"2026-01-01","actor":{"id":"hr-zhang","role":"hr"},"data":{"manager":"M-00017","reason":""# + String(repeating: "x", count: 10_000_000) + #""}}"#
        let inputs: [(String, [UInt8])] = [
            ("10 MB line", Array(huge.utf8)),
            ("invalid UTF-8", Array(#"{"id":"u1","type":"UnitRegistered","effective":"2026-01-01","actor":{"id":"admin","role":"system-admin"},"data":{"unit":"x","name":""#.utf8) + [0xC3, 0x28] + Array(#"","kind":"city"}}"#.utf8)),
            ("array", Array("[1,2,3]".utf8)),
            ("deep nesting", Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8)),
            ("not json", Array("hello".utf8)),
        ]
        for (name, bytes) in inputs {
            let file = s.write("in.jsonl", bytes: bytes)
            let r = s.run("append", file)
            #expect(r.status == 1, "\(name)")
            #expect(!r.errorLines.isEmpty, "\(name): \(r.stderr.prefix(200))")
            #expect(!r.stderr.contains("Fatal error"), "\(name)")
        }
        let empty = s.run("append", s.write("empty.jsonl", ""), "--json")
        #expect(empty.status == 0)
        #expect(empty.json["appended"] == .int(0))
        #expect(s.log().count == before)
        #expect(s.run("verify").status == 0)
    }

    @Test func storeSelectionAndUsageErrors() throws {
        let s = try Sandbox(initialized: false)
        let missing = s.run("log")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("ladder init"))
        #expect(!FileManager.default.fileExists(atPath: s.db))
        #expect(s.exec(["frobnicate"]).status == 64)
        #expect(s.exec(["log", "--since", "abc"]).status == 64)
        // $LADDER_DB, else ./ladder.sqlite in the working folder.
        #expect(s.exec(["init"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: s.dir.appendingPathComponent("ladder.sqlite").path))
        #expect(s.exec(["init"]).status == 1)
    }

    @Test func replayRebuildsAndReportsCounts() throws {
        let s = try Sandbox()
        #expect(s.run("append", stdin: basics.joined(separator: "\n")).status == 0)
        let r = s.run("replay", "--json")
        #expect(r.status == 0)
        #expect(r.json["events"] == .int(5))
        #expect(r.json["rewritten"] == 0)   // the appends kept every row in step
    }
}

@Suite struct ReplayViewTests {
    @Test func replayAtAPointReportsWithoutPersisting() throws {
        let s = try Sandbox()
        #expect(s.append(World.base).status == 0)
        let r = s.run("replay", "--at", "11", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json["persisted"] == false && r.json["managers"] == 1)   // seq 11 is the first enrolment
        #expect(s.run("replay", "--as-of", "2026-01-04", "--json").json["managers"] == 0)
        #expect(s.run("manager", "M-2", "--json").json["grade"] == "junior")
    }
}
