/// Everything the rules and reports read, folded from the log.
///
/// A value: `apply` is the pure fold `(State, Event) -> State`; `check` the
/// append-time rules against the state just before the event. The store
/// persists it one entity per row (`ProjectionRow`) and remembers which
/// entities a fold touched, so an append writes only those.
public struct LedgerState: Sendable {
    public var applications: [String: ApplicationRecord] = [:]
    /// The entities changed since the store last saved them.
    public var dirty: Set<EntityRef> = []

    public init() {}

    public mutating func apply(_ e: Event) {
        switch e.type {
        case .applicationSubmitted:
            applications[e.str("application")] = ApplicationRecord(manager: e.str("manager"))
            dirty.insert(EntityRef(kind: .application, key: e.str("application")))
        default: break
        }
    }

    public func check(_ e: Event) -> [Refusal] { [] }

    /// The manager an event concerns, if any (for `log --manager`).
    public func manager(of e: Event) -> String? {
        if let m = e.text("manager") { return m }
        if let a = e.text("application") { return applications[a]?.manager }
        return nil
    }
}

public struct ApplicationRecord: Codable, Equatable, Sendable {
    public var manager: String
}

/// Names one persisted entity of the state.
public struct EntityRef: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable { case application }
    public let kind: Kind
    public let key: String
}
