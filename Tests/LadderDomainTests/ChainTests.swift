import Testing
@testable import LadderDomain

@Suite struct ChainTests {
    let body = Chain.body(seq: 1, id: "u-1", type: "UnitRegistered", effective: "2026-01-01",
                          recorded: "2026-12-01T00:00:00.000Z", actorID: "admin", actorRole: "system-admin",
                          data: #"{"kind":"city","name":"长沙","unit":"changsha"}"#)

    @Test func bodyIsSortedCanonicalJSON() throws {
        #expect(body == #"{"actor":{"id":"admin","role":"system-admin"},"data":{"kind":"city","name":"长沙","unit":"changsha"},"effective":"2026-01-01","id":"u-1","recorded":"2026-12-01T00:00:00.000Z","seq":1,"type":"UnitRegistered"}"#)
        #expect(try JSONParser.parse(body).canonical == body)
    }

    @Test func hashMatchesAnIndependentSHA256() {
        // Computed with Python's hashlib over the same bytes: sha256(genesis + body).
        #expect(Chain.hash(prev: Chain.genesis, body: body) == "04db80e3822dc5961f5f373111c9ba93bac81c8c75ebe15b28c25f383bed4fd5")
        // verify's piecewise form hashes the same bytes.
        #expect(Chain.hash(prev: Chain.genesis, seq: 1, id: "u-1", type: "UnitRegistered", effective: "2026-01-01",
                           recorded: "2026-12-01T00:00:00.000Z", actorID: "admin", actorRole: "system-admin",
                           data: #"{"kind":"city","name":"长沙","unit":"changsha"}"#) == "04db80e3822dc5961f5f373111c9ba93bac81c8c75ebe15b28c25f383bed4fd5")
    }

    /// An append's rows take their hash from `appendSHA256Hex`, written after whatever the buffer holds.
    @Test func theAppendPathWritesTheSameHex() {
        var out = Array("prefix:".utf8)
        Chain.appendSHA256Hex(of: (Array(Chain.genesis.utf8) + Array(body.utf8))[...], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "prefix:04db80e3822dc5961f5f373111c9ba93bac81c8c75ebe15b28c25f383bed4fd5")
    }

    @Test func anyChangeChangesTheHash() {
        let h = Chain.hash(prev: Chain.genesis, body: body)
        #expect(Chain.hash(prev: Chain.genesis, body: body.replacingOccurrences(of: "长沙", with: "长砂")) != h)
        #expect(Chain.hash(prev: String(repeating: "1", count: 64), body: body) != h)
    }
}
