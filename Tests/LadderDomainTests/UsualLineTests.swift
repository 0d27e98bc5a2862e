import Testing
@testable import LadderDomain

/// What a parse makes of a line, in words a test can compare (a sign of zero included).
func outcome(_ r: Result<Event, Refusals>) -> String {
    switch r {
    case .success(let e): return "\(e.id) \(e.type) \(e.effective) \(e.actor) \(e.values)"
    case .failure(let f): return "refused: \(f.all.map(\.description))"
    }
}

func usual(_ bytes: [UInt8]) -> Event? { bytes.withUnsafeBufferPointer { var u = UsualLine($0); return u.event() } }

/// The usual line's fast path decides nothing: it takes a line or leaves it to the general parse, and an
/// event it builds is the one the general parse builds.
@Suite struct UsualLineTests {
    static let assess = #"{"id":"a-1","type":"AssessmentRecorded","effective":"2026-07-13","actor":{"id":"pa","role":"performance-admin"},"data":{"manager":"M-1","cycle":"2026H1","instrument":"knowledge-80","score":SCORE}}"#
    static let check = #"{"id":"q-1","type":"QualificationChecked","effective":"2026-07-13","actor":{"id":"hr","role":"hr"},"data":{"application":"A-1","passed":true,"reason":REASON}}"#
    static let quota = #"{"id":"s-1","type":"QuotaSet","effective":"2026-07-01","actor":{"id":"hr","role":"hr"},"data":{"unit":"changsha","window":"2026H2","grade":"senior","seats":SEATS}}"#

    /// Lines the fast path takes: spaces, another key order, non-ASCII text, a null optional, numbers of every form.
    static let taken: [String] = [
        enrol,
        #" { "type" : "ManagerEnrolled" , "id":"e-0001","effective":"2026-01-05","data":{"skipSuperior":"S-0001","superior":"S-0101","grade":"junior","unit":"changsha","name":"李伟","manager":"M-00017"},"actor":{"role":"hr","id":"hr-zhang"}}"# + "\t",
        assess.replacingOccurrences(of: "SCORE", with: "72.5"),
        assess.replacingOccurrences(of: "SCORE", with: "1e1"),
        assess.replacingOccurrences(of: "SCORE", with: "-0"),
        assess.replacingOccurrences(of: "SCORE", with: "-0.0"),
        assess.replacingOccurrences(of: "SCORE", with: "12345678901234567890"),
        check.replacingOccurrences(of: "REASON", with: "null"),
        check.replacingOccurrences(of: "REASON", with: #""资格审核通过""#),
        quota.replacingOccurrences(of: "SEATS", with: "0"),
    ]

    /// Lines it leaves to the general parse, which accepts some (an escape, a whole number written 3.0) and refuses the rest.
    static let left: [String] = [
        check.replacingOccurrences(of: "REASON", with: #""two\nlines""#),
        quota.replacingOccurrences(of: "SEATS", with: "3.0"),
        quota.replacingOccurrences(of: "SEATS", with: "-1"),
        quota.replacingOccurrences(of: "SEATS", with: #""3""#),
        assess.replacingOccurrences(of: "SCORE", with: "1e400"),
        assess.replacingOccurrences(of: "SCORE", with: "01"),
        assess.replacingOccurrences(of: "SCORE", with: "72,\"score\":73"),
        assess.replacingOccurrences(of: "SCORE", with: "72,\"weight\":1"),
        assess.replacingOccurrences(of: "SCORE", with: "{\"x\":1}"),
        assess.replacingOccurrences(of: "\"cycle\":\"2026H1\"", with: "\"cycle\":\"2026H3\""),
        assess.replacingOccurrences(of: "\"cycle\":\"2026H1\",", with: ""),
        assess.replacingOccurrences(of: "SCORE", with: "72") + " x",
        assess.replacingOccurrences(of: "SCORE", with: "72").replacingOccurrences(of: "\"id\":\"a-1\"", with: "\"id\":\"a-1\",\"id\":\"a-2\""),
        assess.replacingOccurrences(of: "SCORE", with: "72").replacingOccurrences(of: "\"role\":\"performance-admin\"", with: "\"role\":\"performance-admin\",\"unit\":\"x\""),
        assess.replacingOccurrences(of: "SCORE", with: "72").replacingOccurrences(of: "2026-07-13", with: "2026-02-30"),
        assess.replacingOccurrences(of: "SCORE", with: "72").replacingOccurrences(of: "AssessmentRecorded", with: "AssessmentRecordedX"),
        enrol.replacingOccurrences(of: "\"name\":\"李伟\"", with: "\"name\":\"\""),
        enrol.replacingOccurrences(of: "\"grade\":\"junior\"", with: "\"grade\":\"jun ior\""),
        #"{"id":"r-1","type":"ReviewSubmitted","effective":"2026-07-01","actor":{"id":"m","role":"examinee"},"data":{"manager":"M-1","period":"2026H1","relation":"self","score":101}}"#,
    ]

    @Test func aLineItTakesBecomesTheEventTheGeneralParseBuilds() throws {
        for line in UsualLineTests.taken {
            let bytes = Array(line.utf8)
            let fast = try #require(usual(bytes), "left to the general parse: \(line)")
            #expect(outcome(.success(fast)) == outcome(Envelope.general(bytes, label: "line 1")))
        }
        // The sign of a zero: "-0" is the integer 0 to the general parse.
        let zero = try #require(usual(Array(UsualLineTests.taken[4].utf8)))
        #expect(zero.number("score")!.sign == .plus)
    }

    @Test func aLineItLeavesIsParsedOrRefusedAsBefore() {
        var lines = UsualLineTests.left.map { Array($0.utf8) }
        var badUTF8 = Array(UsualLineTests.check.replacingOccurrences(of: "REASON", with: "\"ab\"").utf8)
        badUTF8[badUTF8.count - 5] = 0xC3  // a lead byte with no continuation
        lines.append(badUTF8)
        var accepted = 0
        for bytes in lines {
            #expect(usual(bytes) == nil, "taken: \(String(decoding: bytes, as: UTF8.self))")
            let general = Envelope.general(bytes, label: "line 1")
            #expect(outcome(Envelope.parse(bytes, label: "line 1")) == outcome(general))
            if case .success = general { accepted += 1 }
        }
        #expect(accepted == 2)  // the escape and the 3.0; every other line is refused
    }
}
