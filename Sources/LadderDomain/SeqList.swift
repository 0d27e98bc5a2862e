/// An ascending list of log positions as a projection row: the first seq, then
/// the gap to each next one, as varints (RowCoding). A manager's list is what
/// `log --manager` reads instead of an index over the whole log, whose entries
/// go into one B-tree leaf per manager: a large batch dirtied every leaf of it
/// (docs/performance.md). Appending needs only the last seq, so the bytes are
/// extended in place, never decoded and encoded again.
public struct SeqList: Sendable, Equatable {
    public private(set) var row: [UInt8] = [RowCoding.tag]
    public private(set) var last: Int64 = 0
    public private(set) var count = 0

    public init() {}

    public init(row: [UInt8]) throws {
        self.row = row
        var r = try RowReader(row, what: "seq list row")
        while !r.atEnd {
            let gap = try r.uint()
            guard gap > 0, gap <= UInt64(Int64.max - last) else { throw RowCodingError(description: "seq list row: seqs out of order") }
            last += Int64(gap)
            count += 1
        }
    }

    /// Adds `seq` at the end; a seq not after the last is already listed (or out of order) and is left out.
    public mutating func append(_ seq: Int64) {
        guard seq > last else { return }
        RowWriter.uint(UInt64(seq - last), to: &row)
        last = seq
        count += 1
    }

    /// The seqs, in order.
    public var seqs: [Int64] {
        var out: [Int64] = []
        out.reserveCapacity(count)
        // The row was checked when read or built here, so it decodes.
        guard var r = try? RowReader(row, what: "seq list row") else { return out }
        var s: Int64 = 0
        while !r.atEnd, let gap = try? r.uint() { s += Int64(gap); out.append(s) }
        return out
    }
}
