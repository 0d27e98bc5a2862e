import Foundation
import Testing
@testable import LadderStore
import LadderDomain
import GRDB

func tempStore() throws -> SQLiteStore {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path
    let s = try SQLiteStore(path: path, create: true)
    _ = try s.append(Bootstrap.events(admin: "admin", effective: Day(year: 2000, month: 1, day: 1)),
                     expectSeq: 0, recorded: "2026-12-01T00:00:00.000Z")
    return s
}

func unit(_ id: String, _ unit: String) -> Event {
    Event(seq: 0, id: id, type: .unitRegistered, effective: Day(year: 2026, month: 1, day: 1),
          actor: Actor(id: "admin", role: .systemAdmin), values: [.text(unit), .text("长沙"), .text("city")])
}

@Suite struct StoreTests {
    @Test(arguments: [("schema", SchemaSQL.migrations), ("schema/postgres", SchemaSQL.postgres)])
    func embeddedSchemaMatchesTheSQLFiles(folder: String, embedded: [(name: String, sql: String)]) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.map { String($0.dropLast(4)) } == embedded.map(\.name))
        for (file, m) in zip(files, embedded) {
            let text = try String(contentsOf: root.appendingPathComponent("\(folder)/\(file)"), encoding: .utf8)
            #expect(text.trimmingCharacters(in: .newlines) == m.sql.trimmingCharacters(in: .newlines), "\(file): run tools/embed-schema.py")
        }
    }

    /// Every connection runs in WAL mode with synchronous = FULL: a commit survives a power cut.
    @Test func connectionsAreWALWithFullSync() throws {
        let s = try tempStore()
        let reopened = try SQLiteStore(path: s.path)
        for store in [s, reopened] {
            #expect(try store.db.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
            #expect(try store.db.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
        }
    }

    /// A store written before projection rows moved to a rowid table is upgraded on open:
    /// the old table is replaced, and its rows are rebuilt from the log.
    @Test func anOlderProjectionTableIsReplacedAndRebuilt() throws {
        let s = try tempStore()
        _ = try s.append([unit("u-1", "changsha")], expectSeq: nil, recorded: "2026-12-01T00:00:00.000Z")
        let rows = { (store: SQLiteStore) in
            try store.db.read { try Row.fetchAll($0, sql: "SELECT kind, key, body FROM projection ORDER BY kind, key") }
        }
        let before = try rows(s)
        try s.db.write { db in
            try db.execute(sql: """
                DROP TABLE projection;
                CREATE TABLE projection (kind TEXT NOT NULL, key TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID;
                DELETE FROM grdb_migrations WHERE identifier = '0002-projection-rows-by-rowid';
                """)
        }
        let reopened = try SQLiteStore(path: s.path)
        let sql = try reopened.db.read { try String.fetchOne($0, sql: "SELECT sql FROM sqlite_master WHERE name = 'projection'") }
        #expect(sql?.contains("WITHOUT ROWID") == false)
        let after = try rows(reopened)
        #expect(after == before && !before.isEmpty, "\(before.count) rows before, \(after.count) after")
        #expect(try reopened.db.read { try SQLiteSession(db: $0).needsRepair() } == false)
    }

    /// Managers with events of their own and of an application, appended one batch at a time.
    func storeWithManagers() throws -> SQLiteStore {
        let s = try tempStore()
        func e(_ id: String, _ type: String, _ actor: String, _ role: String, _ data: String) -> Event {
            let line = #"{"id":"\#(id)","type":"\#(type)","effective":"2026-01-05","actor":{"id":"\#(actor)","role":"\#(role)"},"data":\#(data)}"#
            return try! Envelope.parse(Array(line.utf8), label: id).get()
        }
        let batches: [[Event]] = [
            [unit("u-1", "changsha"), e("g-hr", "RoleGranted", "admin", "system-admin", #"{"actor":"hr-zhang","role":"hr"}"#),
             e("g-pa", "RoleGranted", "admin", "system-admin", #"{"actor":"perf-li","role":"performance-admin"}"#)],
            [e("enrol-1", "ManagerEnrolled", "hr-zhang", "hr", #"{"grade":"junior","manager":"M-1","name":"李伟","skipSuperior":"S-9","superior":"S-1","unit":"changsha"}"#)],
            [e("enrol-2", "ManagerEnrolled", "hr-zhang", "hr", #"{"grade":"junior","manager":"M-2","name":"王芳","skipSuperior":"S-9","superior":"S-1","unit":"changsha"}"#),
             e("rate-1", "PerformanceRated", "perf-li", "performance-admin", #"{"manager":"M-1","month":"2026-01","rating":"A"}"#)],
            [e("rate-2", "PerformanceRated", "perf-li", "performance-admin", #"{"manager":"M-2","month":"2026-01","rating":"B"}"#),
             e("rate-3", "PerformanceRated", "perf-li", "performance-admin", #"{"manager":"M-1","month":"2026-02","rating":"B"}"#)],
        ]
        for b in batches { _ = try s.append(b, expectSeq: nil, recorded: "2026-12-01T00:00:00.000Z") }
        return s
    }

    /// What `scan(manager:)` must give: the events whose manager column names M, by seq.
    func expectedLog(_ s: SQLiteStore, _ m: String) throws -> [Int64] {
        try s.db.read { try Int64.fetchAll($0, sql: "SELECT seq FROM events WHERE manager = ? ORDER BY seq", arguments: [m]) }
    }

    func scanned(_ s: SQLiteStore, _ m: String, since: Int64 = 0) throws -> [Int64] {
        var out: [Int64] = []
        try s.scan(since: since, through: nil, manager: m) { out.append($0.seq) }
        return out
    }

    /// A store made before the lists (an index on the manager column, rows of format state-v4) is
    /// upgraded on open: the index is dropped and each manager's list is built from the log.
    @Test func aStoreWithTheOldManagerIndexGetsItsListsOnOpen() throws {
        let s = try storeWithManagers()
        try s.db.write { db in
            try db.execute(sql: """
                DELETE FROM projection WHERE kind = 'manager-log';
                UPDATE checkpoint SET name = 'state-v4';
                CREATE INDEX events_by_manager ON events(manager, seq) WHERE manager IS NOT NULL;
                DELETE FROM grdb_migrations WHERE identifier = '0003-manager-logs';
                """)
        }
        let reopened = try SQLiteStore(path: s.path)
        #expect(try reopened.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'events_by_manager'") } == 0)
        #expect(try reopened.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM projection WHERE kind = 'manager-log'") } == 2)
        for m in ["M-1", "M-2"] {
            #expect(try scanned(reopened, m) == expectedLog(reopened, m))
            #expect(try scanned(reopened, m).count >= 2)
        }
        #expect(try scanned(reopened, "M-1", since: try expectedLog(reopened, "M-1")[0]) == Array(try expectedLog(reopened, "M-1").dropFirst()))
    }

    /// A catch-up from a checkpoint behind the head (projection rows restored from an earlier
    /// head) extends the lists with the events after it; a store this process has not repaired
    /// (the checkpoint moved under it) is read by filtering the whole log instead.
    @Test func listsAreCaughtUpAndOutOfStepStoresFilterTheLog() throws {
        let full = try storeWithManagers()
        let want = try ["M-1", "M-2"].map { try expectedLog(full, $0) }
        // Rows and checkpoint as of the head before the last batch: rebuild a twin up to there.
        let cut = try full.head().seq - 2
        try full.db.write { db in
            try db.execute(sql: "UPDATE checkpoint SET seq = ?, hash = (SELECT hash FROM events WHERE seq = ?)", arguments: [cut, cut])
        }
        // Not reopened: this store did not repair, so its lists are not trusted.
        #expect(try scanned(full, "M-1") == want[0])
        try full.db.write { db in
            var state = LedgerState()
            try SQLiteSession(db: db).events(since: 0, through: cut) { state.apply($0) }
            try db.execute(sql: "DELETE FROM projection")
            let session = SQLiteSession(db: db)
            state.markAllDirty()
            let rows = try ProjectionRows.changed(in: &state)
            for (ref, body) in zip(rows.refs, rows.bodies) { try session.saveProjection(kind: ref.kind.rawValue, key: ref.key, body: body) }
            var logs = ManagerLogBuilder()
            try session.chunked(since: 0, through: cut, logs: &logs) { _ in }
            try session.writeManagerLogs(logs.logs)
        }
        let reopened = try SQLiteStore(path: full.path)
        #expect(try reopened.db.read { try SQLiteSession(db: $0).needsRepair() } == false)
        #expect(try scanned(reopened, "M-1") == want[0])
        #expect(try scanned(reopened, "M-2") == want[1])
        #expect(want[0].count == 3 && want[1].count == 2)
    }

    @Test func aRefusedBatchRollsBackEverything() throws {
        let s = try tempStore()
        let before = try s.head()
        let bad = Event(seq: 0, id: "u-1", type: .unitRegistered, effective: Day(year: 2026, month: 1, day: 1),
                        actor: Actor(id: "admin", role: .systemAdmin), values: [.text("x"), .text("y"), .text("city")])
        #expect(throws: Refusals.self) { try s.append([unit("u-1", "changsha"), bad], expectSeq: nil, recorded: "t") }
        #expect(try s.head() == before)
    }

    @Test func chainLinksEachEventToThePrevious() throws {
        let s = try tempStore()
        _ = try s.append([unit("u-1", "changsha"), unit("u-2", "zhuzhou")], expectSeq: nil, recorded: "2026-12-01T00:00:00.000Z")
        var prev = Chain.genesis
        var seqs: [Int64] = []
        try s.scan(since: 0, through: nil, manager: nil) { row in
            #expect(row.prevHash == prev)
            #expect(row.hash == Chain.hash(prev: prev, body: row.body))
            prev = row.hash
            seqs.append(row.seq)
        }
        #expect(seqs == [1, 2, 3, 4])
        #expect(try s.verify().ok)
    }

    @Test func concurrentWritersQueueWithoutGapsOrLockErrors() async throws {
        let s = try tempStore()
        let path = s.path
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<4 {
                group.addTask {
                    let mine = try SQLiteStore(path: path)
                    for i in 0..<25 { _ = try mine.append([unit("u-\(w)-\(i)", "unit-\(w)-\(i)")], expectSeq: nil, recorded: "t") }
                }
            }
            try await group.waitForAll()
        }
        #expect(try s.head().seq == 102)
        #expect(try s.verify().ok)
    }
}
