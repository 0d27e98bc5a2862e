/// A small binary form for the persisted projection rows that reports and
/// appends read by key: varint integers, length-prefixed UTF-8, fixed-width
/// doubles. Foundation's `JSONDecoder` spent most of a report decoding the
/// same rows as JSON (docs/performance.md). The rows are disposable: a store
/// whose rows are of another format is rebuilt from the log on open
/// (`RowCoding.checkpointName` names the format).
public enum RowCoding {
    /// The checkpoint row's name carries the row format, so that a store written
    /// by an older ladder simply has no checkpoint here and is rebuilt.
    public static let checkpointName = "state-v5"
    static let tag: UInt8 = 2
}

public struct RowCodingError: Error, CustomStringConvertible {
    public let description: String
}

struct RowWriter {
    private(set) var bytes: [UInt8] = [RowCoding.tag]

    init() {}
    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func uint(_ v: UInt64) { RowWriter.uint(v, to: &bytes) }
    /// A varint onto any row's bytes (SeqList extends its row in place).
    @inline(__always)
    static func uint(_ v: UInt64, to bytes: inout [UInt8]) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    mutating func int(_ v: Int64) { uint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
    mutating func int(_ v: Int) { int(Int64(v)) }
    mutating func str(_ s: String) {
        func put(_ u: UnsafeBufferPointer<UInt8>) { uint(UInt64(u.count)); bytes.append(contentsOf: u) }
        // A native string lends its bytes in place (`withUTF8` needs a mutable copy first).
        if s.utf8.withContiguousStorageIfAvailable(put) == nil { var s = s; s.withUTF8(put) }
    }
    mutating func bool(_ b: Bool) { bytes.append(b ? 1 : 0) }
    mutating func double(_ d: Double) {
        var bits = d.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
    }
    mutating func day(_ d: Day) { uint(UInt64(d.year * 10_000 + d.month * 100 + d.day)) }
    mutating func period(_ p: Period) { uint(UInt64(p.year * 10 + p.half)) }
    mutating func strings(_ a: [String]) { uint(UInt64(a.count)); for s in a { str(s) } }

    /// Optionals: a presence byte, then the value.
    mutating func opt<T>(_ v: T?, _ write: (inout RowWriter, T) -> Void) {
        guard let v else { bytes.append(0); return }
        bytes.append(1)
        write(&self, v)
    }
    mutating func list<T>(_ a: [T], _ write: (inout RowWriter, T) -> Void) {
        uint(UInt64(a.count))
        for x in a { write(&self, x) }
    }
}

struct RowReader {
    private let bytes: [UInt8]
    private var i = 1
    private let what: String

    init(_ bytes: [UInt8], what: String) throws {
        self.bytes = bytes
        self.what = what
        guard bytes.first == RowCoding.tag else { throw RowCodingError(description: "\(what): not a row of format \(RowCoding.tag)") }
    }

    private func bad() -> RowCodingError { RowCodingError(description: "\(what): malformed row at byte \(i)") }

    mutating func byte() throws -> UInt8 {
        guard i < bytes.count else { throw bad() }
        defer { i += 1 }
        return bytes[i]
    }
    mutating func uint() throws -> UInt64 {
        var v: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw bad() }
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }
    mutating func int() throws -> Int64 { let u = try uint(); return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1))) }
    mutating func int() throws -> Int { Int(try int() as Int64) }
    mutating func count() throws -> Int {
        let n = try uint()
        guard n <= UInt64(bytes.count - i) else { throw bad() }
        return Int(n)
    }
    mutating func str() throws -> String {
        let n = try count()
        defer { i += n }
        return String(decoding: bytes[i..<(i + n)], as: UTF8.self)
    }
    mutating func bool() throws -> Bool { try byte() != 0 }
    mutating func double() throws -> Double {
        guard bytes.count - i >= 8 else { throw bad() }
        var bits: UInt64 = 0
        for k in 0..<8 { bits |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
        i += 8
        return Double(bitPattern: bits)
    }
    mutating func day() throws -> Day {
        let u = try uint()
        guard u <= 99_991_231 else { throw bad() }
        let v = Int(u)
        guard (1...12).contains(v / 100 % 100), (1...31).contains(v % 100) else { throw bad() }
        return Day(year: v / 10_000, month: v / 100 % 100, day: v % 100)
    }
    mutating func period() throws -> Period {
        let u = try uint()
        guard u <= 99_992 else { throw bad() }
        let v = Int(u)
        guard v % 10 == 1 || v % 10 == 2 else { throw bad() }
        return Period(year: v / 10, half: v % 10)
    }
    mutating func strings() throws -> [String] { try list { try $0.str() } }
    mutating func opt<T>(_ read: (inout RowReader) throws -> T) throws -> T? {
        try byte() == 0 ? nil : read(&self)
    }
    mutating func list<T>(_ read: (inout RowReader) throws -> T) throws -> [T] {
        let n = try count()
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try read(&self)) }
        return out
    }
    var atEnd: Bool { i == bytes.count }
    /// The whole row was read: trailing bytes mean a different layout.
    func end() throws { guard i == bytes.count else { throw bad() } }
}
