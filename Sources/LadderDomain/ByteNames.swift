/// Names read straight from bytes (a column as the store hands it over), without building a
/// `String` first: a replay reads an event's type and role from every row of the log, and making,
/// validating and hashing the two strings cost more than comparing a few short candidates.
struct ByteNames<T: Sendable>: Sendable {
    /// Candidates by their length in bytes.
    private let byLength: [[(name: [UInt8], value: T)]]

    init(_ pairs: [(String, T)]) {
        var table = Array(repeating: [([UInt8], T)](), count: (pairs.map(\.0.utf8.count).max() ?? 0) + 1)
        for (name, value) in pairs { table[name.utf8.count].append((Array(name.utf8), value)) }
        byLength = table.map { $0.map { (name: $0.0, value: $0.1) } }
    }

    func callAsFunction(_ u: UnsafeBufferPointer<UInt8>) -> T? {
        guard u.count < byLength.count else { return nil }
        for candidate in byLength[u.count] where candidate.name.withUnsafeBufferPointer({ $0.elementsEqual(u) }) {
            return candidate.value
        }
        return nil
    }
}

extension EventType {
    private static let byBytes = ByteNames(allCases.map { ($0.rawValue, $0) })
    /// The type named by these UTF-8 bytes, if any.
    public static func named(utf8 u: UnsafeBufferPointer<UInt8>) -> EventType? { byBytes(u) }
}

extension Role {
    private static let byBytes = ByteNames(allCases.map { ($0.rawValue, $0) })
    /// The role named by these UTF-8 bytes, if any.
    public init?(utf8 u: UnsafeBufferPointer<UInt8>) {
        guard let r = Role.byBytes(u) else { return nil }
        self = r
    }
}
