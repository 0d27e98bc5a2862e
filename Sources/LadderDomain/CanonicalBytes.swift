/// The canonical forms an append builds for every new event (its `data`, its packed column, its chain
/// body), written straight into a `[UInt8]`: a `String` append checks uniqueness, capacity and encoding
/// on every piece, and these pieces are many and short. The `String` forms are made from these bytes.
extension Event {
    /// Appends the canonical text of `data` to `out`: the values in the type's sorted key order
    /// (no dictionary, no sort), absent ones left out. This is what the hash covers.
    public func writeData(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for (i, key) in Catalogue.byType[type.ordinal].keys {
            let v = values[i]
            if case .absent = v { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out += key
            switch v {
            case .absent: break
            case .text(let s): JSONValue.writeString(s, to: &out)
            case .number(let d): JSONValue.writeNumber(d, to: &out)
            case .bool(let b): out += b ? JSONValue.trueBytes : JSONValue.falseBytes
            case .object(let j): out += j.canonical.utf8
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The canonical text of `data` (see `writeData`).
    public var dataCanonical: String {
        var b: [UInt8] = []
        b.reserveCapacity(160)
        writeData(to: &b)
        return String(decoding: b, as: UTF8.self)
    }
}

extension Packed {
    /// Appends the packed column of `values` to `out` (the layout is described on `Packed`).
    public static func write(_ values: [FieldValue], to out: inout [UInt8]) {
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(0x1F) }
            switch v {
            case .absent: out.append(0x1E)
            case .text(let s): out.appendUTF8(s)
            case .number(let d): JSONValue.writeNumber(d, to: &out)
            case .bool(let b): out.append(b ? UInt8(ascii: "1") : UInt8(ascii: "0"))
            case .object(let j): out += j.canonical.utf8
            }
        }
    }

    public static func encode(_ values: [FieldValue]) -> String {
        var b: [UInt8] = []
        write(values, to: &b)
        return String(decoding: b, as: UTF8.self)
    }
}

extension JSONValue {
    static let trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)

    /// `canonicalNumber`'s text appended to `out`: an integral value's digits written in place.
    static func writeNumber(_ d: Double, to out: inout [UInt8]) {
        guard d.rounded() == d && abs(d) < 9e15 else { out += d.description.utf8; return }
        var n = Int64(d)
        if n < 0 { out.append(UInt8(ascii: "-")); n = -n }
        let start = out.count
        repeat { out.append(UInt8(ascii: "0") + UInt8(n % 10)); n /= 10 } while n > 0
        out[start...].reverse()
    }

    /// A JSON string literal appended to `out`; one with something to escape goes through the `String` writer.
    static func writeString(_ s: String, to out: inout [UInt8]) {
        func needsEscape(_ c: UInt8) -> Bool { c < 0x20 || c == 0x22 || c == 0x5C }
        // Scanned as a buffer where the bytes are contiguous (always, for a native string): a tighter loop than the view's.
        guard !(s.utf8.withContiguousStorageIfAvailable { $0.contains(where: needsEscape) } ?? s.utf8.contains(where: needsEscape)) else {
            var escaped = ""
            writeString(s, to: &escaped)
            out += escaped.utf8
            return
        }
        out.append(UInt8(ascii: "\"")); out.appendUTF8(s); out.append(UInt8(ascii: "\""))
    }
}
