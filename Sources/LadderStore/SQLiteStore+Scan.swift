import GRDB
import GRDBSQLite
import LadderDomain

extension SQLiteStore {
    static let columns = "seq, id, type, effective, recorded, actor_id, actor_role, data, packed, manager, prev_hash, hash"

    public func scan(since: Int64, through: Int64?, manager: String?, _ visit: (StoredEvent) throws -> Void) throws {
        try guarded { try db.read { try SQLiteStore.scan($0, since: since, through: through, manager: manager, visit) } }
    }

    public func events(since: Int64, through: Int64?, _ visit: (Event) throws -> Void) throws {
        try guarded { try db.read { try SQLiteStore.events($0, since: since, through: through, visit) } }
    }

    static func scan(_ db: Database, since: Int64, through: Int64?, manager: String?,
                     _ visit: (StoredEvent) throws -> Void) throws {
        // A manager's events by their seqs, from its list (LedgerSession+ManagerLogs.swift), in this read's snapshot.
        if let manager, let seqs = try SQLiteSession(db: db).managerSeqs(manager) {
            let stmt = try db.cachedStatement(sql: "SELECT \(columns) FROM events WHERE seq = ?")
            for seq in seqs where seq > since && seq <= through ?? .max {
                if let row = try Row.fetchOne(stmt, arguments: [seq]) { try visit(stored(row)) }
            }
            return
        }
        var sql = "SELECT \(columns) FROM events WHERE seq > ?"
        var args: [any DatabaseValueConvertible] = [since]
        if let through { sql += " AND seq <= ?"; args.append(through) }
        // Only when the lists are not in step with the log: a filter over the whole log.
        if let manager { sql += " AND manager = ?"; args.append(manager) }
        sql += " ORDER BY seq"
        let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(args))
        while let row = try rows.next() { try visit(stored(row)) }
    }

    private static func stored(_ row: Row) -> StoredEvent {
        StoredEvent(seq: row[0], id: row[1], type: row[2], effective: row[3], recorded: row[4], actorID: row[5], actorRole: row[6],
                    data: row[7], packed: row[8], manager: row[9], prevHash: row[10], hash: row[11])
    }
}

extension SQLiteStore {
    /// The hash of the event at `seq`, if the log holds it.
    public func hash(at seq: Int64) throws -> String? {
        try guarded { try db.read { try String.fetchOne($0, sql: "SELECT hash FROM events WHERE seq = ?", arguments: [seq]) } }
    }
}

extension SQLiteStore {
    /// Folds events after `since` (through `through`) into `visit`, reading
    /// only the columns a fold needs: the packed values, never the JSON.
    static func events(_ db: Database, since: Int64, through: Int64?, _ visit: (Event) throws -> Void) throws {
        let stmt = try db.cachedStatement(sql: """
            SELECT seq, id, type, effective, actor_id, actor_role, packed, manager FROM events WHERE seq > ? AND seq <= ? ORDER BY seq
            """)
        try stmt.setArguments([since, through ?? .max])
        // Column bytes straight from SQLite: GRDB's row values cost more than the decoding.
        let h = stmt.sqliteStatement
        func text(_ i: Int32) -> String? { columnText(h, i) }
        // The type, day, role and packed values are read from the column's bytes: no string is made of them.
        func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8>? {
            sqlite3_column_text(h, i).map { UnsafeBufferPointer(start: $0, count: Int(sqlite3_column_bytes(h, i))) }
        }
        while true {
            let rc = sqlite3_step(h)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw StoreError.database(message: String(cString: sqlite3_errmsg(sqlite3_db_handle(h)))) }
            let seq = sqlite3_column_int64(h, 0)
            guard let id = text(1), let type = bytes(2).flatMap(EventType.named(utf8:)), let day = bytes(3).flatMap(Day.init(utf8:)),
                  let actor = text(4), let role = bytes(5).flatMap(Role.init(utf8:)),
                  let values = bytes(6).flatMap({ Packed.decode($0, type: type) }) else {
                throw StoreError.corrupt(message: "event seq \(seq) cannot be read back")
            }
            var e = Event(seq: seq, id: id, type: type, effective: day, actor: Actor(id: actor, role: role), values: values)
            e.subject = text(7)
            try visit(e)
        }
    }
}
