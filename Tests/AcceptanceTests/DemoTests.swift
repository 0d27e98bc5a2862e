import Foundation
import Testing
import LadderDomain

@Suite struct DemoTests {
    @Test func demoBuildsAVerifiedProvinceAndIsDeterministic() throws {
        let a = try Sandbox(initialized: false), b = try Sandbox(initialized: false)
        let ra = a.run("demo", "--managers", "80", "--years", "2", "--seed", "7", "--json")
        #expect(ra.status == 0, "\(ra.stderr)")
        #expect(ra.stderr.isEmpty, "progress must stay quiet when piped")
        let j = ra.json
        #expect(j["units"] == 15 && j["managers"] == 80)
        #expect(j["verify"]["ok"] == true)
        #expect(j["violations"] == 0)
        #expect(j["windows"].count == 3)
        #expect(j["windows"].arrayValue.allSatisfy { ($0["granted"].intValue ?? 0) <= ($0["seats"].intValue ?? 0) })
        #expect(j["events"] == j["verify"]["events"])
        #expect(a.run("verify").status == 0)
        // Same seed, same province: the same events in the same order.
        #expect(b.run("demo", "--managers", "80", "--years", "2", "--seed", "7", "--json").status == 0)
        func events(_ s: Sandbox) -> [JSONValue] { s.log().map { ["id": $0["id"], "type": $0["type"], "data": $0["data"], "effective": $0["effective"]] } }
        #expect(events(a) == events(b))
        // Every kind of friction happened.
        let types = Set(a.log().compactMap { $0["type"].stringValue })
        for t in ["PromotionGranted", "PromotionDeclined", "PromotionRevoked", "EventVoided", "PolicyAdopted", "ManagerLeft", "QuotaSet"] {
            #expect(types.contains(t), "\(t)")
        }
        // A store that already holds events is refused and left as it was.
        let head = a.run("head").stdout
        let again = a.run("demo", "--managers", "80", "--years", "1")
        #expect(again.status == 1)
        #expect(again.stderr.contains("fresh store"))
        #expect(a.run("head").stdout == head)
    }

    /// A replay in small pages drops old evidence from memory and reads it back when a later event reaches it:
    /// the rows it writes are the very rows the appends wrote, byte for byte.
    @Test(.enabled(if: !Sandbox.onPostgres, "reads projection rows through the sqlite3 client")) func aPagedReplayWritesTheRowsTheAppendsWrote() throws {
        let s = try Sandbox(initialized: false)
        #expect(s.run("demo", "--managers", "80", "--years", "3", "--json").status == 0)
        // A void reaching back to the first year's first assessment: its manager's old rows and cohort are read back.
        let log = s.log()
        let first = try #require(log.first { $0["type"] == "AssessmentRecorded" })
        let last = try #require(log.last)["effective"].stringValue ?? ""
        let void = #"{"id":"late-void","type":"EventVoided","effective":"\#(last)","actor":{"id":"hr-chen","role":"hr"},"data":{"event":"\#(first["id"].stringValue ?? "")","reason":"录入错误"}}"#
        let voided = s.run("append", "-", stdin: void + "\n")
        #expect(voided.status == 0, "\(voided.stderr)")
        let rows = { s.sqlite("SELECT kind, key, hex(body) FROM projection ORDER BY kind, key").stdout }
        let appended = rows()
        #expect(appended.split(separator: "\n").count > 500)
        // Pages read on the writer's connection, and on a second reader thread (EventPrefetch).
        let runs = [("101", "1000000000"), ("101", "1"), ("1000000", "1")]
        func replay(_ page: String, _ prefetch: String) -> JSONValue {
            let r = s.exec(["replay", "--db", s.db, "--json"], env: ["LADDER_REPLAY_PAGE": page, "LADDER_REPLAY_PREFETCH": prefetch])
            #expect(r.status == 0, "\(r.stderr)")
            return r.json
        }
        for (page, prefetch) in runs {
            #expect(replay(page, prefetch)["rewritten"] == 0, "page \(page), prefetch above \(prefetch)")
            #expect(rows() == appended, "page \(page), prefetch above \(prefetch)")
        }
        // The table is compared, not emptied: a changed row, a lost one and one the log does not give are put right,
        // and a row the table holds but this replay has not written is never read back (here a half-year of evidence
        // before the log began, for the manager whose old rows the void reads back).
        let manager = first["data"]["manager"].stringValue ?? ""
        for (page, prefetch) in runs {
            #expect(s.sqlite("""
                UPDATE projection SET body = x'00' WHERE kind = 'application' AND key = (SELECT min(key) FROM projection WHERE kind = 'application');
                DELETE FROM projection WHERE kind = 'manager-log' AND key = (SELECT max(key) FROM projection WHERE kind = 'manager-log');
                INSERT INTO projection (kind, key, body) SELECT 'record', '\(manager)|2001H1', body FROM projection
                    WHERE kind = 'record' AND key > '\(manager)|' AND key < '\(manager)}' LIMIT 1;
                """).status == 0)
            #expect(rows() != appended)
            #expect(replay(page, prefetch)["rewritten"] == 3, "page \(page), prefetch above \(prefetch)")
            #expect(rows() == appended, "page \(page), prefetch above \(prefetch)")
        }
        // Every row lost (the checkpoint kept, so the open does not repair first): every row is written, and counted.
        #expect(s.sqlite("DELETE FROM projection").status == 0)
        let cold = replay("101", "1")
        #expect(cold["rewritten"] == cold["entities"] && cold["entities"] == .int(Int64(appended.split(separator: "\n").count)))
        #expect(rows() == appended)
    }

    /// Replay and a large append say how far they are on a terminal, and nothing on stderr when piped.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) for a terminal"))
    func longWorkShowsProgressOnATerminalOnly() throws {
        let s = try Sandbox()
        let file = s.dir.appendingPathComponent("events.jsonl").path
        #expect(s.run("demo", "--managers", "250", "--years", "2", "--jsonl", file, db: false).status == 0)
        // Under script(1) the command's stdout and stderr are a pseudo-terminal, copied to script's stdout.
        func onTerminal(_ command: String) -> Run {
            s.exec(["-q", "-e", "-c", "'\(Sandbox.binary)' \(command) --db '\(s.db)'", "/dev/null"], executable: "/usr/bin/script")
        }
        let appended = onTerminal("append '\(file)'")
        #expect(appended.status == 0, "\(appended.stderr)")
        #expect(appended.stdout.contains("events read; checking and writing them"), "\(appended.stdout)")
        #expect(appended.stdout.contains("appended "))
        let replayed = onTerminal("replay")
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(replayed.stdout.contains("events folded"), "\(replayed.stdout)")
        #expect(replayed.stdout.contains("replayed "))
        let piped = s.run("replay")
        #expect(piped.status == 0 && piped.stderr.isEmpty, "\(piped.stderr)")
        #expect(piped.stdout.hasPrefix("replayed "))
    }

    @Test func exportWritesValidJSONLinesForAFreshStore() throws {
        let s = try Sandbox()
        let file = s.dir.appendingPathComponent("events.jsonl").path
        #expect(s.run("demo", "--managers", "30", "--years", "1", "--jsonl", file, "--limit", "500", db: false).status == 0)
        let r = s.run("append", file, "--json")
        #expect(r.status == 0, "\(r.stderr.prefix(500))")
        #expect(r.json["appended"] == 500)
    }
}
