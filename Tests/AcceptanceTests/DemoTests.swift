import Testing
import LadderDomain

@Suite struct DemoTests {
    @Test func demoBuildsAVerifiedProvinceAndIsDeterministic() throws {
        let a = try Sandbox(initialized: false), b = try Sandbox(initialized: false)
        let ra = a.run("demo", "--managers", "80", "--years", "2", "--seed", "7", "--json")
        #expect(ra.status == 0, "\(ra.stderr)")
        #expect(ra.stderr.isEmpty, "progress must stay quiet when piped")
        let j = ra.json
        #expect(j["units"] == 15 && j["managers"] == 80)
        #expect(j["verify"]["ok"] == true)
        #expect(j["violations"] == 0)
        #expect(j["windows"].count == 3)
        #expect(j["windows"].arrayValue.allSatisfy { ($0["granted"].intValue ?? 0) <= ($0["seats"].intValue ?? 0) })
        #expect(j["events"] == j["verify"]["events"])
        #expect(a.run("verify").status == 0)
        // Same seed, same province: the same events in the same order.
        #expect(b.run("demo", "--managers", "80", "--years", "2", "--seed", "7", "--json").status == 0)
        func events(_ s: Sandbox) -> [JSONValue] { s.log().map { ["id": $0["id"], "type": $0["type"], "data": $0["data"], "effective": $0["effective"]] } }
        #expect(events(a) == events(b))
        // Every kind of friction happened.
        let types = Set(a.log().compactMap { $0["type"].stringValue })
        for t in ["PromotionGranted", "PromotionDeclined", "PromotionRevoked", "EventVoided", "PolicyAdopted", "ManagerLeft", "QuotaSet"] {
            #expect(types.contains(t), "\(t)")
        }
        // A store that already holds events is refused and left as it was.
        let head = a.run("head").stdout
        let again = a.run("demo", "--managers", "80", "--years", "1")
        #expect(again.status == 1)
        #expect(again.stderr.contains("fresh store"))
        #expect(a.run("head").stdout == head)
    }

    @Test func exportWritesValidJSONLinesForAFreshStore() throws {
        let s = try Sandbox()
        let file = s.dir.appendingPathComponent("events.jsonl").path
        #expect(s.run("demo", "--managers", "30", "--years", "1", "--jsonl", file, "--limit", "500", db: false).status == 0)
        let r = s.run("append", file, "--json")
        #expect(r.status == 0, "\(r.stderr.prefix(500))")
        #expect(r.json["appended"] == 500)
    }
}
