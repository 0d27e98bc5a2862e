import LadderDomain

/// The duplicate check, which reads ids and content only: the events not yet recorded, in order (an id's
/// first event in the batch, by index), the count of identical re-appends (no-ops), and the refusals of an
/// id recorded, here or in the log, with other content. The content (a joined string of the canonical
/// parts) is built only for an id seen before, not for every event. Pure: it may run on the thread that
/// read `stored` (`LedgerSession.readAhead`).
struct DuplicateCheck: Sendable {
    var candidates: [Int] = []
    /// Each new id's index in the batch (a void's target earlier in the batch is looked up here).
    var inBatch: [String: Int] = [:]
    var skipped = 0
    var refusals: [(index: Int, refusals: [Refusal])] = []

    /// `stored`: `LedgerContent.of` for each stored event among the batch's ids, by id.
    init(_ events: [Event], stored: [String: String]) {
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
    }
}
