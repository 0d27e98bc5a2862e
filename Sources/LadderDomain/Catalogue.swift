/// The event types of the contract's catalogue, and the shape of each one's `data`.
public enum EventType: String, CaseIterable, Sendable, Codable {
    case policyAdopted = "PolicyAdopted"
    case unitRegistered = "UnitRegistered"
    case managerEnrolled = "ManagerEnrolled"
    case managerReassigned = "ManagerReassigned"
    case managerLeft = "ManagerLeft"
    case customerClassAssigned = "CustomerClassAssigned"
    case assessmentRecorded = "AssessmentRecorded"
    case reviewSubmitted = "ReviewSubmitted"
    case performanceRated = "PerformanceRated"
    case windowOpened = "WindowOpened"
    case quotaSet = "QuotaSet"
    case windowClosed = "WindowClosed"
    case applicationSubmitted = "ApplicationSubmitted"
    case superiorEvaluated = "SuperiorEvaluated"
    case regionalDecision = "RegionalDecision"
    case qualificationChecked = "QualificationChecked"
    case examScored = "ExamScored"
    case promotionGranted = "PromotionGranted"
    case promotionDeclined = "PromotionDeclined"
    case promotionRevoked = "PromotionRevoked"
    case gradeAssigned = "GradeAssigned"
    case eventVoided = "EventVoided"
    case roleGranted = "RoleGranted"
    case roleRevoked = "RoleRevoked"

    /// Evidence events are the only ones `EventVoided` may name.
    public var isEvidence: Bool {
        switch self {
        case .assessmentRecorded, .reviewSubmitted, .performanceRated, .customerClassAssigned: return true
        default: return false
        }
    }

    public var fields: [FieldSpec] { Catalogue.byType[ordinal].fields }
    /// Lookup by name, faster than `init(rawValue:)`'s string comparisons.
    public static let named: [String: EventType] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
    /// (position, name) of the fields in canonical key order.
    public var sortedFields: [(Int, String)] { Catalogue.byType[ordinal].sorted }

    /// Position of each field in `fields`, for packed values: a scan of a few short names, which
    /// costs less than hashing the type and the name (each a SipHash) on every field read.
    public func index(of name: String) -> Int? { Catalogue.byType[ordinal].names.firstIndex(of: name) }

    /// The case's place in declaration order (`allCases`), read from the enum's one-byte tag: the
    /// catalogue's tables are arrays in that order (EnvelopeTests checks the two agree).
    var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }
}

/// The actor roles of the contract.
public enum Role: String, CaseIterable, Sendable, Codable {
    case examinee, superior
    case performanceAdmin = "performance-admin"
    case cityAdmin = "city-admin"
    case hr
    case systemAdmin = "system-admin"
    case auditor
}

/// What one `data` field holds.
public enum FieldKind: Equatable, Sendable {
    /// A code: 1–128 of `A-Z a-z 0-9 . _ : -` (manager, unit, application, event, actor).
    case code
    /// Free text for people (names, reasons): non-empty, at most 2,000 characters.
    case text
    case oneOf([String])
    case period, month, date
    /// Any finite number (an instrument score; its range is the policy's).
    case number
    /// A 0–100 score (reviews, evaluations, exam); outside is `score-range`.
    case score100
    /// An integer ≥ 0.
    case count
    case bool
    /// A grade of the policy's ladder (checked against the policy in force).
    case grade
    /// An instrument of the policy (checked against the policy in force).
    case instrument
    case object
}

public struct FieldSpec: Sendable {
    public let name: String
    public let kind: FieldKind
    public let required: Bool
}

enum Catalogue {
    private static func r(_ n: String, _ k: FieldKind) -> FieldSpec { FieldSpec(name: n, kind: k, required: true) }
    private static func o(_ n: String, _ k: FieldKind) -> FieldSpec { FieldSpec(name: n, kind: k, required: false) }
    static let periodic: FieldKind = .period

    static let fields: [EventType: [FieldSpec]] = [
        .policyAdopted: [r("policy", .object)],
        .unitRegistered: [r("unit", .code), r("name", .text), r("kind", .oneOf(["province", "city"]))],
        .managerEnrolled: [r("manager", .code), r("name", .text), r("unit", .code), r("grade", .grade),
                           r("superior", .code), r("skipSuperior", .code)],
        .managerReassigned: [r("manager", .code), o("unit", .code), o("superior", .code), o("skipSuperior", .code)],
        .managerLeft: [r("manager", .code), r("reason", .text)],
        .customerClassAssigned: [r("manager", .code), r("class", .oneOf(["A+", "A", "B", "C"]))],
        .assessmentRecorded: [r("manager", .code), r("cycle", .period), r("instrument", .instrument), r("score", .number)],
        .reviewSubmitted: [r("manager", .code), r("period", .period), r("relation", .oneOf(["self", "superior"])),
                           r("score", .score100)],
        .performanceRated: [r("manager", .code), r("month", .month), r("rating", .oneOf(["A", "B", "C", "D"]))],
        .windowOpened: [r("unit", .code), r("window", .period), r("closes", .date)],
        .quotaSet: [r("unit", .code), r("window", .period), r("grade", .grade), r("seats", .count)],
        .windowClosed: [r("unit", .code), r("window", .period)],
        .applicationSubmitted: [r("application", .code), r("manager", .code), r("window", .period), r("grade", .grade)],
        .superiorEvaluated: [r("application", .code), r("relation", .oneOf(["direct", "skip"])), r("score", .score100)],
        .regionalDecision: [r("application", .code), r("approved", .bool), o("reason", .text)],
        .qualificationChecked: [r("application", .code), r("passed", .bool), o("reason", .text), o("override", .text)],
        .examScored: [r("application", .code), r("score", .score100)],
        .promotionGranted: [r("application", .code), r("manager", .code), r("from", .grade), r("to", .grade),
                            r("rank", .count), r("score", .number)],
        .promotionDeclined: [r("application", .code), r("manager", .code), r("reason", .text), o("rank", .count),
                             o("score", .number)],
        .promotionRevoked: [r("application", .code), r("reason", .text)],
        .gradeAssigned: [r("manager", .code), r("grade", .grade), r("reason", .text)],
        .eventVoided: [r("event", .code), r("reason", .text)],
        .roleGranted: [r("actor", .code), r("role", .oneOf(Role.allCases.map(\.rawValue))), o("unit", .code)],
        .roleRevoked: [r("actor", .code), r("role", .oneOf(Role.allCases.map(\.rawValue))), o("unit", .code)],
    ]

    /// Per type, by `EventType.ordinal`: its fields, their names, (position, name) in canonical key order,
    /// and the same with each name as the bytes `"name":` that canonical data writes before its value.
    static let byType: [(fields: [FieldSpec], names: [String], sorted: [(Int, String)], keys: [(Int, [UInt8])])] =
        EventType.allCases.map { type in
            let specs = fields[type]!
            let sorted = specs.enumerated().map { ($0, $1.name) }
                .sorted { $0.1.unicodeScalars.lexicographicallyPrecedes($1.1.unicodeScalars) }
            return (specs, specs.map(\.name), sorted, sorted.map { ($0, Array("\"\($1)\":".utf8)) })
        }
}

/// The contract's code charset: 1–128 of `A-Z a-z 0-9 . _ : -`.
public func isCode(_ s: String) -> Bool { isCode(utf8: s.utf8) }

func isCode<C: Collection>(utf8 u: C) -> Bool where C.Element == UInt8 {
    guard !u.isEmpty, u.count <= 128 else { return false }
    for c in u {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
             UInt8(ascii: "-"):
            continue
        default: return false
        }
    }
    return true
}
