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

    /// The same hash, fed to SHA-256 piece by piece from the columns: no body string is built.
    public static func hash(prev: String, seq: Int64, id: String, type: String, effective: String, recorded: String,
                            actorID: String, actorRole: String, data: String) -> String {
        var h = SHA256()
        func feed(_ s: String) { var s = s; s.withUTF8 { h.update(bufferPointer: UnsafeRawBufferPointer($0)) } }
        feed(prev)
        feed("{\"actor\":{\"id\":\""); feed(actorID); feed("\",\"role\":\""); feed(actorRole); feed("\"},\"data\":"); feed(data)
        feed(",\"effective\":\""); feed(effective); feed("\",\"id\":\""); feed(id)
        feed("\",\"recorded\":\""); feed(recorded); feed("\",\"seq\":"); feed(String(seq))
        feed(",\"type\":\""); feed(type); feed("\"}")
        return hex(h.finalize())
    }

    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
