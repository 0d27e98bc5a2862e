import LadderDomain

/// The log's last position: what an auditor anchors (`ladder head`).
public struct Head: Equatable, Sendable {
    public let seq: Int64
    public let hash: String
    public static let empty = Head(seq: 0, hash: Chain.genesis)
}

/// One row of the log as stored.
public struct StoredEvent: Sendable {
    public let seq: Int64
    public let id: String
    public let type: String
    public let effective: String
    public let recorded: String
    public let actorID: String
    public let actorRole: String
    public let data: String
    public let packed: String
    public let manager: String?
    public let prevHash: String
    public let hash: String

    /// The canonical bytes the hash covers, rebuilt from the columns.
    public var body: String {
        Chain.body(seq: seq, id: id, type: type, effective: effective, recorded: recorded,
                   actorID: actorID, actorRole: actorRole, data: data)
    }

    /// The typed event for folds, from the packed column (no JSON parsing).
    public func event() throws -> Event {
        guard let t = EventType(rawValue: type), let day = Day(effective), let role = Role(rawValue: actorRole),
              let values = Packed.decode(packed, type: t) else {
            throw StoreError.corrupt(message: "event seq \(seq) cannot be read back")
        }
        var e = Event(seq: seq, id: id, type: t, effective: day, actor: Actor(id: actorID, role: role), values: values)
        e.subject = manager
        return e
    }
}

/// Which evidence an explicit view folds. A report on some managers reads theirs, and every
/// manager's assessments (percentiles come from the cohorts); a window, the quotas or a count of
/// entities reads none; anything else, all of it. A view with less must not be asked more.
public enum ViewEvidence: Sendable, Equatable {
    case all
    case ofManagers(Set<String>)
    case none

    public static func ofManager(_ m: String) -> ViewEvidence { .ofManagers([m]) }

    /// Whether a fold with this evidence takes `e`: every event but the evidence left out.
    public func folds(_ e: Event) -> Bool {
        guard e.type.isEvidence else { return true }
        switch self {
        case .all: return true
        case .none: return false
        // Positional: the manager is field 0 of every evidence type.
        case .ofManagers(let ms): return e.type == .assessmentRecorded || ms.contains(e.text(at: 0))
        }
    }
}

public struct AppendResult: Sendable {
    public let appended: Int
    public let skipped: Int
    public let firstSeq: Int64?
    public let head: Head
}

/// What a replay did: the events folded, the projection rows the log gives, and how many of
/// those the store held otherwise (written, replaced or removed; 0 when it was in step).
public struct Rebuilt: Sendable {
    public let events: Int64
    public let entities: Int
    public let rewritten: Int
}

public struct VerifyReport: Sendable {
    public let ok: Bool
    public let events: Int64
    public let head: String
    public let firstBad: Int64?
    public let problem: String?
    public let guardIntact: Bool
}

/// The store interface: what a backend must do (SQLite now, PostgreSQL later).
/// Nothing above it knows SQL.
public protocol LedgerStore: AnyObject {
    func head() throws -> Head
    /// Appends all of `events` or none: one transaction. Throws `Refusals`.
    func append(_ events: [Event], expectSeq: Int64?, recorded: String) throws -> AppendResult
    /// Visits stored events in seq order, from `since` (exclusive).
    func scan(since: Int64, through: Int64?, manager: String?, _ visit: (StoredEvent) throws -> Void) throws
    /// The same events typed for a fold, read from their packed columns only (no JSON, no hashes):
    /// what a command that folds the log itself reads (`audit`).
    func events(since: Int64, through: Int64?, _ visit: (Event) throws -> Void) throws
    func verify() throws -> VerifyReport
    /// The projected state, caught up with the log.
    func state() throws -> (LedgerState, Head)
    /// Every entity but the managers' evidence (their half-year records) and the cohorts, caught up
    /// with the log: what compliance and the demo's summary read. The evidence is most of the rows,
    /// and grows with the log; a state without it must not be asked about eligibility.
    func stateWithoutEvidence() throws -> LedgerState
    /// Only the entities `needs` names (with the small global ones), from the projections.
    func state(needing needs: @escaping (LedgerState) -> Set<Need>) throws -> LedgerState
    /// An explicit view: as known after seq `through`, effective on or before `asOf`, with the
    /// evidence `evidence` names (all of it, some managers', or none).
    func state(through: Int64?, asOf: Day?, evidence: ViewEvidence) throws -> LedgerState
    /// Rebuilds every persisted projection from the log; `progress` hears how many
    /// events of how many are folded, every few thousand, on the rebuilding thread.
    func rebuildProjections(progress: (_ folded: Int64, _ of: Int64) -> Void) throws -> Rebuilt
    /// The hash of the event at `seq`, if the log holds it.
    func hash(at seq: Int64) throws -> String?
    /// Writes rows of another ledger verbatim (same seq, times and hashes), in one transaction: `ladder copy`.
    func copyIn(_ rows: [StoredEvent]) throws
    /// Closes the connection now (SQLite checkpoints its WAL into the file); nothing may use the store after.
    /// What a command calls before it exits holding a large cached state it has no need to free.
    func close() throws
}

extension LedgerStore {
    public func rebuildProjections() throws -> Rebuilt { try rebuildProjections { _, _ in } }
}

/// Opens the store a location names: `postgres://…` is PostgreSQL, anything else an SQLite file.
public func openStore(_ location: String, create: Bool = false) throws -> LedgerStore {
    if PostgresStore.handles(location) { return try PostgresStore(url: location, create: create) }
    return try SQLiteStore(path: location, create: create)
}
