import Foundation

/// The persisted form of the state: one JSON document per entity (kind, key).
/// Only the store's checkpoint reads these; the log stays the truth.
extension LedgerState {
    public func encode(_ ref: EntityRef) throws -> Data? {
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        let k = ref.key
        switch ref.kind {
        case .policy: return try policies.first { String($0.seq) == k }.map { try enc.encode($0) }
        case .unit: return try units[k].map { try enc.encode($0) }
        case .actor:
            return try grants[k].map { g in try enc.encode(g.sorted { ($0.role.rawValue, $0.unit ?? "") < ($1.role.rawValue, $1.unit ?? "") }) }
        case .manager: return try managers[k].map { try enc.encode($0) }
        case .window: return try LedgerState.windowKey(k).flatMap { windows[$0] }.map { try enc.encode($0) }
        case .application: return try applications[k].map { try enc.encode($0) }
        case .evidence: return evidence[k].map { Data($0.utf8) }
        case .cohort: return try cohorts[k].map { try enc.encode($0) }
        }
    }

    public mutating func load(kind: String, key: String, body: Data) throws {
        let dec = JSONDecoder()
        switch EntityRef.Kind(rawValue: kind) {
        case .policy:
            policies.append(try dec.decode(PolicyVersion.self, from: body))
            policies.sort { ($0.effective, $0.seq) < ($1.effective, $1.seq) }
        case .unit: units[key] = try dec.decode(UnitState.self, from: body)
        case .actor: grants[key] = Set(try dec.decode([Grant].self, from: body))
        case .manager: managers[key] = try dec.decode(ManagerState.self, from: body)
        case .window:
            let w = try dec.decode(WindowState.self, from: body)
            windows[w.key] = w
        case .application: applications[key] = try dec.decode(ApplicationState.self, from: body)
        case .evidence: evidence[key] = String(decoding: body, as: UTF8.self)
        case .cohort: cohorts[key] = try dec.decode([String: Double].self, from: body)
        case nil: break  // a kind from a newer ladder: ignored here, rebuilt by replay
        }
    }

    static func windowKey(_ s: String) -> WindowKey? {
        guard let slash = s.lastIndex(of: "/"), let p = Period(String(s[s.index(after: slash)...])) else { return nil }
        return WindowKey(unit: String(s[..<slash]), window: p)
    }

    /// Every entity, for a full rebuild.
    public mutating func markAllDirty() {
        for p in policies { touch(.policy, String(p.seq)) }
        for k in units.keys { touch(.unit, k) }
        for k in grants.keys { touch(.actor, k) }
        for k in managers.keys { touch(.manager, k) }
        for k in windows.keys { touch(.window, k.description) }
        for k in applications.keys { touch(.application, k) }
        for k in evidence.keys { touch(.evidence, k) }
        for k in cohorts.keys { touch(.cohort, k) }
    }
}
