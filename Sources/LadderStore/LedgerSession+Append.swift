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
        var refusals: [Refusal] = []
        var accepted: [(event: Event, index: Int, manager: String?)] = []
        var inBatch: [String: Int] = [:]  // id → its first event in this batch
        inBatch.reserveCapacity(events.count)
        var acceptedAt = [Bool](repeating: false, count: events.count)
        // The type of an event a rule names (a void's target): earlier in this batch if accepted there, else the log's.
        // Read through `inBatch`, which the duplicate check keeps anyway, rather than a second table filled per event.
        let recordedType: (String) -> EventType? = { id in
            if let i = inBatch[id], acceptedAt[i] { return events[i].type }
            return (try? self.type(ofEvent: id)) ?? nil
        }
        var skipped = 0
        var next = head.seq + 1
        // Each event's canonical data and packed values depend on the event alone: computed on every core
        // before the loop, which (rules and folds in order) runs on one.
        let forms = try concurrentMap(events) { (data: $0.dataCanonical, packed: Packed.encode($0.values)) }
        func content(_ i: Int) -> String {
            let e = events[i]
            return LedgerContent.of(e.type.rawValue, e.effective.description, e.actor.id, e.actor.role.rawValue, forms[i].data)
        }
        for (index, var e) in events.enumerated() {
            // Same id: identical content is a no-op, other content is refused. The content (a joined
            // string of the canonical parts) is built only for an id seen before, not for every event.
            if let prior = inBatch[e.id].map(content) ?? stored[e.id] {
                if prior == content(index) { skipped += 1 } else {
                    refusals.append(Refusal(.duplicateID, event: e.id, field: "id",
                                            "an event with this id is already recorded with other content; choose a new id"))
                }
                continue
            }
            inBatch[e.id] = index
            e.seq = next
            try ensure(&loaded) { $0.needs(for: e) }
            let problems = loaded.state.check(e, recorded: recordedType)
            if !problems.isEmpty { refusals += problems; continue }
            loaded.state.apply(e)
            acceptedAt[index] = true
            accepted.append((e, index, loaded.state.manager(of: e)))
            next += 1
        }
        if !refusals.isEmpty { throw Refusals(refusals) }

        var prev = head.hash
        for (e, index, manager) in accepted {
            let type = e.type.rawValue, effective = e.effective.description, role = e.actor.role.rawValue
            let data = forms[index].data
            let hash = Chain.hash(prev: prev, seq: e.seq, id: e.id, type: type, effective: effective, recorded: recorded,
                                  actorID: e.actor.id, actorRole: role, data: data)
            try insertEvent(seq: e.seq, [e.id, type, effective, recorded, e.actor.id, role, data,
                                         forms[index].packed, manager, prev, hash])
            prev = hash
        }
        let newHead = Head(seq: next - 1, hash: prev)
        try extendManagerLogs(accepted.compactMap { a in a.manager.map { ($0, a.event.seq) } }, cache: &loaded.managerLogs)
        try saveProjections(&loaded.state, head: newHead)
        return (AppendResult(appended: accepted.count, skipped: skipped,
                             firstSeq: accepted.isEmpty ? nil : head.seq + 1, head: newHead), loaded)
    }
}
