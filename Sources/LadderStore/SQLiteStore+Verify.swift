import GRDB
import LadderDomain

extension SQLiteStore {
    /// The guard's triggers as the schema creates them; verify checks they are in place.
    static let guardTriggers = ["events_no_update", "events_no_delete"]

    /// Re-checks the whole chain from the stored columns: seq has no gap, each
    /// prev_hash is the previous hash, each hash covers the rebuilt body, and
    /// each packed column says what the hashed data says. Stops at the first break.
    public func verify() throws -> VerifyReport {
        try guarded {
            try db.read { db in
                let triggers = try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")
                let guardIntact = SQLiteStore.guardTriggers.allSatisfy(triggers.contains)
                var expected: Int64 = 1
                var prev = Chain.genesis
                var bad: (Int64, String)?
                try SQLiteStore.scan(db, since: 0, through: nil, manager: nil) { row in
                    guard bad == nil else { return }
                    if let why = SQLiteStore.check(row, expected: expected, prev: prev) {
                        bad = (row.seq == expected ? row.seq : expected, why)
                        return
                    }
                    prev = row.hash
                    expected += 1
                }
                let count = try Int64.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0
                if bad == nil, count != expected - 1 {
                    bad = (expected, "the log holds \(count) rows but the chain ends at seq \(expected - 1)")
                }
                var problem = bad?.1
                if problem == nil && !guardIntact { problem = "the append-only guard (triggers \(SQLiteStore.guardTriggers.joined(separator: ", "))) is missing" }
                return VerifyReport(ok: bad == nil && guardIntact, events: count, head: prev,
                                    firstBad: bad?.0, problem: problem, guardIntact: guardIntact)
            }
        }
    }

    static func check(_ row: StoredEvent, expected: Int64, prev: String) -> String? {
        if row.seq != expected { return "seq \(expected) is missing (next row is seq \(row.seq))" }
        if row.prevHash != prev { return "prev_hash does not match the hash of seq \(expected - 1)" }
        if Chain.hash(prev: prev, body: row.body) != row.hash { return "the hash does not match the event's content" }
        guard let event = try? row.event() else { return "the packed column cannot be read" }
        if event.dataCanonical != row.data { return "the packed column disagrees with the hashed data" }
        return nil
    }
}
