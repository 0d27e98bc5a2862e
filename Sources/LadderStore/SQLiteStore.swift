import Foundation
import GRDB
import LadderDomain

/// The SQLite backend: a GRDB `DatabaseQueue` in WAL mode, one IMMEDIATE
/// transaction per append, and a busy timeout so that concurrent writers
/// queue instead of failing with "database is locked".
public final class SQLiteStore: LedgerStore {
    let db: DatabaseQueue
    public let path: String
    /// The state after this process's last append, reused while the log's
    /// head is still the one it reflects (another writer moves the head).
    var cache: (loaded: LoadedState, head: Head)?
    /// Whether an append reads a store small for its batch whole (`LoadedState.readsWhole`); tests turn it
    /// off to take a large store's path on a small one.
    var readsSmallStoresWhole = true
    /// Run between an optimistic append's rolled-back attempt and its retry (tests: another writer comes between).
    var beforeRetry: ((Error) throws -> Void)?
    static let busyTimeout: TimeInterval = 60

    /// Opens an existing ledger (migrating its schema); `create` makes a new one.
    public init(path: String, create: Bool = false) throws {
        self.path = path
        let exists = FileManager.default.fileExists(atPath: path)
        if create && exists { throw StoreError.alreadyInitialized(path: path) }
        if !create && !exists { throw StoreError.notFound(path: path) }
        var config = Configuration()
        config.busyMode = .timeout(SQLiteStore.busyTimeout)
        // WAL is set here rather than by GRDB's `journalMode = .wal`, which also sets
        // synchronous = NORMAL after this closure (a commit could then be lost in a power
        // cut) and writes a table in and out on every open to keep a WAL file for pools.
        config.prepareDatabase { db in
            // Before anything is set: another application's database is refused untouched
            // (journal_mode = WAL would be written into its header).
            if !create, try Bool.fetchOne(db, sql: "SELECT count(*) = 0 FROM sqlite_master WHERE type = 'table' AND name = 'events'") == true {
                throw StoreError.notALedger(path: path, reason: "it has no events table")
            }
            // Set before the file's first page is written (and before WAL mode, which fixes it).
            if create { try db.execute(sql: "PRAGMA page_size = \(SQLiteStore.pageSize)") }
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                throw StoreError.database(message: "cannot put \(path) in WAL mode")
            }
            // FULL: a commit survives power loss, not only a killed process.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -\(SQLiteStore.cacheKiB)")
        }
        do {
            db = try DatabaseQueue(path: path, configuration: config)
            try SQLiteStore.migrator.migrate(db)
            // Repaired on open, so that every later command starts from projections in step with the log.
            // A store this process may not write (a read-only copy) is still read correctly: loading
            // distrusts such a checkpoint in memory.
            if !create, (try? db.read { try SQLiteSession(db: $0).needsRepair() }) == true {
                _ = try? db.write { try SQLiteSession(db: $0).repairCheckpoint() }
            }
        } catch let e as StoreError {
            throw e
        } catch let e as DatabaseError {
            if e.resultCode == .SQLITE_NOTADB { throw StoreError.notALedger(path: path, reason: "not an SQLite database") }
            throw StoreError.database(message: e.message ?? "\(e)")
        }
    }

    /// The page size of a new store: 8 KiB rather than SQLite's 4 KiB. A batch into a large store
    /// writes each dirty page twice (the WAL, then the checkpoint), two system calls per WAL frame;
    /// larger pages mean fewer frames and shallower trees. A 100,000-event append into a
    /// 1,000,000-event store took 2.3–2.7 s against 2.9–3.6 s with 4 KiB pages and 2.7–3.1 s with
    /// 16 KiB (which rewrite more bytes for each scattered row); replays, reports and one-event
    /// appends the same or faster (docs/performance.md). An existing store keeps its size.
    static let pageSize = 8_192

    /// The page cache of every connection, in KiB: 64 MiB.
    static let cacheKiB = 65_536

    /// Runs `body` with the connection's page cache at `kiB` (one operation that reads or writes
    /// unlike the rest: a replay, a large batch), then puts back the usual size.
    static func withPageCache<T>(kiB: Int, _ db: Database, _ body: () throws -> T) throws -> T {
        guard kiB != cacheKiB else { return try body() }
        try db.execute(sql: "PRAGMA cache_size = -\(kiB)")
        defer { try? db.execute(sql: "PRAGMA cache_size = -\(cacheKiB)") }
        return try body()
    }

    static let migrator: DatabaseMigrator = {
        var m = DatabaseMigrator()
        for (name, sql) in SchemaSQL.migrations {
            m.registerMigration(name) { db in try db.execute(sql: sql) }
        }
        return m
    }()

    public func close() throws { try guarded { try db.close() } }

    /// Runs `body` in the store's error domain: SQLite failures become
    /// `StoreError`, refusals pass through.
    func guarded<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as DatabaseError {
            if e.resultCode == .SQLITE_FULL {
                throw StoreError.database(message: "the disk is full (\(e.message ?? "SQLITE_FULL")); the transaction was rolled back and nothing was written")
            }
            throw StoreError.database(message: "\(e.message ?? "SQLite error") (code \(e.resultCode.rawValue))")
        }
    }

    public func head() throws -> Head {
        try guarded { try db.read { try SQLiteStore.head($0) } }
    }

    static func head(_ db: Database) throws -> Head {
        guard let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1") else {
            return .empty
        }
        return Head(seq: row[0], hash: row[1])
    }
}
