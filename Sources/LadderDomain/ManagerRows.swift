import Foundation

/// Managers' rows and their half-years' evidence rows, decoded apart from any state: on another thread,
/// while the rules run (an append's `EvidencePrefetch`). `LedgerState.merge` takes them in later as
/// `load` would have loaded them then.
public struct ManagerRows: Sendable {
    var managers: [(key: String, state: ManagerState)] = []
    var records: [(manager: String, bucket: String, record: EvidenceRecord)] = []

    public init() {}

    /// The managers whose rows are here.
    public var keys: Set<String> { Set(managers.map(\.key)) }

    /// Decodes one row of kind `manager` or `record` (others are not this type's).
    public mutating func add(kind: String, key: String, body: Data) throws {
        switch EntityRef.Kind(rawValue: kind) {
        case .manager: managers.append((key, try ManagerState(row: [UInt8](body))))
        case .record:
            guard let bar = key.lastIndex(of: "|") else { return }
            records.append((String(key[..<bar]), String(key[key.index(after: bar)...]), try EvidenceRecord(row: [UInt8](body))))
        default: break
        }
    }
}

extension LedgerState {
    /// Takes in what `rows` holds and this state lacks, as loading by need would: a manager not here, and the
    /// half-years of a manager here in part that it has not. Never a row or half-year already here: this
    /// process may have changed it since the rows were read. Then `buckets`' half-years count as loaded
    /// (found or not: a half-year with no row has no evidence) for the managers here in part, and `whole`'s
    /// managers as whole.
    public mutating func merge(_ rows: ManagerRows, buckets: [String: Set<String>], whole: [String]) {
        // Room first: a feed's run of rows grew these one insert at a time, rehashing them as it went.
        managers.reserveCapacity(managers.count + rows.managers.count)
        partialManagers.reserveCapacity(partialManagers.count + rows.managers.count)
        pendingRecords.reserveCapacity(rows.records.count)
        for (m, s) in rows.managers where !managers.keys.contains(m) {
            managers[m] = s
            partialManagers[m] = []
        }
        for r in rows.records where partialManagers[r.manager]?.insert(r.bucket).inserted == true {
            pendingRecords[r.manager, default: []].append(r.record)
        }
        finishLoading(indexing: false)
        for (m, b) in buckets where partialManagers.keys.contains(m) { partialManagers[m]!.formUnion(b) }
        for m in whole { partialManagers[m] = nil }
    }
}
