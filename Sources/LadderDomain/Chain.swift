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
        var b: [UInt8] = []
        writeBody(&b, seq: seq, id: id, type: type, effective: effective, recorded: recorded, actorID: actorID, actorRole: actorRole, data: data)
        return String(decoding: b, as: UTF8.self)
    }

    /// `hex(SHA-256(prev_hex ‖ body))`, both as UTF-8 bytes.
    public static func hash(prev: String, body: String) -> String {
        var b = Array(prev.utf8)
        b += body.utf8
        return sha256Hex(b)
    }

    /// The same hash, from the columns: `prev ‖ body` is gathered in one buffer and
    /// hashed in one update (no body string; SHA-256 updates are costly per call).
    public static func hash(prev: String, seq: Int64, id: String, type: String, effective: String, recorded: String,
                            actorID: String, actorRole: String, data: String) -> String {
        var b = Array(prev.utf8)
        writeBody(&b, seq: seq, id: id, type: type, effective: effective, recorded: recorded, actorID: actorID, actorRole: actorRole, data: data)
        return sha256Hex(b)
    }

    /// Through the buffer-pointer update and the digest's bytes: `hash(data:)` and iterating a digest go
    /// through generic `DataProtocol` and `Sequence` code that looks up type metadata on every call.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        appendSHA256Hex(of: bytes[...], to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The body's one layout, appended to `b`.
    static func writeBody(_ b: inout [UInt8], seq: Int64, id: String, type: String, effective: String, recorded: String,
                          actorID: String, actorRole: String, data: String) {
        b.reserveCapacity(b.count + data.utf8.count + 200)
        writeBody(&b, seq: seq, id: id, type: type, effective: effective, recorded: recorded, actorID: actorID,
                  actorRole: actorRole) { $0 += data.utf8 }
    }

    /// The same layout with `data` written in its place by `writeData` (an append writes an event's
    /// canonical data there, and takes its bytes from the body for the `data` column).
    public static func writeBody(_ b: inout [UInt8], seq: Int64, id: String, type: String, effective: String,
                                 recorded: String, actorID: String, actorRole: String,
                                 data writeData: (inout [UInt8]) -> Void) {
        b.appendUTF8(#"{"actor":{"id":""#); b.appendUTF8(actorID); b.appendUTF8(#"","role":""#); b.appendUTF8(actorRole)
        b.appendUTF8(#""},"data":"#); writeData(&b)
        b.appendUTF8(#","effective":""#); b.appendUTF8(effective); b.appendUTF8(#"","id":""#); b.appendUTF8(id)
        b.appendUTF8(#"","recorded":""#); b.appendUTF8(recorded); b.appendUTF8(#"","seq":"#); b.appendUTF8(String(seq))
        b.appendUTF8(#","type":""#); b.appendUTF8(type); b.appendUTF8(#""}"#)
    }

    /// `hex(SHA-256(bytes))` appended to `out` (64 bytes).
    public static func appendSHA256Hex(of bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
        var h = SHA256()
        bytes.withUnsafeBytes { h.update(bufferPointer: $0) }
        h.finalize().withUnsafeBytes { out.appendHex(of: $0) }
    }
}
