/// A move, not a copy, of part of an array: for lists whose elements hold references and are moved
/// from one owner to another on a hot path (a replay's eviction, LedgerState+Eviction.swift).
extension Array {
    /// Moves the first `k` elements out into an array of their own. Copying them out and removing
    /// them would retain and then release every reference each holds (a replay's eviction moves a
    /// quarter of the evidence it holds each half-year); here the rest slide down in memory, and
    /// the `k` slots left at the end take `filler`, which holds no reference, before they are dropped.
    mutating func movePrefix(_ k: Int, filler: Element) -> [Element] {
        guard k > 0 else { return [] }
        if k == count { defer { self = [] }; return self }  // the buffer itself changes hands
        let n = count
        let out = [Element](unsafeUninitializedCapacity: k) { dst, initialized in
            withUnsafeMutableBufferPointer { src in
                let base = src.baseAddress!
                dst.baseAddress!.moveInitialize(from: base, count: k)
                base.moveInitialize(from: base + k, count: n - k)  // overlapping: allowed
                (base + (n - k)).initialize(repeating: filler, count: k)
            }
            initialized = k
        }
        removeLast(k)
        return out
    }
}
