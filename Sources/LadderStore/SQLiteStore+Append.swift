import GRDB
import GRDBSQLite
import LadderDomain

extension SQLiteStore {
    public func append(_ events: [Event], expectSeq: Int64?, recorded: String) throws -> AppendResult {
        try guarded {
            try db.writeWithoutTransaction { db in
                var result: (AppendResult, LoadedState)?
                // IMMEDIATE takes the write lock up front, so the head read
                // below cannot go stale before COMMIT (the single writer).
                try db.inTransaction(.immediate) {
                    result = try self.appendInTransaction(db, events, expectSeq: expectSeq, recorded: recorded)
                    return .commit
                }
                self.cache = (result!.1, result!.0.head)
                return result!.0
            }
        }
    }

    private func appendInTransaction(_ db: Database, _ events: [Event], expectSeq: Int64?,
                                     recorded: String) throws -> (AppendResult, LoadedState) {
        let head = try SQLiteStore.head(db)
        if let expectSeq, expectSeq != head.seq {
            throw Refusals([Refusal(.staleVersion, event: events.first?.id ?? "batch", field: "--expect-seq",
                                    "the log's last seq is \(head.seq), not \(expectSeq): another append came first; read the log again and retry")])
        }
        var loaded = try cache.flatMap { $0.head == head ? $0.loaded : nil } ?? openState(db, head: head)
        let stored = try storedContent(db, ids: events.map(\.id))
        let typeOf = try db.cachedStatement(sql: "SELECT type FROM events WHERE id = ?")
        var batchTypes: [String: EventType] = [:]
        let recordedType: (String) -> EventType? = { id in
            batchTypes[id] ?? (try? String.fetchOne(typeOf, arguments: [id])).flatMap { $0.flatMap(EventType.init(rawValue:)) }
        }
        var refusals: [Refusal] = []
        var accepted: [(event: Event, data: String, manager: String?)] = []
        var inBatch: [String: String] = [:]
        var skipped = 0
        var next = head.seq + 1
        for var e in events {
            let data = e.dataCanonical
            // Same id: identical content is a no-op, other content is refused.
            if let prior = inBatch[e.id] ?? stored[e.id] {
                if prior == SQLiteStore.content(e.type.rawValue, e.effective.description, e.actor.id, e.actor.role.rawValue, data) {
                    skipped += 1
                } else {
                    refusals.append(Refusal(.duplicateID, event: e.id, field: "id",
                                            "an event with this id is already recorded with other content; choose a new id"))
                }
                continue
            }
            inBatch[e.id] = SQLiteStore.content(e.type.rawValue, e.effective.description, e.actor.id, e.actor.role.rawValue, data)
            e.seq = next
            try ensure(db, &loaded) { $0.needs(for: e) }
            let problems = loaded.state.check(e, recorded: recordedType)
            if !problems.isEmpty { refusals += problems; continue }
            loaded.state.apply(e)
            batchTypes[e.id] = e.type
            accepted.append((e, data, loaded.state.manager(of: e)))
            next += 1
        }
        if !refusals.isEmpty { throw Refusals(refusals) }

        let insert = try db.cachedStatement(sql: """
            INSERT INTO events (seq, id, type, effective, recorded, actor_id, actor_role, data, packed, manager, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var prev = head.hash
        for (e, data, manager) in accepted {
            let type = e.type.rawValue, effective = e.effective.description, role = e.actor.role.rawValue
            let body = Chain.body(seq: e.seq, id: e.id, type: type, effective: effective, recorded: recorded,
                                  actorID: e.actor.id, actorRole: role, data: data)
            let hash = Chain.hash(prev: prev, body: body)
            try SQLiteStore.bindAndStep(insert, e.seq, [e.id, type, effective, recorded, e.actor.id, role, data,
                                                        Packed.encode(e.values), manager, prev, hash])
            prev = hash
        }
        let newHead = Head(seq: next - 1, hash: prev)
        try saveProjections(db, &loaded.state, head: newHead)
        return (AppendResult(appended: accepted.count, skipped: skipped,
                             firstSeq: accepted.isEmpty ? nil : head.seq + 1, head: newHead), loaded)
    }
}

extension SQLiteStore {
    /// What makes two events with the same id the same event.
    static func content(_ parts: String...) -> String { parts.joined(separator: "\u{1F}") }

    /// The content of the events already stored under any of `ids`, looked up
    /// 500 at a time rather than one query per event.
    func storedContent(_ db: Database, ids: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(ids.count, start + 500)])
            start += chunk.count
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let rows = try Row.fetchCursor(db, sql: "SELECT id, type, effective, actor_id, actor_role, data FROM events WHERE id IN (\(marks))",
                                           arguments: StatementArguments(chunk))
            while let row = try rows.next() {
                out[row[0]] = SQLiteStore.content(row[1], row[2], row[3], row[4], row[5])
            }
        }
        return out
    }

    /// Binds seq and the text columns straight through the C API (the hot loop of an append).
    static func bindAndStep(_ stmt: Statement, _ seq: Int64, _ texts: [String?]) throws {
        let h = stmt.sqliteStatement
        sqlite3_reset(h)
        sqlite3_bind_int64(h, 1, seq)
        for (i, t) in texts.enumerated() {
            if let t {
                _ = t.withCString { sqlite3_bind_text(h, Int32(i + 2), $0, -1, SQLITE_TRANSIENT) }
            } else {
                sqlite3_bind_null(h, Int32(i + 2))
            }
        }
        let rc = sqlite3_step(h)
        guard rc == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(h)))
            sqlite3_reset(h)
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message)
        }
    }
}

/// SQLite's "copy the bytes now" destructor, which the C macro cannot express in Swift.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
