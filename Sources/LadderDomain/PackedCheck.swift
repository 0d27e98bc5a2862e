/// A packed column split into its fields (`Packed.decode` reads them), and
/// `verify`'s check of it against the hashed data, on bytes:
/// the canonical `data` is rebuilt straight from the packed parts (a number or
/// an object is packed in its canonical text already; a text is escaped; a
/// bool is `1`/`0`) and compared, without building an `Event`. Equal bytes
/// imply that `Packed.decode` reads the very values the hash covers.
public struct PackedRow {
    let bytes: [UInt8]
    /// Each field's byte range in `bytes`, in catalogue order.
    let parts: [Range<Int>]
    let type: EventType

    public init?(_ packed: String, type: EventType) {
        bytes = Array(packed.utf8)
        var parts: [Range<Int>] = []
        parts.reserveCapacity(type.fields.count)
        bytes.withUnsafeBufferPointer { b in Packed.forEachPart(b) { parts.append($0); return true } }
        guard parts.count == type.fields.count else { return nil }
        self.parts = parts
        self.type = type
    }

    func isAbsent(_ r: Range<Int>) -> Bool { Packed.isAbsent(bytes[r]) }

    /// A text field's value, by name (nil when absent or not in the catalogue).
    public func text(_ name: String) -> String? {
        guard let i = type.index(of: name), !isAbsent(parts[i]) else { return nil }
        return String(decoding: bytes[parts[i]], as: UTF8.self)
    }

    /// Whether the canonical JSON these parts stand for is exactly `data`.
    public func matches(data: String) -> Bool {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(bytes.count + 96)
        var first = true
        let specs = type.fields
        for (i, name) in type.sortedFields {
            let r = parts[i]
            if isAbsent(r) { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\"")); out += name.utf8; out += [UInt8(ascii: "\""), UInt8(ascii: ":")]
            switch specs[i].kind {
            case .number, .score100, .count, .object: out += bytes[r]
            case .bool:
                guard r.count == 1 else { return false }
                switch bytes[r.lowerBound] {
                case UInt8(ascii: "1"): out += "true".utf8
                case UInt8(ascii: "0"): out += "false".utf8
                default: return false
                }
            default:
                let slice = bytes[r]
                if slice.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
                    var s = ""
                    JSONValue.writeString(String(decoding: slice, as: UTF8.self), to: &s)
                    out += s.utf8
                } else {
                    out.append(UInt8(ascii: "\"")); out += slice; out.append(UInt8(ascii: "\""))
                }
            }
        }
        out.append(UInt8(ascii: "}"))
        return out.elementsEqual(data.utf8)
    }
}
