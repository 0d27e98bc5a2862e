extension Array where Element == UInt8 {
    /// `s`'s UTF-8 bytes appended in one copy. `+= s.utf8` goes through the generic sequence append, which
    /// cost more than the copy for the short pieces a row is made of (ids, codes, dates).
    @inline(__always)
    public mutating func appendUTF8(_ s: String) {
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { append(contentsOf: $0) }
        if done == nil { append(contentsOf: s.utf8) }
    }

    /// The lowercase hex digits of a digest appended (64 for SHA-256's 32 bytes), made on the stack and copied once.
    public mutating func appendHex(of digest: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * digest.count) { out in
            for k in 0..<digest.count {
                let b = digest[k]
                out[2 * k] = Self.hexDigit(b >> 4)
                out[2 * k + 1] = Self.hexDigit(b & 0xF)
            }
            append(contentsOf: UnsafeBufferPointer(out))
        }
    }

    @inline(__always)
    private static func hexDigit(_ n: UInt8) -> UInt8 { n < 10 ? UInt8(ascii: "0") + n : UInt8(ascii: "a") - 10 + n }
}
