import Foundation
import Testing
import LadderDomain

/// `ladder copy` moves a whole ledger between stores (and, with PostgreSQL at
/// hand, between backends): the same head hash, the same reports.
@Suite struct CopyTests {
    @Test func copyKeepsTheHeadAndTheReports() throws {
        let s = try Sandbox()
        #expect(s.append(World.base + [World.apply("A-1", "M-1")] + World.steps("A-1") + [World.close()]).status == 0)
        #expect(s.run("allocate", "2026H2", "--unit", "changsha", "--actor", "hr-zhang").status == 0)
        let head = s.run("verify", "--json").json["head"]
        func reports(_ db: String) -> [String] {
            ["manager M-1", "window 2026H2 --unit changsha", "quota 2026H2", "compliance", "audit"].map {
                s.exec($0.split(separator: " ").map(String.init) + ["--json", "--db", db]).stdout
            }
        }
        // To an SQLite file (whatever the sandbox's own backend is), and back again when that is PostgreSQL.
        let file = s.dir.appendingPathComponent("copy.sqlite").path
        let r = s.exec(["copy", "--from", s.db, "--to", file, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json["head"] == head && r.json["ok"] == true)
        #expect(s.exec(["verify", "--json", "--db", file]).json["head"] == head)
        #expect(reports(file) == reports(s.db))
        if let base = Sandbox.pgBase {
            // …and from that file into a second PostgreSQL database.
            let name = "ladder_copy_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            #expect(Sandbox.psql(base, "CREATE DATABASE \(name) ENCODING 'UTF8' TEMPLATE template0").status == 0)
            defer { _ = Sandbox.psql(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
            let back = s.exec(["copy", "--from", file, "--to", base + "/" + name, "--json"])
            #expect(back.status == 0, "\(back.stderr)")
            #expect(back.json["head"] == head)
            #expect(reports(base + "/" + name) == reports(s.db))
        }
        // The target must be new: a second copy onto it is refused and changes nothing.
        let again = s.exec(["copy", "--from", s.db, "--to", file])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds a ledger"))
        // A source that does not verify is not copied.
        if !Sandbox.onPostgres {
            #expect(s.sqlite("DROP TRIGGER events_no_update; UPDATE events SET data = replace(data, 'changsha', 'Changsha') WHERE seq = 5").status == 0)
            let bad = s.exec(["copy", "--from", s.db, "--to", s.dir.appendingPathComponent("bad.sqlite").path])
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("does not verify"))
        }
    }
}
