import Foundation
import LadderDomain
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// The PostgreSQL backend, for many writers and many provinces: the same
/// rows, rules and chain as SQLite, through postgres-nio. Each append is one
/// transaction that first locks the one-row `head` table FOR UPDATE (the
/// single serialization point), so seqs are gapless and commit-ordered.
///
/// The CLI is synchronous; each call here waits on postgres-nio's futures on
/// a private one-thread event loop.
public final class PostgresStore: LedgerStore {
    let connection: PostgresConnection
    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    /// The URL with its password masked, for messages.
    public let safeURL: String
    var cache: (loaded: LoadedState, head: Head)?
    /// As `SQLiteStore.readsSmallStoresWhole`.
    var readsSmallStoresWhole = true
    static let timeout: TimeAmount = .seconds(15)

    public static func handles(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Connects to `postgres://USER[:PASSWORD]@HOST[:PORT]/DB` (password also from `$PGPASSWORD`).
    /// `create` applies the schema to an empty database; otherwise the schema must be there.
    public init(url: String, create: Bool = false) throws {
        guard let u = URLComponents(string: url), let host = u.host, !host.isEmpty, let user = u.user, !user.isEmpty else {
            throw StoreError.notALedger(path: PostgresStore.mask(url), reason: "expected postgres://USER@HOST:PORT/DATABASE")
        }
        let database = String(u.path.drop { $0 == "/" })
        safeURL = PostgresStore.mask(url)
        var logger = Logger(label: "ladder.postgres")
        logger.logLevel = .critical
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var config = PostgresConnection.Configuration(
            host: host, port: u.port ?? 5432, username: user,
            password: u.password ?? ProcessInfo.processInfo.environment["PGPASSWORD"],
            database: database.isEmpty ? user : database, tls: .disable)
        config.options.connectTimeout = PostgresStore.timeout
        do {
            connection = try PostgresConnection.connect(on: group.next(), configuration: config, id: 1, logger: logger).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw StoreError.database(message: "cannot connect to \(PostgresStore.mask(url)): \(PostgresStore.describe(error))")
        }
        let known = try query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'events' AND table_schema = current_schema()")
            .first.map { try $0.makeRandomAccess()[0].decode(Int64.self) } ?? 0
        if create {
            guard known == 0 else { throw StoreError.alreadyInitialized(path: safeURL) }
            try transaction { s in
                for (_, sql) in SchemaSQL.postgres { try s.store.simple(sql) }
                try s.store.simple(PostgresStore.migrationsTable)
                for (name, _) in SchemaSQL.postgres { _ = try query("INSERT INTO ladder_migrations VALUES ($1)", [name]) }
            }
        } else if known == 0 {
            throw StoreError.notFound(path: safeURL)
        } else {
            try migrate()
            if (try? PostgresSession(store: self).needsRepair()) == true {
                // As on SQLite: projections out of step with the log are repaired on open.
                _ = try? transaction { s -> Bool in
                    _ = try query("SELECT seq FROM head WHERE one = 1 FOR UPDATE")
                    let repaired = try s.repairCheckpoint()
                    try s.flush()
                    return repaired
                }
            }
        }
    }

    static let migrationsTable = "CREATE TABLE IF NOT EXISTS ladder_migrations (name TEXT PRIMARY KEY);"

    /// Applies the schema's later migrations to a database made before them, each once, as
    /// GRDB's migrator does on SQLite: the names applied are kept in `ladder_migrations` (a
    /// database made before that table has the first only). One query when all are applied.
    func migrate() throws {
        func applied() throws -> Set<String> {
            Set(try query("SELECT name FROM ladder_migrations").map { try $0.makeRandomAccess()[0].decode(String.self) })
        }
        // Outside a transaction, so a database without the table (an error here) leaves nothing to roll back.
        if let names = try? applied(), names.isSuperset(of: SchemaSQL.postgres.map(\.name)) { return }
        try transaction { _ in
            _ = try query("SELECT seq FROM head WHERE one = 1 FOR UPDATE")  // one migrating process at a time
            try simple(PostgresStore.migrationsTable)
            _ = try query("INSERT INTO ladder_migrations VALUES ($1) ON CONFLICT DO NOTHING", [SchemaSQL.postgres[0].name])
            let done = try applied()
            for (name, sql) in SchemaSQL.postgres where !done.contains(name) {
                try simple(sql)
                _ = try query("INSERT INTO ladder_migrations VALUES ($1)", [name])
            }
        }
    }

    private var closed = false

    public func close() throws {
        guard !closed else { return }
        closed = true
        try? connection.close().wait()
        try group.syncShutdownGracefully()
    }

    deinit { try? close() }

    static func mask(_ url: String) -> String {
        guard var u = URLComponents(string: url), u.password != nil else { return url }
        u.password = "***"
        return u.string ?? url
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? PSQLError {
            if let m = e.serverInfo?[.message] { return m }
            if let u = e.underlying { return "\(e.code): \(u)" }
            return "\(e.code)"
        }
        return "\(error)"
    }

    // MARK: - Queries

    /// Runs one statement with text binds and collects its rows.
    func query(_ sql: String, _ binds: [String?] = []) throws -> [PostgresRow] {
        var b = PostgresBindings(capacity: binds.count)
        for v in binds { if let v { b.append(v) } else { b.appendNull() } }
        return try run(PostgresQuery(unsafeSQL: sql, binds: b))
    }

    func run(_ q: PostgresQuery) throws -> [PostgresRow] {
        do {
            let result = try connection.query(q, logger: logger).wait()
            return Array(result.rows)
        } catch {
            let text = PostgresStore.describe(error)
            if text.contains("append-only") { throw StoreError.database(message: text) }
            throw StoreError.database(message: "PostgreSQL: \(text)")
        }
    }

    /// Statements without binds, possibly several (the schema): sent one at a time,
    /// since postgres-nio prepares each query (the extended protocol).
    func simple(_ sql: String) throws {
        for statement in PostgresStore.statements(sql) { _ = try query(statement) }
    }

    /// Splits SQL at top-level semicolons, keeping `$$ … $$` bodies and `--` comments whole.
    static func statements(_ sql: String) -> [String] {
        var out: [String] = [], current = "", quoted = false
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let code = line.hasPrefix("--") ? "" : String(line)
            if code.components(separatedBy: "$$").count % 2 == 0 { quoted.toggle() }
            current += code + "\n"
            if !quoted && code.trimmingCharacters(in: .whitespaces).hasSuffix(";") {
                out.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { out.append(rest) }
        return out.filter { !$0.isEmpty }
    }

    /// BEGIN … COMMIT around `body`, ROLLBACK on any throw.
    func transaction<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try simple("BEGIN")
        do {
            let result = try body(PostgresSession(store: self))
            try simple("COMMIT")
            return result
        } catch {
            try? simple("ROLLBACK")
            throw error
        }
    }

    // MARK: - LedgerStore

    public func head() throws -> Head { try PostgresSession(store: self).head() }

    public func append(_ events: [Event], expectSeq: Int64?, recorded: String) throws -> AppendResult {
        let (result, loaded) = try transaction { s -> (AppendResult, LoadedState) in
            // The serialization point: concurrent appends queue here, in commit order.
            _ = try query("SELECT seq FROM head WHERE one = 1 FOR UPDATE")
            let head = try s.head()
            var cached = cache.flatMap { $0.head == head ? $0.loaded : nil }
            cache = nil  // taken by this append (see `LedgerSession.append`)
            let r = try s.append(events, expectSeq: expectSeq, recorded: recorded, cached: &cached,
                                 smallStoreWhole: readsSmallStoresWhole)
            try s.flush()
            _ = try query("UPDATE head SET seq = $1::bigint WHERE one = 1", [String(r.0.head.seq)])
            return r
        }
        cache = loaded.worthKeeping ? (loaded, result.head) : nil
        return result
    }

    public func scan(since: Int64, through: Int64?, manager: String?, _ visit: (StoredEvent) throws -> Void) throws {
        try PostgresSession(store: self).stored(since: since, through: through, manager: manager, visit)
    }

    public func events(since: Int64, through: Int64?, _ visit: (Event) throws -> Void) throws {
        try PostgresSession(store: self).events(since: since, through: through, visit)
    }

    public func verify() throws -> VerifyReport {
        let triggers = try query("SELECT tgname FROM pg_trigger WHERE tgrelid = 'events'::regclass AND NOT tgisinternal")
            .map { try $0.makeRandomAccess()[0].decode(String.self) }
        let guardIntact = ["events_no_update", "events_no_delete", "events_no_truncate"].allSatisfy(triggers.contains)
        let session = PostgresSession(store: self)
        return try ChainCheck.verify(guardIntact: guardIntact, scan: { try self.scan(since: 0, through: nil, manager: nil, $0) },
                                     managerOf: { try session.managerColumn(ofEvent: $0) })
    }

    public func hash(at seq: Int64) throws -> String? { try PostgresSession(store: self).hash(at: seq) }

    public func state() throws -> (LedgerState, Head) { try PostgresSession(store: self).fullState(cached: cache) }

    public func stateWithoutEvidence() throws -> LedgerState {
        try PostgresSession(store: self).stateWithoutEvidence(cached: cache)
    }

    public func state(needing needs: @escaping (LedgerState) -> Set<Need>) throws -> LedgerState {
        try PostgresSession(store: self).state(needing: needs, cached: cache)
    }

    public func state(through: Int64?, asOf: Day?, evidence: ViewEvidence) throws -> LedgerState {
        if through == nil && asOf == nil { return try state().0 }
        return try PostgresSession(store: self).view(through: through, asOf: asOf, evidence: evidence)
    }

    public func rebuildProjections(progress: (_ folded: Int64, _ of: Int64) -> Void) throws -> Rebuilt {
        cache = nil
        // After a bulk load (`copy`, a restore) the planner has no statistics until autovacuum
        // gets to the tables, and pages through the log at half speed: gather them first and after.
        try simple("ANALYZE events")
        let r = try transaction { s in
            let r = try s.rebuild(progress: progress)
            try s.flush()
            return r
        }
        try simple("ANALYZE projection")
        return r
    }

    public func copyIn(_ rows: [StoredEvent]) throws {
        try transaction { s in
            _ = try query("SELECT seq FROM head WHERE one = 1 FOR UPDATE")
            for r in rows { try s.insertEvent(seq: r.seq, r.columns) }
            try s.flush()
            _ = try query("UPDATE head SET seq = (SELECT coalesce(max(seq), 0) FROM events) WHERE one = 1")
        }
    }
}

/// The PostgreSQL side of `LedgerSession`. Inserts and projection writes are
/// buffered and sent as multi-row statements: one round trip per few hundred
/// rows rather than one per row.
final class PostgresSession: LedgerSession {
    let store: PostgresStore
    var pendingEvents: [[String?]] = []
    var pendingProjections: [(String, String, Data?)] = []

