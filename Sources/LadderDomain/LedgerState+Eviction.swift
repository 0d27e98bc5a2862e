/// A long replay keeps at hand only the evidence of recent half-years: older
/// record rows and cohorts are written out and dropped (`evict`), so replay's
/// memory follows the number of managers, not the length of the log. An
/// event that reaches back into what was dropped (`reachesEvicted`) has it
/// read back from the rows first, as an append does.
extension LedgerState {
    /// The half-year record row an evidence event files under; nil for other events.
    /// Positional reads: the manager is field 0 of every evidence type (Catalogue).
    public static func bucket(of e: Event) -> String? {
        switch e.type {
        case .assessmentRecorded: return e.text(at: 1)  // manager, cycle, instrument, score
        case .reviewSubmitted: return e.text(at: 1)  // manager, period, relation, score
        case .performanceRated: return halfYear(ofMonth: e.text(at: 1))  // manager, month, rating
        case .customerClassAssigned: return e.effective.halfYear.description
        default: return nil
        }
    }

    /// Whether applying `e` reads evidence or a cohort that `evict` dropped.
    public func reachesEvicted(_ e: Event) -> Bool {
        guard let before = evictedBefore else { return false }
        if e.type == .eventVoided {
            let target = e.str("event")
            if evidence[target] != nil { return false }
            guard let owner = e.subject, let s = managers[owner] else { return true }
            return !s.holds(evidence: target)
        }
        guard let b = LedgerState.bucket(of: e) else { return false }
        return b < before
    }

    /// The record rows and cohorts `evict(before:)` would drop.
    public func evictable(before cutoff: String) -> [EntityRef] {
        var out: [EntityRef] = []
        // By index through `values`: reading the lists in place, not copying each manager.
        var i = managers.startIndex
        while i != managers.endIndex {
            let m = managers.keys[i]
            for b in managers.values[i].buckets(before: cutoff) { out.append(EntityRef(kind: .record, key: m + "|" + b)) }
            managers.formIndex(after: &i)
        }
        for k in cohorts.keys where LedgerState.cycle(ofCohort: k) < cutoff { out.append(EntityRef(kind: .cohort, key: k)) }
        return out
    }

    /// Drops the evidence filed before `cutoff` and the cohorts of earlier cycles.
    /// The caller has written their rows (`evictable`) first.
    public mutating func evict(before cutoff: String) {
        // In place through `values`: no copy of the manager or its lists. (Not `for i in
        // managers.indices`: that collection holds the dictionary, which then copies on write.)
        var i = managers.startIndex
        while i != managers.endIndex {
            LedgerState.drop(&managers.values[i].assessments, &evidence, before: cutoff)
            LedgerState.drop(&managers.values[i].reviews, &evidence, before: cutoff)
            LedgerState.drop(&managers.values[i].ratings, &evidence, before: cutoff)
            LedgerState.drop(&managers.values[i].classes, &evidence, before: cutoff)
            managers.formIndex(after: &i)
        }
        for k in Array(cohorts.keys) where LedgerState.cycle(ofCohort: k) < cutoff { cohorts[k] = nil }
        evictedBefore = max(evictedBefore ?? cutoff, cutoff)
    }

    private static func drop(_ list: inout [Evidence], _ evidence: inout [String: String], before cutoff: String) {
        if !evidence.isEmpty { for i in list.indices where list[i].bucket < cutoff { evidence[list[i].event] = nil } }
        // Nearly always the old pieces lead the list (it is in log order): drop that prefix in
        // one move. `removeAll(where:)` swaps pieces one by one, retaining and releasing each field.
        let k = list.firstIndex { $0.bucket >= cutoff } ?? list.endIndex
        if !list[k...].contains(where: { $0.bucket < cutoff }) { list.removeSubrange(..<k) } else { list.removeAll { $0.bucket < cutoff } }
    }

    /// `instrument|cycle` → cycle.
    static func cycle(ofCohort key: String) -> Substring {
        key.lastIndex(of: "|").map { key[key.index(after: $0)...] } ?? Substring(key)
    }
}
