/// The standing scores of every manager on one instrument in one cycle, kept
/// as counts per score: a percentile needs only how many scored lower, and a
/// row of a few distinct scores is read in microseconds where a row of
/// thousands of (manager, score) pairs took milliseconds to decode.
///
/// A manager's entry is their standing result (`ManagerState.assessment`), so
/// a change of it moves one count: the fold takes the standing score before
/// and after the event (`LedgerState.refreshCohort`).
public struct Cohort: Equatable, Sendable {
    /// Score → how many managers stand at it. No zero counts.
    public private(set) var counts: [Double: Int] = [:]
    public private(set) var total = 0

    public init() {}
    public init(counts: [Double: Int]) {
        self.counts = counts.filter { $0.value > 0 }
        total = self.counts.values.reduce(0, +)
    }

    /// One manager's standing score moved from `old` to `new` (nil: none).
    public mutating func move(from old: Double?, to new: Double?) {
        guard old != new else { return }
        if let old, let n = counts[old] {
            counts[old] = n > 1 ? n - 1 : nil
            total -= 1
        }
        if let new { counts[new, default: 0] += 1; total += 1 }
    }

    /// How many stand strictly below `score`.
    public func below(_ score: Double) -> Int {
        var n = 0
        for (s, c) in counts where s < score { n += c }
        return n
    }
}
