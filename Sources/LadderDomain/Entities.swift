/// The projected entities. Each is Codable: the store persists one row per
/// entity, and reports read them back without replaying the log.

public struct UnitState: Codable, Equatable, Sendable {
    public var unit: String
    public var name: String
    public var kind: String
}

public struct GradeStep: Codable, Equatable, Sendable {
    public var grade: String
    public var effective: Day
    public var seq: Int64
    /// What changed it: the event type, and the application where there is one.
    public var cause: String
    public var application: String?
}

/// One piece of evidence as recorded, kept (not just the latest) so that a
/// void can fall back to the one before it.
public struct Evidence: Codable, Equatable, Sendable {
    public var event: String
    public var seq: Int64
    public var effective: Day
    /// Instrument, `period|relation`, month, or "class".
    public var key: String
    /// Cycle for assessments, else empty.
    public var cycle: String
    public var score: Double?
    public var value: String?
    public var voided: Bool = false
    /// The half-year the evidence belongs to; the store keeps a manager's evidence one row per half-year.
    public var bucket: String = ""
}

/// One half-year of a manager's evidence, as the store persists it.
public struct EvidenceRecord: Codable, Equatable, Sendable {
    public var assessments: [Evidence] = []
    public var reviews: [Evidence] = []
    public var ratings: [Evidence] = []
    public var classes: [Evidence] = []
}

public struct ManagerState: Codable, Equatable, Sendable {
    public var manager: String
    public var name: String
    public var unit: String
    public var grade: String
    public var superior: String
    public var skipSuperior: String
    public var status: String = "active"
    public var enrolled: Day
    public var left: Day?
    public var leftReason: String?
    public var history: [GradeStep]
    public var assessments: [Evidence] = []
    public var reviews: [Evidence] = []
    public var ratings: [Evidence] = []
    public var classes: [Evidence] = []
    public var applications: [String] = []
    /// The half-years whose record rows a fold has already noted changed (`LedgerState.touchRecord`).
    /// Bookkeeping, not part of the manager: never persisted, and equal whatever it holds.
    var noted = NotedRecords()

    public var isActive: Bool { status == "active" }

    /// The latest standing result per instrument (by cycle, then position in the log).
    public func latestAssessments() -> [String: Evidence] {
        var out: [String: Evidence] = [:]
        for a in assessments where !a.voided {
            if let cur = out[a.key], (cur.cycle, cur.seq) > (a.cycle, a.seq) { continue }
            out[a.key] = a
        }
        return out
    }

    /// The standing result for an instrument in one cycle.
    public func assessment(_ instrument: String, cycle: String) -> Evidence? {
        assessments.last { !$0.voided && $0.key == instrument && $0.cycle == cycle }
    }

    /// The standing review of a period by one relation (`self` or `superior`): the latest.
    public func review(period: Period, relation: String) -> Evidence? {
        reviews.last { !$0.voided && $0.key == "\(period)|\(relation)" }
    }

    /// The standing rating of a month.
    public func rating(_ month: Month) -> Evidence? {
        ratings.last { !$0.voided && $0.key == month.description }
    }

    public var customerClass: String? { classes.last { !$0.voided }?.value }

    /// Files an assessment; returns the standing score of its instrument and cycle before it.
    /// One in-place access through the dictionary's `values`: reading the standing first through
    /// that subscript's getter copied the whole manager.
    mutating func file(assessment a: Evidence) -> Double? {
        let before = assessment(a.key, cycle: a.cycle)?.score
        assessments.append(a)
        return before
    }

    /// How many pieces of evidence are loaded of this manager.
    public var evidenceCount: Int { assessments.count + reviews.count + ratings.count + classes.count }

    /// Notes `bucket`'s record changed in `round`; false if it already was (the caller's set holds it).
    mutating func note(_ bucket: String, round: Int) -> Bool {
        if noted.round != round { noted = NotedRecords(round: round, first: bucket); return true }
        if noted.first == bucket || noted.second == bucket { return false }
        if noted.second.isEmpty { noted.second = bucket } else { noted.first = bucket }
        return true
    }

    /// Whether the evidence event `id` is among what is loaded of this manager's evidence.
    public func holds(evidence id: String) -> Bool {
        [assessments, reviews, ratings, classes].contains { $0.contains { $0.event == id } }
    }
}

/// Up to two half-years (an evidence batch files into the current one and, for reviews, the one before)
/// noted in one round of `LedgerState.dirty`: two small strings, so that copying a manager retains nothing more.
struct NotedRecords: Codable, Equatable, Sendable {
    var round = -1, first = "", second = ""
    static func == (_: NotedRecords, _: NotedRecords) -> Bool { true }
    init() {}
    init(round: Int, first: String) { (self.round, self.first) = (round, first) }
    init(from decoder: any Decoder) throws { self.init() }
    func encode(to encoder: any Encoder) throws {}
}

public struct WindowKey: Hashable, Codable, Sendable, CustomStringConvertible {
    public var unit: String
    public var window: Period
    public init(unit: String, window: Period) { self.unit = unit; self.window = window }
    public var description: String { "\(unit)/\(window)" }
}

public struct WindowState: Codable, Equatable, Sendable {
    public var unit: String
    public var window: Period
    public var closes: Day
    public var opened: Day
    public var state: String = "open"
    public var closed: Day?
    public var decided: Day?
    public var seats: [String: Int] = [:]
    /// Applications in submission order.
    public var applications: [String] = []
    /// Grade → how many of its applications stand granted, and revoked: what `quota` reads,
    /// kept here so that it need not read every application. No zero counts.
    public var granted: [String: Int] = [:]
    public var revoked: [String: Int] = [:]

    public var key: WindowKey { WindowKey(unit: unit, window: window) }

    /// An application of `grade` moved from stage `old` to `new`.
    mutating func count(grade: String, from old: String, to new: String) {
        guard old != new else { return }
        for (stage, delta) in [(old, -1), (new, 1)] {
            if stage == "granted" { granted[grade, default: 0] += delta; if granted[grade] == 0 { granted[grade] = nil } }
            if stage == "revoked" { revoked[grade, default: 0] += delta; if revoked[grade] == 0 { revoked[grade] = nil } }
        }
    }
}

/// One step of an application, for `explain`.
public struct Step: Codable, Equatable, Sendable {
    public var seq: Int64
    public var event: String
    public var type: String
    public var actor: String
    public var role: String
    public var effective: Day
}

public struct ApplicationState: Codable, Equatable, Sendable {
    public var application: String
    public var manager: String
    public var unit: String
    public var window: Period
    public var grade: String
    public var from: String
    public var stage: String = "submitted"
    public var submittedSeq: Int64
    public var submitted: Day
    public var direct: Double?
    public var skip: Double?
    public var approved: Bool?
    public var regionalReason: String?
    public var qualified: Bool?
    public var qualificationReason: String?
    public var override: String?
    public var exam: Double?
    public var rank: Int?
    public var score: Double?
    public var decisionReason: String?
    public var revokedReason: String?
    public var steps: [Step] = []

    public var windowKey: WindowKey { WindowKey(unit: unit, window: window) }

    /// Still moving through the procedure (not rejected, returned or decided).
    public var isLive: Bool { !["rejected", "returned", "granted", "declined", "revoked"].contains(stage) }
}

/// A granted role: `unit` only for city-admin.
public struct Grant: Hashable, Codable, Sendable {
    public var role: Role
    public var unit: String?
}

public struct PolicyVersion: Codable, Equatable, Sendable {
    public var seq: Int64
    public var event: String
    public var effective: Day
    public var policy: Policy
}
