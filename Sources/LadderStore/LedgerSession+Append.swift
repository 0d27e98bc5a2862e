import LadderDomain

extension LedgerSession {
    /// One append inside the backend's write transaction (the caller holds the
    /// single writer's lock and commits, or rolls back on a throw): the stale
    /// check, identical re-appends, every rule against the state just before
    /// each event, then the rows, the projections and the checkpoint.
    func append(_ events: [Event], expectSeq: Int64?, recorded: String,
                cached: LoadedState?) throws -> (AppendResult, LoadedState) {
        let head = try head()
        if let expectSeq, expectSeq != head.seq {
            throw Refusals([Refusal(.staleVersion, event: events.first?.id ?? "batch", field: "--expect-seq",
                                    "the log's last seq is \(head.seq), not \(expectSeq): another append came first; read the log again and retry")])
        }
        var loaded = try cached ?? openState(head: head)
        try preloadEvidence(for: events, into: &loaded)
        let stored = try storedContent(ids: events.map(\.id))
        var batchTypes: [String: EventType] = [:]
        let recordedType: (String) -> EventType? = { id in batchTypes[id] ?? (try? self.type(ofEvent: id)) ?? nil }
        var refusals: [Refusal] = []
        var accepted: [(event: Event, data: String, manager: String?)] = []
        var inBatch: [String: Int] = [:]  // id → its first event in this batch
        inBatch.reserveCapacity(events.count)
        var skipped = 0
        var next = head.seq + 1
        func content(_ e: Event) -> String {
            LedgerContent.of(e.type.rawValue, e.effective.description, e.actor.id, e.actor.role.rawValue, e.dataCanonical)
        }
        for (index, var e) in events.enumerated() {
            // Same id: identical content is a no-op, other content is refused. The content (a joined
            // string of the canonical parts) is built only for an id seen before, not for every event.
            if let prior = inBatch[e.id].map({ content(events[$0]) }) ?? stored[e.id] {
                if prior == content(e) { skipped += 1 } else {
                    refusals.append(Refusal(.duplicateID, event: e.id, field: "id",
                                            "an event with this id is already recorded with other content; choose a new id"))
                }
                continue
            }
            inBatch[e.id] = index
            let data = e.dataCanonical
            e.seq = next
            try ensure(&loaded) { $0.needs(for: e) }
            let problems = loaded.state.check(e, recorded: recordedType)
            if !problems.isEmpty { refusals += problems; continue }
            loaded.state.apply(e)
            batchTypes[e.id] = e.type
            accepted.append((e, data, loaded.state.manager(of: e)))
            next += 1
        }
        if !refusals.isEmpty { throw Refusals(refusals) }

        var prev = head.hash
        for (e, data, manager) in accepted {
            let type = e.type.rawValue, effective = e.effective.description, role = e.actor.role.rawValue
            let hash = Chain.hash(prev: prev, seq: e.seq, id: e.id, type: type, effective: effective, recorded: recorded,
                                  actorID: e.actor.id, actorRole: role, data: data)
            try insertEvent(seq: e.seq, [e.id, type, effective, recorded, e.actor.id, role, data,
                                         Packed.encode(e.values), manager, prev, hash])
            prev = hash
        }
        let newHead = Head(seq: next - 1, hash: prev)
        try saveProjections(&loaded.state, head: newHead)
        return (AppendResult(appended: accepted.count, skipped: skipped,
                             firstSeq: accepted.isEmpty ? nil : head.seq + 1, head: newHead), loaded)
    }
}
