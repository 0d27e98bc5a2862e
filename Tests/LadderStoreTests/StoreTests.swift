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
