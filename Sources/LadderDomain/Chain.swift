import Crypto

/// The hash chain. See docs/hash-chain.md: an auditor re-checks it from the
/// stored columns alone, without ladder.
public enum Chain {
    /// The `prev` of event 1.
    public static let genesis = String(repeating: "0", count: 64)

    /// The canonical bytes of a recorded event: a JSON object with sorted keys
    /// and no spaces. Only `data` can hold arbitrary text, and it is already
    /// canonical JSON; the other members are codes, dates and numbers.
    public static func body(seq: Int64, id: String, type: String, effective: String, recorded: String,
                            actorID: String, actorRole: String, data: String) -> String {
        var s = "{\"actor\":{\"id\":\""
        s.reserveCapacity(data.utf8.count + 200)
        s += actorID; s += "\",\"role\":\""; s += actorRole; s += "\"},\"data\":"; s += data
        s += ",\"effective\":\""; s += effective; s += "\",\"id\":\""; s += id
        s += "\",\"recorded\":\""; s += recorded; s += "\",\"seq\":"; s += String(seq)
        s += ",\"type\":\""; s += type; s += "\"}"
        return s
    }

    /// `hex(SHA-256(prev_hex ‖ body))`, both as UTF-8 bytes.
    public static func hash(prev: String, body: String) -> String {
        var h = SHA256()
        var p = prev, b = body
        p.withUTF8 { h.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        b.withUTF8 { h.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return hex(h.finalize())
    }

    /// The same hash, from the columns: the bytes are gathered in one buffer and
    /// hashed in one update (no body string; SHA-256 updates are costly per call).
    public static func hash(prev: String, seq: Int64, id: String, type: String, effective: String, recorded: String,
                            actorID: String, actorRole: String, data: String) -> String {
        var b: [UInt8] = []
        b.reserveCapacity(prev.utf8.count + data.utf8.count + 200)
        b += prev.utf8
        b += #"{"actor":{"id":""#.utf8; b += actorID.utf8; b += #"","role":""#.utf8; b += actorRole.utf8
        b += #""},"data":"#.utf8; b += data.utf8
        b += #","effective":""#.utf8; b += effective.utf8; b += #"","id":""#.utf8; b += id.utf8
        b += #"","recorded":""#.utf8; b += recorded.utf8; b += #"","seq":"#.utf8; b += String(seq).utf8
        b += #","type":""#.utf8; b += type.utf8; b += #""}"#.utf8
        return b.withUnsafeBytes { hex(SHA256.hash(data: $0)) }
    }

    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
