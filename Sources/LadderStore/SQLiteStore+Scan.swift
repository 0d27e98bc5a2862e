import GRDB
import LadderDomain

extension SQLiteStore {
    static let columns = "seq, id, type, effective, recorded, actor_id, actor_role, data, packed, manager, prev_hash, hash"

    public func scan(since: Int64, through: Int64?, manager: String?, _ visit: (StoredEvent) throws -> Void) throws {
        try guarded { try db.read { try SQLiteStore.scan($0, since: since, through: through, manager: manager, visit) } }
    }

    static func scan(_ db: Database, since: Int64, through: Int64?, manager: String?,
                     _ visit: (StoredEvent) throws -> Void) throws {
        var sql = "SELECT \(columns) FROM events WHERE seq > ?"
        var args: [any DatabaseValueConvertible] = [since]
        if let through { sql += " AND seq <= ?"; args.append(through) }
        if let manager { sql += " AND manager = ?"; args.append(manager) }
        sql += " ORDER BY seq"
        let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(args))
        while let row = try rows.next() {
            try visit(StoredEvent(seq: row[0], id: row[1], type: row[2], effective: row[3], recorded: row[4],
                                  actorID: row[5], actorRole: row[6], data: row[7], packed: row[8], manager: row[9],
                                  prevHash: row[10], hash: row[11]))
        }
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
        var sql = "SELECT seq, id, type, effective, actor_id, actor_role, packed, manager FROM events WHERE seq > ?"
        var args: [any DatabaseValueConvertible] = [since]
        if let through { sql += " AND seq <= ?"; args.append(through) }
        let rows = try Row.fetchCursor(db, sql: sql + " ORDER BY seq", arguments: StatementArguments(args))
        while let row = try rows.next() {
            let seq: Int64 = row[0]
            let typeName: String = row[2], effective: String = row[3], roleName: String = row[5], packed: String = row[6]
            guard let type = EventType.named[typeName], let day = Day(effective), let role = Role(rawValue: roleName),
                  let values = Packed.decode(packed, type: type) else {
                throw StoreError.corrupt(message: "event seq \(seq) cannot be read back")
            }
            var e = Event(seq: seq, id: row[1], type: type, effective: day, actor: Actor(id: row[4], role: role), values: values)
            e.subject = row[7]
            try visit(e)
        }
    }
}