    init(store: PostgresStore) { self.store = store }

    static func bytes(_ cell: PostgresCell) throws -> Data {
        let b = try cell.decode(ByteBuffer.self)
        return Data(b.readableBytesView)
    }

    func q(_ sql: String, _ binds: [String?] = []) throws -> [PostgresRandomAccessRow] {
        try store.query(sql, binds).map { $0.makeRandomAccess() }
    }

    func head() throws -> Head {
        guard let r = try q("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").first else { return .empty }
        return Head(seq: try r[0].decode(Int64.self), hash: try r[1].decode(String.self))
    }

    func checkpoint() throws -> Head? {
        try q("SELECT seq, hash FROM checkpoint WHERE name = '\(RowCoding.checkpointName)'").first.map {
            Head(seq: try $0[0].decode(Int64.self), hash: try $0[1].decode(String.self))
        }
    }

    func hash(at seq: Int64) throws -> String? {
        try q("SELECT hash FROM events WHERE seq = $1::bigint", [String(seq)]).first.map { try $0[0].decode(String.self) }
    }

    // Reads of projection rows first send the writes still buffered, so that a rebuild reading a row back sees it.
    func projections(kinds: [String], _ visit: (String, String, Data) throws -> Void) throws {
        try flushProjections()
        let sql = "SELECT kind, key, body FROM projection WHERE kind IN (\(kinds.map { "'\($0)'" }.joined(separator: ", ")))"
        for r in try q(sql) { try visit(try r[0].decode(String.self), try r[1].decode(String.self), try PostgresSession.bytes(r[2])) }
    }

