import GRDB
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
        let existing = try db.cachedStatement(sql: "SELECT type, effective, actor_id, actor_role, data FROM events WHERE id = ?")
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
            let content = [e.type.rawValue, e.effective.description, e.actor.id, e.actor.role.rawValue, data]
            let stored = try Row.fetchOne(existing, arguments: [e.id]).map { row in
                (0..<5).map { (row[$0] as String?) ?? "" }.joined(separator: "\u{1F}")
            }
            if let prior = inBatch[e.id] ?? stored {
                if prior == content.joined(separator: "\u{1F}") { skipped += 1 } else {
                    refusals.append(Refusal(.duplicateID, event: e.id, field: "id",
                                            "an event with this id is already recorded with other content; choose a new id"))
                }
                continue
            }
            inBatch[e.id] = content.joined(separator: "\u{1F}")
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
            insert.setUncheckedArguments([e.seq, e.id, type, effective, recorded, e.actor.id, role, data,
                                          Packed.encode(e.values), manager, prev, hash])
            try insert.execute()
            prev = hash
        }
        let newHead = Head(seq: next - 1, hash: prev)
        try saveProjections(db, &loaded.state, head: newHead)
        return (AppendResult(appended: accepted.count, skipped: skipped,
                             firstSeq: accepted.isEmpty ? nil : head.seq + 1, head: newHead), loaded)
    }
}
