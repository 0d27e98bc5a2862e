import Foundation

/// The persisted form of the state: one binary row per entity (kind, key)
/// (RowCoding). The log stays the truth.
extension LedgerState {
    public func encode(_ ref: EntityRef) throws -> Data? {
        let k = ref.key
        switch ref.kind {
        case .policy: return policies.first { String($0.seq) == k }.map { Data($0.row) }
        case .unit: return units[k].map { Data($0.row) }
        case .actor: return grants[k].map { Data(GrantCoding.encode($0)) }
        case .manager:
            // Evidence is kept apart, one row per half-year, so that an append rewrites only what changed.
            return managers[k].map { Data($0.row) }
        case .record:
            guard let bar = k.lastIndex(of: "|"), let m = managers[String(k[..<bar])] else { return nil }
            return Data(EvidenceRecord.row(of: m, bucket: String(k[k.index(after: bar)...])))
        case .window: return LedgerState.windowKey(k).flatMap { windows[$0] }.map { Data($0.row) }
        case .windowApplications:
            guard let key = LedgerState.windowKey(k), let w = windows[key] else { return nil }
            // Written only if read: a list this state never loaded would be saved empty.
            if partialWindows.contains(key) { throw RowCodingError(description: "window \(k): its application list was not loaded") }
            return Data(w.applicationsRow)
        case .application: return applications[k].map { Data($0.row) }
        case .cohort: return cohorts[k].map { Data(CohortCoding.encode($0)) }
        }
    }

    public mutating func load(kind: String, key: String, body: Data) throws {
        switch EntityRef.Kind(rawValue: kind) {
        case .policy:
            policies.append(try PolicyVersion(row: [UInt8](body)))
            policies.sort { ($0.effective, $0.seq) < ($1.effective, $1.seq) }
        case .unit: units[key] = try UnitState(row: [UInt8](body))
        case .actor: grants[key] = try GrantCoding.decode([UInt8](body))
        case .manager: managers[key] = try ManagerState(row: [UInt8](body))
        case .record:
            guard let bar = key.lastIndex(of: "|") else { return }
            pendingRecords[String(key[..<bar]), default: []].append(try EvidenceRecord(row: [UInt8](body)))
        case .window:
            var w = try WindowState(row: [UInt8](body))
            if let list = pendingApplicationLists.removeValue(forKey: w.key) { w.applications = list } else { partialWindows.insert(w.key) }
            windows[w.key] = w
        case .windowApplications:
            guard let k = LedgerState.windowKey(key) else { return }
            let list = try WindowState.applications(row: [UInt8](body))
            if windows[k] != nil, partialWindows.remove(k) != nil { windows[k]!.applications = list } else { pendingApplicationLists[k] = list }
        case .application: applications[key] = try ApplicationState(row: [UInt8](body))
        case .cohort: cohorts[key] = try CohortCoding.decode([UInt8](body))
        case nil: break  // a kind from a newer ladder: ignored here, rebuilt by replay
        }
    }

    /// Room for `n` more rows of `kind`, before a batch of them is loaded.
    public mutating func reserve(_ n: Int, more kind: String) {
        switch EntityRef.Kind(rawValue: kind) {
        case .application: applications.reserveCapacity(applications.count + n)
        case .manager: managers.reserveCapacity(managers.count + n)
        case .cohort: cohorts.reserveCapacity(cohorts.count + n)
        default: break
        }
    }

    /// Joins the evidence rows to their managers once every row is loaded. `indexing`
    /// also enters every piece in `evidence`: a full load does, a load by need does
    /// not (it indexes only the voided ids it looks up, `indexEvidence`).
    public mutating func finishLoading(indexing: Bool = true) {
        for (m, records) in pendingRecords {
            // Changed in place through `values` (one look-up, and no copy of its arrays on write).
            guard let i = managers.index(forKey: m) else { continue }
            LedgerState.join(records, into: &managers.values[i])
            if indexing {
                let s = managers.values[i]
                for list in [s.assessments, s.reviews, s.ratings, s.classes] {
                    for e in list { evidence[e.event] = m }
                }
            }
        }
        pendingRecords = [:]
        pendingApplicationLists = [:]
    }

