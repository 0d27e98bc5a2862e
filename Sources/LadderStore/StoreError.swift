/// Failures of the store itself (not refusals of events): each a one-line
/// message for the CLI, never a crash.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case notFound(path: String)
    case alreadyInitialized(path: String)
    case notALedger(path: String, reason: String)
    case database(message: String)
    case corrupt(message: String)

    public var description: String {
        switch self {
        case .notFound(let p): return "no ledger at \(p); create one with `ladder init --db \(p)`"
        case .alreadyInitialized(let p): return "\(p) already holds a ledger; nothing was changed"
        case .notALedger(let p, let r): return "\(p) is not a ladder ledger (\(r))"
        case .database(let m): return "the store failed: \(m)"
        case .corrupt(let m): return "the store is inconsistent: \(m); run `ladder verify`"
        }
    }
}
