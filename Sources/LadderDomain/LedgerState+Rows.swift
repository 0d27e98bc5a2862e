import Foundation

/// The persisted form of the state: one JSON document per entity. Only the
/// store's checkpoint reads these; the log stays the truth.
extension LedgerState {
    public func encode(_ ref: EntityRef) throws -> Data? {
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        switch ref.kind {
        case .application: return try applications[ref.key].map { try enc.encode($0) }
        }
    }

    public mutating func load(kind: String, key: String, body: Data) throws {
        let dec = JSONDecoder()
        switch EntityRef.Kind(rawValue: kind) {
        case .application: applications[key] = try dec.decode(ApplicationRecord.self, from: body)
        case nil: break  // a kind from a newer ladder: ignored, rebuilt by replay
        }
    }

    public mutating func markAllDirty() {
        for k in applications.keys { dirty.insert(EntityRef(kind: .application, key: k)) }
    }
}
