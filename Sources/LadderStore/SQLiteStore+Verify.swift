import Crypto
import Foundation
import GRDB
import GRDBSQLite
import LadderDomain

extension SQLiteStore {
    /// The guard's triggers as the schema creates them; verify checks they are in place.
    static let guardTriggers = ["events_no_update", "events_no_delete"]

    /// Re-checks the whole log from the stored columns: seq has no gap, each
    /// prev_hash is the previous row's hash, each hash covers the rebuilt body,
    /// each packed column says what the hashed data says, and each manager
    /// column names the manager the event is about. Every row's hash can be
    /// checked on its own (its prev_hash is stored), so the log is checked in
    /// two halves on two connections at once; the links between rows are
    /// checked as well, so the first bad seq is exact.
    public func verify() throws -> VerifyReport {
        try guarded {
            let (count, maxSeq, triggers, owners) = try db.read { db -> (Int64, Int64, Set<String>, [String: String]) in
                let count = try Int64.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0
                let maxSeq = try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM events") ?? 0
                let triggers = try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")
                // Application → manager, for the manager column of events that name only an application.
                var owners: [String: String] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT packed FROM events WHERE type = 'ApplicationSubmitted'")
                while let row = try rows.next() {
                    if let v = Packed.decode(row[0], type: .applicationSubmitted), case .text(let a) = v[0], case .text(let m) = v[1] { owners[a] = m }
                }
                return (count, maxSeq, triggers, owners)
            }
            let guardIntact = SQLiteStore.guardTriggers.allSatisfy(triggers.contains)
            let mid = maxSeq / 2
            let results = ThreadResults<VerifyRange>(count: 2)
            let queues = [db, try DatabaseQueue(path: path, configuration: readOnlyConfiguration)]
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let r = Result {
                    try queues[i].read { try SQLiteStore.verifyRange($0, after: i == 0 ? 0 : mid, through: i == 0 ? mid : maxSeq, owners: owners) }
                }
                results.set(i, r)
            }
            let first = try results.get(0), rest = try results.get(1)
            var bad = first.bad ?? rest.bad
            if bad == nil, first.lastHash != rest.firstPrev, rest.count > 0 {
                bad = (mid + 1, "prev_hash does not match the hash of seq \(mid)")
            }
            let head = rest.count > 0 ? rest.lastHash : first.lastHash
            if bad == nil, count != maxSeq { bad = (maxSeq, "the log holds \(count) rows but its seqs run to \(maxSeq)") }
            var problem = bad?.1
            if problem == nil && !guardIntact {
                problem = "the append-only guard (triggers \(SQLiteStore.guardTriggers.joined(separator: ", "))) is missing"
            }
            return VerifyReport(ok: bad == nil && guardIntact, events: count, head: bad == nil ? head : "",
                                firstBad: bad?.0, problem: problem, guardIntact: guardIntact)
        }
    }

    var readOnlyConfiguration: Configuration {
        var c = Configuration()
        c.readonly = true
        c.busyMode = .timeout(SQLiteStore.busyTimeout)
        return c
    }

    struct VerifyRange {
        var count: Int64 = 0
        var firstPrev = Chain.genesis
        var lastHash = Chain.genesis
        var bad: (Int64, String)?
    }

    /// Checks rows `after < seq <= through`, reading column bytes straight from SQLite.
    static func verifyRange(_ db: Database, after: Int64, through: Int64, owners: [String: String]) throws -> VerifyRange {
        var r = VerifyRange()
        let stmt = try db.makeStatement(sql: "SELECT \(columns) FROM events WHERE seq > ? AND seq <= ? ORDER BY seq")
        try stmt.setArguments([after, through])
        let h = stmt.sqliteStatement
        let voidOwner = try db.makeStatement(sql: "SELECT manager FROM events WHERE id = ?")
        var expected = after + 1
        var prev: String?
        func text(_ i: Int32) -> String { columnText(h, i) ?? "" }
        while true {
            let rc = sqlite3_step(h)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw StoreError.database(message: String(cString: sqlite3_errmsg(sqlite3_db_handle(h)))) }
            let seq = sqlite3_column_int64(h, 0)
            let row = StoredEvent(seq: seq, id: text(1), type: text(2), effective: text(3), recorded: text(4), actorID: text(5),
                                  actorRole: text(6), data: text(7), packed: text(8),
                                  manager: columnText(h, 9), prevHash: text(10), hash: text(11))
            if r.count == 0 { r.firstPrev = row.prevHash; prev = after == 0 ? Chain.genesis : row.prevHash }
            if let why = check(row, expected: expected, prev: prev!, owners: owners, voidOwner: voidOwner) {
                r.bad = (seq == expected ? seq : expected, why)
                return r
            }
            prev = row.hash
            r.lastHash = row.hash
            r.count += 1
            expected += 1
        }
        if expected - 1 != through && r.bad == nil && r.count > 0 { r.bad = (expected, "seq \(expected) is missing") }
        return r
    }

    static func check(_ row: StoredEvent, expected: Int64, prev: String, owners: [String: String],
                      voidOwner: Statement) -> String? {
        ChainCheck.check(row, expected: expected, prev: prev, owners: owners) {
            (try? String.fetchOne(voidOwner, arguments: [$0])) ?? nil
        }
    }
}