    func projection(kind: String, key: String) throws -> Data? {
        try flushProjections()
        return try q("SELECT body FROM projection WHERE kind = $1 AND key = $2", [kind, key]).first.map { try PostgresSession.bytes($0[0]) }
    }

    func projections(kind: String, keys: [String], _ visit: (String, Data) throws -> Void) throws {
        try flushProjections()
        for chunk in LedgerContent.slices(keys, of: 1000) {
            let marks = (2...(chunk.count + 1)).map { "$\($0)" }.joined(separator: ",")
            for r in try q("SELECT key, body FROM projection WHERE kind = $1 AND key IN (\(marks))", [kind] + chunk) {
                try visit(try r[0].decode(String.self), try PostgresSession.bytes(r[1]))
            }
        }
    }

    func projections(kind: String, after lower: String, before upper: String, _ visit: (String, Data) throws -> Void) throws {
        try flushProjections()
        for r in try q("SELECT key, body FROM projection WHERE kind = $1 AND key > $2 AND key < $3", [kind, lower, upper]) {
            try visit(try r[0].decode(String.self), try PostgresSession.bytes(r[1]))
        }
    }

    func managerColumn(ofEvent id: String) throws -> String? {
        try q("SELECT manager FROM events WHERE id = $1", [id]).first.flatMap { try $0[0].decode(String?.self) }
    }

