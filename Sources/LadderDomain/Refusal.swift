/// The contract's refusal rules, one-to-one with their printed names.
public enum Rule: String, CaseIterable, Sendable, Codable {
    case duplicateID = "duplicate-id"
    case unknownType = "unknown-type"
    case badField = "bad-field"
    case badDate = "bad-date"
    case unknownManager = "unknown-manager"
    case unknownUnit = "unknown-unit"
    case unknownWindow = "unknown-window"
    case unknownApplication = "unknown-application"
    case unknownEvent = "unknown-event"
    case notPermitted = "not-permitted"
    case windowExists = "window-exists"
    case windowNotOpen = "window-not-open"
    case windowAllocated = "window-allocated"
    case noSkip = "no-skip"
    case aboveCeiling = "above-ceiling"
    case duplicateApplication = "duplicate-application"
    case outOfOrder = "out-of-order"
    case ineligible
    case scoreRange = "score-range"
    case overQuota = "over-quota"
    case notVoidable = "not-voidable"
    case policyInvalid = "policy-invalid"
    case staleVersion = "stale-version"
    case duplicateRating = "duplicate-rating"
}

/// Why an event (or a whole append) is refused: a value, never a crash.
public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
    public let rule: Rule
    /// The event's id, or `line N` where the line has no usable id.
    public let event: String
    public let field: String?
    public let message: String

    public init(_ rule: Rule, event: String, field: String? = nil, _ message: String) {
        self.rule = rule; self.event = event; self.field = field; self.message = message
    }

    /// The line the CLI prints: `error: [rule] event E, field F: message`. Always
    /// one line: control characters from the input are shown escaped.
    public var description: String {
        var where_ = "event \(event)"
        if let field { where_ += ", field \(field)" }
        return Refusal.oneLine("error: [\(rule.rawValue)] \(where_): \(message)")
    }

    static func oneLine(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}

/// A batch's refusals, thrown as one error so that every problem is printed.
public struct Refusals: Error, Sendable {
    public let all: [Refusal]
    public init(_ all: [Refusal]) { self.all = all }
}
