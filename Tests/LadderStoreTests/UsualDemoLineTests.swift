import Testing
@testable import LadderDomain

/// Every line of a demo province takes the usual line's fast path, as written (canonical) and rewritten
/// with spaces and its keys in reverse order, and becomes the event the general parse builds. Only a
/// policy (its object) or a string with an escape is left to the general parse.
@Suite struct UsualDemoLineTests {
    @Test func everyDemoLineTakesTheFastPathToTheSameEvent() throws {
        var taken = 0, left = 0
        for e in LargeBatchTests.province {
            let canonical = e.userJSON.canonical
            for line in [canonical, UsualDemoLineTests.spaced(e.userJSON)] {
                let bytes = Array(line.utf8)
                let general = outcome(Envelope.general(bytes, label: "line 1"))
                #expect(general == outcome(.success(e)))
                if let fast = bytes.withUnsafeBufferPointer({ b -> Event? in var u = UsualLine(b); return u.event() }) {
                    taken += 1
                    #expect(outcome(.success(fast)) == general)
                } else {
                    left += 1
                    #expect(e.type == .policyAdopted || line.contains("\\"), "left to the general parse: \(line)")
                }
            }
        }
        #expect(taken > 20 * left)
    }

    /// The JSON with a space around every token and each object's keys in reverse order.
    static func spaced(_ v: JSONValue) -> String {
        guard case .object(let o) = v else { return " \(v.canonical) " }
        let members = JSONValue.sortedKeys(o).reversed().map { " \(JSONValue.string($0).canonical) : \(spaced(o[$0]!))" }
        return "{" + members.joined(separator: " ,") + " }"
    }
}

/// What a parse makes of a line, in words a test can compare (as in LadderDomainTests' UsualLineTests).
private func outcome(_ r: Result<Event, Refusals>) -> String {
    switch r {
    case .success(let e): return "\(e.id) \(e.type) \(e.effective) \(e.actor) \(e.values)"
    case .failure(let f): return "refused: \(f.all.map(\.description))"
    }
}