    func type(ofEvent id: String) throws -> EventType? {
        try q("SELECT type FROM events WHERE id = $1", [id]).first.flatMap { EventType.named[try $0[0].decode(String.self)] }
    }

    func storedContent(ids: [String], through: Int64) throws -> [String: String] {
        var out: [String: String] = [:]
        for chunk in LedgerContent.slices(ids, of: 1000) {
            let marks = (1...chunk.count).map { "$\($0)" }.joined(separator: ",")
            let bound = "$\(chunk.count + 1)::bigint"
            for r in try q("SELECT \(PostgresSession.contentColumns) FROM events WHERE id IN (\(marks)) AND seq <= \(bound)", chunk + [String(through)]) {
                let (id, content) = try PostgresSession.content(r)
                out[id] = content
            }
        }
        return out
    }

    func allStoredContent(through: Int64) throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try q("SELECT \(PostgresSession.contentColumns) FROM events WHERE seq <= $1::bigint", [String(through)]) {
            let (id, content) = try PostgresSession.content(r)
            out[id] = content
        }
        return out
    }

    static let contentColumns = "id, type, effective, actor_id, actor_role, data"

    /// A row of `contentColumns`: its id and `LedgerContent.of` its parts.
    static func content(_ r: PostgresRandomAccessRow) throws -> (id: String, content: String) {
        let c = try (0..<6).map { try r[$0].decode(String.self) }
        return (c[0], LedgerContent.of(c[1], c[2], c[3], c[4], c[5]))
    }

    /// Pages through the log by seq, so a large log is never held in memory at once.
    func stored(since: Int64, through: Int64?, manager: String?, _ visit: (StoredEvent) throws -> Void) throws {
        // A manager's events by their seqs, from its list (LedgerSession+ManagerLogs.swift). Read outside one
        // snapshot, the list may be older than the log but never names an event the log does not hold.
        if let manager, let seqs = try managerSeqs(manager) {
            let wanted = seqs.filter { $0 > since && $0 <= through ?? .max }
            for start in stride(from: 0, to: wanted.count, by: 5000) {
                let slice = wanted[start..<min(wanted.count, start + 5000)]
                let list = "{" + slice.map(String.init).joined(separator: ",") + "}"
                for r in try q("SELECT \(SQLiteStore.columns) FROM events WHERE seq = ANY($1::bigint[]) ORDER BY seq", [list]) {
                    try visit(try PostgresSession.stored(r))
                }
            }
            return
        }
        var after = since
        while true {
            var sql = "SELECT \(SQLiteStore.columns) FROM events WHERE seq > $1::bigint"
            var binds: [String?] = [String(after)]
            if let through { binds.append(String(through)); sql += " AND seq <= $\(binds.count)::bigint" }
            if let manager { binds.append(manager); sql += " AND manager = $\(binds.count)" }
            let rows = try q(sql + " ORDER BY seq LIMIT 5000", binds)
            for r in rows {
                let e = try PostgresSession.stored(r)
                try visit(e)
                after = e.seq
            }
            if rows.count < 5000 { return }
        }
    }

