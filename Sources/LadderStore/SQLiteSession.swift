import Crypto
import Foundation
import GRDB
import GRDBSQLite
import LadderDomain

/// The SQLite side of `LedgerSession`: statements prepared once per
/// connection (GRDB's statement cache), the hot insert bound through the C API.
struct SQLiteSession: LedgerSession {
    let db: Database
    /// Set for a rebuild and an append: long reads go through a second connection on another
    /// thread (a rebuild's log, `EventPrefetch`; an append's duplicate check and managers' lists,
    /// `readAhead`), which needs the file and its settings.
    var prefetch: (path: String, configuration: Configuration)? = nil
    /// The insert, looked up once per session rather than per event (GRDB's cache hashes the SQL).
    private let prepared = Prepared()
    private final class Prepared { var insert: Statement? }

    func head() throws -> Head { try SQLiteStore.head(db) }

    func checkpoint() throws -> Head? {
        try Row.fetchOne(db, sql: "SELECT seq, hash FROM checkpoint WHERE name = ?", arguments: [RowCoding.checkpointName])
            .map { Head(seq: $0[0], hash: $0[1]) }
    }

    func hash(at seq: Int64) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT hash FROM events WHERE seq = ?"), arguments: [seq])
    }

    func projections(kinds: [String], _ visit: (String, String, Data) throws -> Void) throws {
        let sql = "SELECT kind, key, body FROM projection WHERE kind IN (\(kinds.map { "'\($0)'" }.joined(separator: ", ")))"
        let rows = try Row.fetchCursor(db, sql: sql)
        while let row = try rows.next() { try visit(row[0], row[1], row[2]) }
    }

    func projection(kind: String, key: String) throws -> Data? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM projection WHERE kind = ? AND key = ?"), arguments: [kind, key])
    }

    /// One prepared point query per key, through the C API, in key order (the index's pages are then read in
    /// sequence): in-process, cheaper than an `IN (…)` list of 500 keys, prepared anew for each slice and read
    /// through GRDB's rows (the evidence's feed reads ~18,000 rows so for a batch into a large store).
    func projections(kind: String, keys: [String], _ visit: (String, Data) throws -> Void) throws {
        let stmt = try db.cachedStatement(sql: "SELECT body FROM projection WHERE kind = ? AND key = ?")
        let h = stmt.sqliteStatement
        defer { sqlite3_reset(h) }
        sqlite3_reset(h)
        _ = kind.withCString { sqlite3_bind_text(h, 1, $0, -1, SQLITE_TRANSIENT) }
        var last: String?
        for key in keys.sorted() where key != last {
            last = key
            sqlite3_reset(h)
            _ = key.withCString { sqlite3_bind_text(h, 2, $0, -1, SQLITE_TRANSIENT) }
            switch sqlite3_step(h) {
            case SQLITE_ROW:
                let n = Int(sqlite3_column_bytes(h, 0))
                try visit(key, n == 0 ? Data() : Data(bytes: sqlite3_column_blob(h, 0), count: n))
            case SQLITE_DONE: break
            case let rc: throw stepFailure(h, rc)
            }
        }
    }

    func projections(kind: String, after lower: String, before upper: String, _ visit: (String, Data) throws -> Void) throws {
        let stmt = try db.cachedStatement(sql: "SELECT key, body FROM projection WHERE kind = ? AND key > ? AND key < ?")
        let rows = try Row.fetchCursor(stmt, arguments: [kind, lower, upper])
        while let row = try rows.next() { try visit(row[0], row[1]) }
    }

    func managerColumn(ofEvent id: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT manager FROM events WHERE id = ?"), arguments: [id])
    }

    func type(ofEvent id: String) throws -> EventType? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT type FROM events WHERE id = ?"), arguments: [id]).flatMap { EventType.named[$0] }
    }

    /// One prepared point query per id, through the C API: in-process, a lookup costs less than
    /// building and binding `IN (…)` lists of 500 (PostgreSQL's session batches, for its round trips).
    func storedContent(ids: [String], through: Int64) throws -> [String: String] {
        let stmt = try db.cachedStatement(sql: "SELECT type, effective, actor_id, actor_role, data FROM events WHERE id = ? AND seq <= ?")
        let h = stmt.sqliteStatement
        var out: [String: String] = [:]
        sqlite3_reset(h)
        sqlite3_bind_int64(h, 2, through)
        for id in ids {
            sqlite3_reset(h)
            _ = id.withCString { sqlite3_bind_text(h, 1, $0, -1, SQLITE_TRANSIENT) }
            switch sqlite3_step(h) {
            case SQLITE_ROW:
                out[id] = LedgerContent.of(columnText(h, 0) ?? "", columnText(h, 1) ?? "", columnText(h, 2) ?? "",
                                           columnText(h, 3) ?? "", columnText(h, 4) ?? "")
            case SQLITE_DONE: break
            case let rc: throw stepFailure(h, rc)
            }
        }
        sqlite3_reset(h)
        return out
    }

    func allStoredContent(through: Int64) throws -> [String: String] {
        var out: [String: String] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT id, type, effective, actor_id, actor_role, data FROM events WHERE seq <= ?", arguments: [through])
        while let r = try rows.next() { out[r[0]] = LedgerContent.of(r[1], r[2], r[3], r[4], r[5]) }
        return out
    }

    /// A large batch's ids are looked up on a second connection (~1 µs each: 0.06 s for 100,000 ids
    /// in a fresh store, 0.12 s in a store of 1,000,000) and checked there while this one reads the
    /// evidence (unless the append is optimistic: `AppendCheck`); then the lists of the managers the evidence's
    /// feed names (~0.03 s for 9,090 in a store of 1,000,000).
    func readAhead(_ events: [Event], checksIDs: Bool) -> ReadAhead {
        guard let prefetch, events.count >= RebuildTuning.secondReaderFrom else {
            return ReadAhead(duplicateCheck: { try checkDuplicates(events) })
        }
        let check = Pending<DuplicateCheck?>(), managers = Pending<[String]>(), logs = Pending<[String: SeqList]>()
        DispatchQueue.global(qos: .userInitiated).async {
            var lists: [String: SeqList] = [:]
            do {
                try DatabaseQueue(path: prefetch.path, configuration: prefetch.configuration).read { db in
                    let second = SQLiteSession(db: db)
                    if checksIDs { check.fulfil(try? second.checkDuplicates(events)) }
                    lists = (try? second.managerLogs(of: managers.value())) ?? [:]
                }
            } catch {}
            check.fulfil(nil)  // (if it could not open)
            logs.fulfil(lists)  // the connection closed: the append's commit is never held back by its read
        }
        // A second connection that cannot open or read (no file descriptor left, say) costs only its time:
        // the same lookups on this connection give the same answer, and `extendManagerLogs` reads the lists.
        return ReadAhead(duplicateCheck: { try (checksIDs ? check.value() : nil) ?? checkDuplicates(events) },
                         managerLogs: { logs.value() }, managers: managers)
    }

    /// Batches as large as those whose ids are read ahead (`RebuildTuning.secondReaderFrom`).
    func prefetchEvidence(_ events: [Event], planner: EvidencePlanner, names: @escaping @Sendable ([String]) -> Void) -> EvidencePrefetch? {
        guard let prefetch, events.count >= RebuildTuning.secondReaderFrom else { return nil }
        return EvidencePrefetch(events, planner: planner, names: names) { body in
            try DatabaseQueue(path: prefetch.path, configuration: prefetch.configuration).read { db in try body(SQLiteSession(db: db)) }
        }
    }

    func events(since: Int64, through: Int64?, _ visit: (Event) throws -> Void) throws {
        try SQLiteStore.events(db, since: since, through: through, visit)
    }

    func eventChunks(since: Int64, through: Int64?, logs: inout ManagerLogBuilder, _ visit: (inout [Event]) throws -> Void) throws {
        // A short read is not worth a thread and a connection.
        guard let prefetch, (through ?? .max) - since > RebuildTuning.prefetchAbove else {
            return try chunked(since: since, through: through, logs: &logs, visit)
        }
        let reader = EventPrefetch(path: prefetch.path, configuration: prefetch.configuration, since: since, through: through)
        defer { reader.stop() }
        var chunk: [Event] = []
        while try reader.next(&chunk, logs: &logs) { try visit(&chunk) }
    }

    /// The insert touches SQLite alone (its statement prepared beforehand, bound and stepped through the C API,
    /// no GRDB call), so a second thread may run it while this one waits on the writer's lock: SQLite's
    /// multi-thread mode allows a connection on any thread, one at a time.
    var writesRowsConcurrently: Bool { true }

    func prepareInserts() throws {
        guard prepared.insert == nil else { return }
        prepared.insert = try db.cachedStatement(sql: """
            INSERT INTO events (seq, id, type, effective, recorded, actor_id, actor_role, data, packed, manager, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    func insertEvent(seq: Int64, _ columns: [RowText], in bytes: UnsafeBufferPointer<UInt8>) throws {
        try prepareInserts()
        let h = prepared.insert!.sqliteStatement
        sqlite3_reset(h)
        sqlite3_bind_int64(h, 1, seq)
        // Each text column is bound in place, with its length (no copy per column, no strlen): a range of
        // `bytes` directly, a string from its own UTF-8 storage by nesting one `withUTF8` around the rest.
        func bind(from i: Int) throws {
            guard i < columns.count else {
                defer { sqlite3_clear_bindings(h) }  // no binding outlives the storage it points into
                let rc = sqlite3_step(h)
                guard rc == SQLITE_DONE else { throw stepFailure(h, rc) }
                return
            }
            func put(_ u: UnsafeBufferPointer<UInt8>) throws {
                sqlite3_bind_text(h, Int32(i + 2), LadderStore.text(u), Int32(u.count), nil)  // nil: SQLITE_STATIC
                try bind(from: i + 1)
            }
            switch columns[i] {
            case .null: sqlite3_bind_null(h, Int32(i + 2)); try bind(from: i + 1)
            case .bytes(let r): try put(UnsafeBufferPointer(rebasing: bytes[r]))
            case .text(var text): try text.withUTF8(put)
            }
        }
        try bind(from: 0)
    }

    /// Through the C API, the body bound in place: an append or a replay writes thousands of rows, and
    /// GRDB's argument conversion cost several times SQLite's own work per row.
    func saveProjection(kind: String, key: String, body: Data?) throws {
        let sql = body == nil ? "DELETE FROM projection WHERE kind = ? AND key = ?"
                              : "INSERT INTO projection (kind, key, body) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body"
        let h = try db.cachedStatement(sql: sql).sqliteStatement
        try bindingKey(h, kind, key) {
            func step() throws { let rc = sqlite3_step(h); guard rc == SQLITE_DONE else { throw stepFailure(h, rc) } }
            guard let body else { return try step() }
            try body.withUnsafeBytes { b in
                sqlite3_bind_blob(h, 3, b.baseAddress ?? noBytes, Int32(b.count), nil)
                try step()
            }
        }
    }

    /// Runs `body` with a projection row's kind and key bound as parameters 1 and 2 of `h`, in
    /// place from the strings' UTF-8 (no copy); the statement is reset before, its bindings cleared after.
    private func bindingKey<T>(_ h: OpaquePointer, _ kind: String, _ key: String, _ body: () throws -> T) throws -> T {
        sqlite3_reset(h)
        defer { sqlite3_clear_bindings(h) }  // no binding outlives the storage it points into
        var kind = kind, key = key
        return try kind.withUTF8 { k in
            try key.withUTF8 { q in
                sqlite3_bind_text(h, 1, text(k), Int32(k.count), nil)  // nil: SQLITE_STATIC
                sqlite3_bind_text(h, 2, text(q), Int32(q.count), nil)
                return try body()
            }
        }
    }

    func setCheckpoint(_ head: Head) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO checkpoint (name, seq, hash) VALUES (?, ?, ?)",
                       arguments: [RowCoding.checkpointName, head.seq, head.hash])
    }

    func clearCheckpoints() throws { try db.execute(sql: "DELETE FROM checkpoint") }

    func projectionCount() throws -> Int { try Int.fetchOne(db, sql: "SELECT count(*) FROM projection") ?? 0 }

    func projectionKeys(_ visit: (String, String) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT kind, key FROM projection")
        while let row = try rows.next() { try visit(row[0], row[1]) }
    }

    /// One point query per row through the C API, its body compared in SQLite's buffer:
    /// a replay of a store in step compares ~110,000 rows and writes none.
    func rewriteProjections(_ rows: [ProjectionRow]) throws -> RowRewrite {
        let h = try db.cachedStatement(sql: "SELECT body FROM projection WHERE kind = ? AND key = ?").sqliteStatement
        var out = RowRewrite()
        out.held.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() {
            var held = false, same = false
            var old: SHA256Digest?
            try bindingKey(h, row.kind, row.key) {
                defer { sqlite3_reset(h) }  // the row read is let go before the write below
                let rc = sqlite3_step(h)
                guard rc == SQLITE_ROW else {
                    if rc != SQLITE_DONE { throw stepFailure(h, rc) }
                    return
                }
                let p = sqlite3_column_blob(h, 0)  // before the length, as SQLite asks
                let bytes = UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(h, 0)))
                held = true
                if let body = row.body { same = equalBytes(body, bytes) }
                if !same { old = SHA256.hash(data: bytes) }
            }
            out.held.append(held)
            if same || (!held && row.body == nil) { continue }
            out.replaced.append((i, old))
            try saveProjection(kind: row.kind, key: row.key, body: row.body)
        }
        return out
    }
}

/// SQLite's "copy the bytes now" destructor, which the C macro cannot express in Swift.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A failed step of a statement stepped through the C API, as GRDB's error (the store's error
/// domain maps it); the statement is reset for its next use.
func stepFailure(_ h: OpaquePointer, _ rc: Int32) -> DatabaseError {
    let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(h)))
    sqlite3_reset(h)
    return DatabaseError(resultCode: ResultCode(rawValue: rc), message: message)
}

/// An address for an empty value: an empty buffer may have none, and SQLite binds a null pointer as NULL.
/// (A static string's bytes: read-only, never freed.)
var noBytes: UnsafeRawPointer { UnsafeRawPointer(StaticString("").utf8Start) }

/// UTF-8 bytes as the `char *` SQLite binds (an empty buffer as "").
func text(_ u: UnsafeBufferPointer<UInt8>) -> UnsafePointer<CChar> {
    (u.baseAddress.map(UnsafeRawPointer.init) ?? noBytes).assumingMemoryBound(to: CChar.self)
}

/// Whether a body equals bytes SQLite holds.
func equalBytes(_ body: Data, _ bytes: UnsafeRawBufferPointer) -> Bool {
    guard body.count == bytes.count else { return false }
    if bytes.isEmpty { return true }
    return body.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
}

/// A text column of the current row, straight from SQLite's bytes; nil for NULL.
func columnText(_ h: OpaquePointer, _ i: Int32) -> String? {
    guard let p = sqlite3_column_text(h, i) else { return nil }
    return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(h, i))), as: UTF8.self)
}
