import Foundation

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
            if owner(ofEvidence: target) != nil { return false }
            guard let owner = e.subject, let s = managers[owner] else { return true }
            return !s.holds(evidence: target)
        }
        guard let b = LedgerState.bucket(of: e) else { return false }
        return b < before
    }

    /// Takes the evidence filed before `cutoff`, and the cohorts of earlier cycles, out of
    /// memory in one pass over what is held, and returns them as the rows they make, for
    /// the caller to write (a rebuild writes everything it holds). Each half-year row is
    /// whole: all of a half-year's pieces held lie before the cutoff, or none do.
    public mutating func evict(before cutoff: String) -> Evicted {
        indexFiled()  // (so that the index loses the pieces taken)
        var out = Evicted()
        // In place through `values`: no copy of the manager or its lists. (Not `for i in
        // managers.indices`: that collection holds the dictionary, which then copies on write.)
        var i = managers.startIndex
        while i != managers.endIndex {
            let m = managers.keys[i]
            let a = LedgerState.take(&managers.values[i].assessments, &evidence, before: cutoff)
            let r = LedgerState.take(&managers.values[i].reviews, &evidence, before: cutoff)
            let p = LedgerState.take(&managers.values[i].ratings, &evidence, before: cutoff)
            let c = LedgerState.take(&managers.values[i].classes, &evidence, before: cutoff)
            if !(a.isEmpty && r.isEmpty && p.isEmpty && c.isEmpty) {
                let held = EvidenceRecord(assessments: a, reviews: r, ratings: p, classes: c)
                let buckets = ManagerState.buckets(in: [a, r, p, c], before: nil)
                if buckets.count == 1 {
                    out.records.append((String.key(m, buckets[0]), held))
                } else {
                    for b in buckets { out.records.append((String.key(m, b), held.only(bucket: b))) }
                }
            }
            managers.formIndex(after: &i)
        }
        for k in Array(cohorts.keys) where LedgerState.cycle(ofCohort: k) < cutoff {
            out.cohorts.append((k, cohorts.removeValue(forKey: k)!))
        }
        out.records.sort { $0.key < $1.key }
        out.cohorts.sort { $0.key < $1.key }
        evictedBefore = max(evictedBefore ?? cutoff, cutoff)
        return out
    }

    /// Removes from `list` the pieces filed before `cutoff` and returns them, in order.
    private static func take(_ list: inout [Evidence], _ evidence: inout [String: String], before cutoff: String) -> [Evidence] {
        // Nearly always the old pieces lead the list (it is in log order): that prefix moves out
        // in one piece. `removeAll(where:)` would swap pieces one by one, retaining and releasing each field.
        let k = list.firstIndex { $0.bucket >= cutoff } ?? list.endIndex
        var old: [Evidence]
        if !list[k...].contains(where: { $0.bucket < cutoff }) {
            old = list.movePrefix(k, filler: Evidence.filler)
        } else {
            old = list.filter { $0.bucket < cutoff }
            list.removeAll { $0.bucket < cutoff }
        }
        if !evidence.isEmpty { for e in old { evidence[e.event] = nil } }
        return old
    }

    /// `instrument|cycle` → cycle.
    static func cycle(ofCohort key: String) -> Substring {
        key.lastIndex(of: "|").map { key[key.index(after: $0)...] } ?? Substring(key)
    }
}

extension Evidence {
    /// A piece that holds nothing to release (empty strings): what `movePrefix` leaves in the slots it frees.
    static let filler = Evidence(event: "", seq: 0, effective: Day(year: 1, month: 1, day: 1), key: "", cycle: "", score: nil, value: nil)
}

/// What `evict(before:)` took out of memory, as rows: half-year records (key
/// `manager|half-year`) and cohorts (key `instrument|cycle`), each in key order.
public struct Evicted: Sendable {
    var records: [(key: String, record: EvidenceRecord)] = []
    var cohorts: [(key: String, cohort: Cohort)] = []

    public var count: Int { cohorts.count + records.count }

    /// Row `i`, encoded: the cohorts, then the records (the store's key order).
    public func row(_ i: Int) -> (ref: EntityRef, body: Data) {
        if i < cohorts.count { return (EntityRef(kind: .cohort, key: cohorts[i].key), Data(CohortCoding.encode(cohorts[i].cohort))) }
        let r = records[i - cohorts.count]
        return (EntityRef(kind: .record, key: r.key), Data(r.record.row))
    }
}
