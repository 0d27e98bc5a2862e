extension String {
    /// `a|b`, the shape of most of the state's keys (`manager|half-year`, `instrument|cycle`,
    /// `half-year|relation`), built in one pass: two `+` are two generic appends, each costing
    /// more than the copy (a small string when it fits in 15 bytes).
    public static func key(_ a: String, _ b: String) -> String {
        let built: String?? = a.utf8.withContiguousStorageIfAvailable { ua in
            b.utf8.withContiguousStorageIfAvailable { ub in
                String(unsafeUninitializedCapacity: ua.count + 1 + ub.count) { out in
                    _ = UnsafeMutableBufferPointer(rebasing: out[..<ua.count]).initialize(from: ua)
                    out[ua.count] = UInt8(ascii: "|")
                    _ = UnsafeMutableBufferPointer(rebasing: out[(ua.count + 1)...]).initialize(from: ub)
                    return out.count
                }
            }
        }
        return built.flatMap { $0 } ?? a + "|" + b
    }
}
