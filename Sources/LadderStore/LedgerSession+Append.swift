import LadderDomain

extension LedgerSession {
    /// One append inside the backend's write transaction (the caller holds the
    /// single writer's lock and commits, or rolls back on a throw): the stale
    /// check, identical re-appends, every rule against the state just before
    /// each event, then the rows, the projections and the checkpoint. With `smallStoreWhole`, a store
    /// small for the batch (`LoadedState.readsWhole`) is read whole.
    ///
    /// `check` says when the batch's ids are looked up in the log (`AppendCheck`).
    func append(_ events: [Event], expectSeq: Int64?, recorded: String, cached: inout LoadedState?,
                smallStoreWhole: Bool = false, check: AppendCheck = .alongside) throws -> (AppendResult, LoadedState) {
        let head = try head()
        if let expectSeq, expectSeq != head.seq {
            throw Refusals([Refusal(.staleVersion, event: events.first?.id ?? "batch", field: "--expect-seq",
                                    "the log's last seq is \(head.seq), not \(expectSeq): another append came first; read the log again and retry")])
        }
        let optimistic = check.isOptimistic
        // Looked up first: only the events not recorded yet are written, read for and checked.
        var first: DuplicateCheck?
        if case .first(let known) = check { first = try known ?? checkDuplicates(events, through: head.seq) }
        // Read on a second connection where there is one: the duplicate check (alongside), then the lists the batch will extend.
        let ahead = readAhead(events, checksIDs: check.isAlongside)
        defer { ahead.readLogs(of: []) }  // the reader waits for the managers' names, on every path (the first names count)
        // Optimistic: every event is a candidate, as if no id were recorded or repeated (the log's unique ids find one at insert).
        var (candidates, inBatch, skipped, refusals) = first.map { ($0.candidates, Optional($0.inBatch), $0.skipped, $0.refusals) }
            ?? (Array(events.indices), nil, 0, [])
        // The rows are written as the rules accept the events: on a second core, a few rows behind, for a
        // large batch (EventRowWriter). It starts now, on every candidate (alongside the check: as if none were
        // recorded already, the usual batch), computing rows while this thread loads; it touches the session
        // only once an event is accepted, and from then on every other use of the session goes through it.
        var writer = try EventRowWriter(events, candidates: candidates, after: head, recorded: recorded, session: self)
        defer { writer.cancel() }  // on a refusal or a failure; after `finish`, nothing to do
        if !refusals.isEmpty { writer.cancel() }  // (refused as a duplicate: nothing will be written)
        // The cached state is taken, not copied: held twice, every array and dictionary the batch changes would be
        // copied whole first (the evidence filed since the last void, the managers: 12% of `ladder demo`'s batches).
        var loaded: LoadedState
        if let c = cached { cached = nil; loaded = c } else {
            loaded = try openState(head: head, whole: smallStoreWhole && LoadedState.readsWhole(log: head.seq, batch: events.count))
        }
        let managerNames = ahead.managers
        var feed = try EvidenceFeed(events, only: first == nil ? nil : candidates, into: &loaded, session: self,
                                    names: { managerNames.fulfil($0) })
        defer { feed.finish() }
        PhaseTrace.mark("open, evidence read or its prefetch started")
        if check.isAlongside {
            let check = try ahead.duplicateCheck()
            (candidates, inBatch, skipped, refusals) = (check.candidates, check.inBatch, check.skipped, check.refusals)
            PhaseTrace.mark("duplicate check (waited for)")
            if candidates.count < events.count {  // some are recorded already: the seqs differ, the writer starts again
                writer.cancel()
                if refusals.isEmpty {  // (else the batch is refused: nothing will be written)
                    writer = try EventRowWriter(events, candidates: candidates, after: head, recorded: recorded, session: self)
                }
            }
        }
        var accepted: [(seq: Int64, manager: String?)] = []
        accepted.reserveCapacity(candidates.count)
        var acceptedAt = [Bool](repeating: false, count: events.count)
        // The type of an event a rule names (a void's target): earlier in this batch if accepted there, else the log's.
        // Read through `inBatch`, which the duplicate check keeps anyway (else built at the first void), rather than
        // a second table filled per event.
        let recordedType: (String) -> EventType? = { id in
            if inBatch == nil { inBatch = DuplicateCheck(events, stored: [:]).inBatch }
            if let i = inBatch![id], acceptedAt[i] { return events[i].type }
            return writer.exclusive { (try? self.type(ofEvent: id)) ?? nil }
        }
        loaded.state.reserveEvidence(candidates.count(where: { events[$0].type.isEvidence }))
        var next = head.seq + 1
        for index in candidates {
            var e = events[index]
            e.seq = next
            try feed.take(upTo: index, into: &loaded, session: self, exclusive: { try writer.exclusive($0) })
            // The session is taken only to read (a manager the batch enrols was looked up by the feed). An event
            // whose one need is its half-year of evidence has it from the feed (or its manager is nowhere).
            if !loaded.complete && !LedgerState.needsOnlyItsEvidence(e) && !loaded.state.meetsNeeds(of: e, lookedUp: loaded.probed) {
                try writer.exclusive { try ensure(&loaded) { $0.needs(for: e) } }
            }
            let problems = loaded.state.check(e, recorded: recordedType)
            if !problems.isEmpty {
                if refusals.isEmpty {
                    writer.cancel()  // nothing will be written: the seqs it assumed no longer hold
                    // Checked against the log now, not after the rest: the refusals stand only if none of the batch's
                    // ids is recorded or repeated (a batch resent is skipped, and a rule would refuse most of it).
                    if optimistic, case let check = try checkDuplicates(events, through: head.seq), check.candidates != candidates {
                        throw StoredDuplicate(check: check, head: head)
                    }
                }
                refusals.append((index, problems))
                continue
            }
            loaded.state.apply(e)
            acceptedAt[index] = true
            let manager = loaded.state.manager(of: e)
            accepted.append((e.seq, manager))
            if refusals.isEmpty { try writer.accept(manager: manager) }
            next += 1
        }
        feed.finish()
        PhaseTrace.note("evidence prefetch (waited for, in the rules)", feed.waited)
        // In the batch's order, as one pass over it would find them.
        if !refusals.isEmpty { throw Refusals(refusals.sorted { $0.index < $1.index }.flatMap(\.refusals)) }

        PhaseTrace.mark("rules")
        // Encoded while the writer finishes the rows (the state is final: the rules are done).
        let projections = try ProjectionRows.changed(in: &loaded.state)
        PhaseTrace.mark("projections encoded")
        let newHead = try writer.finish()
        PhaseTrace.mark("rows written (waited for)")
        for (m, list) in ahead.managerLogs() where loaded.managerLogs[m] == nil { loaded.managerLogs[m] = list }
        try extendManagerLogs(accepted.compactMap { a in a.manager.map { ($0, a.seq) } }, cache: &loaded.managerLogs,
                              all: loaded.allManagerLogs)
        PhaseTrace.mark("manager logs")
        try saveProjections(projections, head: newHead)
        PhaseTrace.mark("projections written")
        return (AppendResult(appended: accepted.count, skipped: skipped,
                             firstSeq: accepted.isEmpty ? nil : head.seq + 1, head: newHead), loaded)
    }
}

/// When an append looks up its batch's ids in the log (`LedgerSession.append`).
enum AppendCheck {
    /// On a second connection (where the backend has one) while this one loads the state: the usual batch.
    case alongside
    /// Not before the rules (for 100,000 ids in a store of 1,000,000, ~0.12 s that the rules waited for):
    /// a backend whose log refuses a second row with an id (a unique index) finds a recorded or repeated
    /// one at insert, and the caller, told so (`StoredDuplicate`, or the backend's own error), rolls back the
    /// attempt and runs the batch again with `.first`. A batch its rules refuse is checked before
    /// its refusals are given: a re-append is skipped, not refused.
    case optimistic
    /// Before anything else, or already (at the same head of the log): a batch known to hold recorded ids is
    /// read for, checked and written only where it is new.
    case first(DuplicateCheck?)

    var isAlongside: Bool { if case .alongside = self { true } else { false } }
    var isOptimistic: Bool { if case .optimistic = self { true } else { false } }
}

/// An optimistic append met ids the log holds: the batch is to be run again, with this check, made when the
/// log's head was `head`.
struct StoredDuplicate: Error { let check: DuplicateCheck; let head: Head }