    /// Room in `filed` for `n` more pieces, before a batch files them (grown one append at a time, it
    /// would be copied again and again).
    public mutating func reserveEvidence(_ n: Int) {
        if indexesEvidence { filed.reserveCapacity(filed.count + n) }
    }

    /// Enters one piece of `m`'s evidence in `evidence`, if `m` holds it.
    public mutating func indexEvidence(_ id: String, of m: String) {
        if managers[m]?.holds(evidence: id) == true { evidence[id] = m }
    }

    private static func join(_ records: [EvidenceRecord], into s: inout ManagerState) {
        for r in records {
            join(&s.assessments, r.assessments); join(&s.reviews, r.reviews)
            join(&s.ratings, r.ratings); join(&s.classes, r.classes)
        }
        // Rows arrive in key (period) order, so the lists are nearly always in seq order already.
        sortBySeq(&s.assessments); sortBySeq(&s.reviews); sortBySeq(&s.ratings); sortBySeq(&s.classes)
    }

    /// `more` after `list`; into an empty list (a manager's first half-year loaded, the usual case) by
    /// taking `more`'s storage, where appending copied each piece, a retain and a release per field.
    private static func join(_ list: inout [Evidence], _ more: [Evidence]) {
        if list.isEmpty { list = more } else { list += more }
    }

    static func sortBySeq(_ list: inout [Evidence]) {
        var sorted = true
        for i in list.indices.dropFirst() where list[i - 1].seq > list[i].seq { sorted = false; break }
        if !sorted { list.sort { $0.seq < $1.seq } }
    }

    static func windowKey(_ s: String) -> WindowKey? {
        guard let slash = s.lastIndex(of: "/"), let p = Period(String(s[s.index(after: slash)...])) else { return nil }
        return WindowKey(unit: String(s[..<slash]), window: p)
    }

    /// Every entity, for a full rebuild.
    public mutating func markAllDirty() { dirty.formUnion(allRefs()) }

    /// Every entity this state holds: what a rebuild writes at its end.
    public func allRefs() -> [EntityRef] {
        var out: [EntityRef] = []
        out.reserveCapacity(managers.count * 12 + applications.count + windows.count * 2)
        for p in policies { out.append(EntityRef(kind: .policy, key: String(p.seq))) }
        for k in units.keys { out.append(EntityRef(kind: .unit, key: k)) }
        for k in grants.keys { out.append(EntityRef(kind: .actor, key: k)) }
        for m in managers.keys { out += refs(ofManager: m) }
        for k in windows.keys {
            out.append(EntityRef(kind: .window, key: k.description))
            out.append(EntityRef(kind: .windowApplications, key: k.description))
        }
        for k in applications.keys { out.append(EntityRef(kind: .application, key: k)) }
        for k in cohorts.keys { out.append(EntityRef(kind: .cohort, key: k)) }
        return out
    }

    /// A manager's row and the half-year record rows of the evidence held for it.
    public func refs(ofManager m: String) -> [EntityRef] {
        guard let s = managers[m] else { return [] }
        return [EntityRef(kind: .manager, key: m)] + s.buckets(before: nil).map { EntityRef(kind: .record, key: String.key(m, $0)) }
    }
}

extension ManagerState {
    /// The distinct half-years of the evidence held (those before `cutoff`, when given).
    func buckets(before cutoff: String?) -> [String] {
        ManagerState.buckets(in: [assessments, reviews, ratings, classes], before: cutoff)
    }

    /// Each list is in log order, so its pieces come in runs of one half-year: a bucket is
    /// checked against those seen only where a run changes.
    static func buckets(in lists: [[Evidence]], before cutoff: String?) -> [String] {
        var seen: [String] = []
        for list in lists {
            var last: String?
            for j in list.indices {
                let b = list[j].bucket
                if let cutoff, b >= cutoff { continue }
                if b == last { continue }
                last = b
                if !seen.contains(b) { seen.append(b) }
            }
        }
        return seen
    }
}

extension EvidenceRecord {
    /// The pieces of one half-year.
    func only(bucket b: String) -> EvidenceRecord {
        EvidenceRecord(assessments: assessments.filter { $0.bucket == b }, reviews: reviews.filter { $0.bucket == b },
                       ratings: ratings.filter { $0.bucket == b }, classes: classes.filter { $0.bucket == b })
    }
}
