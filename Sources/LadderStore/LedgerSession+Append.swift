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
        let (candidates, inBatch, skipped, duplicates) = try newEvents(events)

        // The rows the new events will have if all are accepted (if one is refused, nothing is written):
        // their seqs follow from the duplicate check alone, so their canonical data, packed values and
        // chain are computed on a second core while the rules run on this one.
        let rows = EventRows.compute(events, candidates, after: head, recorded: recorded)

        var refusals = duplicates
        var accepted: [(seq: Int64, manager: String?)] = []
        accepted.reserveCapacity(candidates.count)
        var acceptedAt = [Bool](repeating: false, count: events.count)
        // The type of an event a rule names (a void's target): earlier in this batch if accepted there, else the log's.
        // Read through `inBatch`, which the duplicate check keeps anyway, rather than a second table filled per event.
        let recordedType: (String) -> EventType? = { id in
            if let i = inBatch[id], acceptedAt[i] { return events[i].type }
            return (try? self.type(ofEvent: id)) ?? nil
        }
        var next = head.seq + 1
        for index in candidates {
            var e = events[index]
            e.seq = next
            if !loaded.complete && !loaded.state.meetsNeeds(of: e) { try ensure(&loaded) { $0.needs(for: e) } }
            let problems = loaded.state.check(e, recorded: recordedType)
            if !problems.isEmpty { refusals.append((index, problems)); continue }
            loaded.state.apply(e)
            acceptedAt[index] = true
            accepted.append((e.seq, loaded.state.manager(of: e)))
            next += 1
        }
        // In the batch's order, as one pass over it would find them.
        if !refusals.isEmpty { throw Refusals(refusals.sorted { $0.index < $1.index }.flatMap(\.refusals)) }

        let written = rows.value()
        try written.bytes.withUnsafeBufferPointer { bytes in
            for (k, index) in candidates.enumerated() {
                let e = events[index]
                func column(_ c: EventRows.Column) -> RowText { .bytes(written.range(k, c)) }
                try insertEvent(seq: accepted[k].seq, [.text(e.id), .text(e.type.rawValue), column(.effective), .text(recorded),
                                                       .text(e.actor.id), .text(e.actor.role.rawValue), column(.data), column(.packed),
                                                       accepted[k].manager.map(RowText.text) ?? .null,
                                                       k == 0 ? .text(head.hash) : .bytes(written.range(k - 1, .hash)), column(.hash)],
                                in: bytes)
            }
        }
        let newHead = Head(seq: next - 1, hash: candidates.isEmpty ? head.hash : written.hash(of: candidates.count - 1))
        try extendManagerLogs(accepted.compactMap { a in a.manager.map { ($0, a.seq) } }, cache: &loaded.managerLogs)
        try saveProjections(&loaded.state, head: newHead)
        return (AppendResult(appended: accepted.count, skipped: skipped,
                             firstSeq: accepted.isEmpty ? nil : head.seq + 1, head: newHead), loaded)
    }

    /// The duplicate check, which reads ids and content only: the events not yet recorded, in order
    /// (an id's first event in the batch, by index), the count of identical re-appends (no-ops), and
    /// the refusals of an id recorded, here or in the log, with other content. The content (a joined
    /// string of the canonical parts) is built only for an id seen before, not for every event.
    private func newEvents(_ events: [Event]) throws
        -> (candidates: [Int], inBatch: [String: Int], skipped: Int, refusals: [(index: Int, refusals: [Refusal])]) {
        let stored = try storedContent(ids: events.map(\.id))
        var candidates: [Int] = [], inBatch: [String: Int] = [:], skipped = 0
        var refusals: [(index: Int, refusals: [Refusal])] = []
        candidates.reserveCapacity(events.count)
        inBatch.reserveCapacity(events.count)
        func content(_ i: Int) -> String {
            let e = events[i]
            return LedgerContent.of(e.type.rawValue, e.effective.description, e.actor.id, e.actor.role.rawValue, e.dataCanonical)
        }
        for (index, e) in events.enumerated() {
            if let prior = inBatch[e.id].map(content) ?? stored[e.id] {
                if prior == content(index) { skipped += 1 } else {
                    refusals.append((index, [Refusal(.duplicateID, event: e.id, field: "id",
                                                     "an event with this id is already recorded with other content; choose a new id")]))
                }
                continue
            }
            inBatch[e.id] = index
            candidates.append(index)
        }
        return (candidates, inBatch, skipped, refusals)
    }
}

/// The columns of the new events that depend on each event alone and on the chain before it: the
/// effective day's text, canonical data, packed values and hash (each `prev` is the hash before it).
/// They are written as bytes, back to back in one buffer, with no `String` per column: the data is
/// written once, into the chain's body, and copied from there.
struct EventRows: Sendable {
    enum Column: Int { case effective, data, packed, hash }
    /// Every row's columns, in order.
    var bytes: [UInt8] = []
    /// Where each column ends in `bytes`, four per row; each starts where the one before it ends.
    var ends: [Int] = []

    func range(_ row: Int, _ c: Column) -> Range<Int> {
        let i = row * 4 + c.rawValue
        return (i == 0 ? 0 : ends[i - 1])..<ends[i]
    }
    func hash(of row: Int) -> String { String(decoding: bytes[range(row, .hash)], as: UTF8.self) }

    /// From this many events on, on another thread; a few are computed when asked for.
    static let backgroundFrom = 512

    static func compute(_ events: [Event], _ indexes: [Int], after head: Head, recorded: String) -> Pending<EventRows> {
        let work: @Sendable () -> EventRows = {
            var rows = EventRows()
            rows.bytes.reserveCapacity(indexes.count * 320)
            rows.ends.reserveCapacity(indexes.count * 4)
            var body: [UInt8] = []  // prev ‖ body, hashed in one update
            body.reserveCapacity(1024)
            var seq = head.seq
            for (k, i) in indexes.enumerated() {
                let e = events[i], effective = e.effective.description
                seq += 1
                body.removeAll(keepingCapacity: true)
                if k == 0 { body += head.hash.utf8 } else { body += rows.bytes[rows.range(k - 1, .hash)] }
                var data = 0..<0
                Chain.writeBody(&body, seq: seq, id: e.id, type: e.type.rawValue, effective: effective, recorded: recorded,
                                actorID: e.actor.id, actorRole: e.actor.role.rawValue) { b in
                    let start = b.count
                    e.writeData(to: &b)
                    data = start..<b.count
                }
                rows.bytes += effective.utf8; rows.ends.append(rows.bytes.count)
                rows.bytes += body[data]; rows.ends.append(rows.bytes.count)
                Packed.write(e.values, to: &rows.bytes); rows.ends.append(rows.bytes.count)
                Chain.appendSHA256Hex(of: body[...], to: &rows.bytes); rows.ends.append(rows.bytes.count)
            }
            return rows
        }
        return indexes.count >= backgroundFrom ? .background(work) : .deferred(work)
    }
}