    /// A row of `SQLiteStore.columns`.
    static func stored(_ r: PostgresRandomAccessRow) throws -> StoredEvent {
        let t = try (1...11).map { try r[$0].decode(String?.self) }
        return StoredEvent(seq: try r[0].decode(Int64.self), id: t[0]!, type: t[1]!, effective: t[2]!, recorded: t[3]!,
                           actorID: t[4]!, actorRole: t[5]!, data: t[6]!, packed: t[7]!, manager: t[8], prevHash: t[9]!, hash: t[10]!)
    }

    func events(since: Int64, through: Int64?, _ visit: (Event) throws -> Void) throws {
        try stored(since: since, through: through, manager: nil) { try visit(try $0.event()) }
    }

    func insertEvent(seq: Int64, _ columns: [RowText], in bytes: UnsafeBufferPointer<UInt8>) throws {
        pendingEvents.append([String(seq)] + columns.map { c in
            switch c {
            case .text(let s): return s
            case .bytes(let r): return String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self)
            case .null: return nil
            }
        })
        if pendingEvents.count >= 500 { try flushEvents() }
    }

    func saveProjection(kind: String, key: String, body: Data?) throws {
        pendingProjections.append((kind, key, body))
        if pendingProjections.count >= 500 { try flushProjections() }
    }

    func setCheckpoint(_ head: Head) throws {
        try flush()
        _ = try q("INSERT INTO checkpoint (name, seq, hash) VALUES ('\(RowCoding.checkpointName)', $1::bigint, $2) ON CONFLICT (name) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash",
                  [String(head.seq), head.hash])
    }

    func clearCheckpoints() throws { try store.simple("DELETE FROM checkpoint") }

    func projectionCount() throws -> Int {
        try flushProjections()
        return try q("SELECT count(*) FROM projection").first.map { Int(try $0[0].decode(Int64.self)) } ?? 0
    }

    func projectionKeys(_ visit: (String, String) throws -> Void) throws {
        try flushProjections()
        for r in try q("SELECT kind, key FROM projection") { try visit(try r[0].decode(String.self), try r[1].decode(String.self)) }
    }

    func flush() throws {
        try flushEvents()
        try flushProjections()
    }

    func flushEvents() throws {
        guard !pendingEvents.isEmpty else { return }
        var binds = PostgresBindings(capacity: pendingEvents.count * 12)
        var values: [String] = []
        for (i, row) in pendingEvents.enumerated() {
            let base = i * 12
            values.append("($\(base + 1)::bigint," + (2...12).map { "$\(base + $0)" }.joined(separator: ",") + ")")
            for v in row { if let v { binds.append(v) } else { binds.appendNull() } }
        }
        pendingEvents.removeAll()
        _ = try store.run(PostgresQuery(unsafeSQL: "INSERT INTO events (\(SQLiteStore.columns)) VALUES " + values.joined(separator: ","), binds: binds))
    }

    func flushProjections() throws {
        guard !pendingProjections.isEmpty else { return }
        // The last write of a key wins; deletions go one statement at a time (rare).
        var latest: [String: (String, String, Data?)] = [:]
        var order: [String] = []
        for p in pendingProjections {
            let k = p.0 + "\u{1F}" + p.1
            if latest[k] == nil { order.append(k) }
            latest[k] = p
        }
        pendingProjections.removeAll()
        var binds = PostgresBindings()
        var values: [String] = []
        for k in order {
            let (kind, key, body) = latest[k]!
            guard let body else {
                _ = try q("DELETE FROM projection WHERE kind = $1 AND key = $2", [kind, key])
                continue
            }
            let n = values.count * 3
            values.append("($\(n + 1),$\(n + 2),$\(n + 3))")
            binds.append(kind); binds.append(key); binds.append(ByteBuffer(bytes: body))
        }
        guard !values.isEmpty else { return }
        _ = try store.run(PostgresQuery(unsafeSQL: "INSERT INTO projection (kind, key, body) VALUES " + values.joined(separator: ",")
                                        + " ON CONFLICT (kind, key) DO UPDATE SET body = EXCLUDED.body", binds: binds))
    }
}
