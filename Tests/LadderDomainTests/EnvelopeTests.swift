import Testing
@testable import LadderDomain

func refusals(_ line: String) -> [Refusal] {
    if case .failure(let r) = Envelope.parse(Array(line.utf8), label: "line 1") { return r.all }
    return []
}

let enrol = #"{"id":"e-0001","type":"ManagerEnrolled","effective":"2026-01-05","actor":{"id":"hr-zhang","role":"hr"},"data":{"manager":"M-00017","name":"李伟","unit":"changsha","grade":"junior","superior":"S-0101","skipSuperior":"S-0001"}}"#

@Suite struct EnvelopeTests {
    /// The catalogue's tables are indexed by the enum's tag: it must be the case's place in `allCases`.
    @Test func everyTypesOrdinalIsItsPlaceAndItsTablesAreItsOwn() {
        #expect(MemoryLayout<EventType>.size == 1)
        for (i, t) in EventType.allCases.enumerated() {
            #expect(t.ordinal == i)
            #expect(t.fields.map(\.name) == Catalogue.fields[t]!.map(\.name))
            for (k, f) in t.fields.enumerated() { #expect(t.index(of: f.name) == k) }
        }
        #expect(EventType.performanceRated.index(of: "rating") == 2 && EventType.performanceRated.index(of: "grade") == nil)
    }

    @Test func aWellFormedEventIsTyped() throws {
        let e = try Envelope.parse(Array(enrol.utf8), label: "line 1").get()
        #expect(e.id == "e-0001")
        #expect(e.type == .managerEnrolled)
        #expect(e.effective == Day(year: 2026, month: 1, day: 5))
        #expect(e.actor == Actor(id: "hr-zhang", role: .hr))
        #expect(e.str("name") == "李伟")
    }

    @Test func idCharsetAndLength() {
        #expect(isCode("A-z.0_9:x"))
        #expect(!isCode(""))
        #expect(!isCode("has space"))
        #expect(!isCode(String(repeating: "a", count: 129)))
        #expect(isCode(String(repeating: "a", count: 128)))
        let r = refusals(enrol.replacingOccurrences(of: "e-0001", with: "e/1"))
        #expect(r.map(\.rule) == [.badField])
        #expect(r.first?.field == "id")
    }

    @Test func unknownTypeIsNamed() {
        let r = refusals(enrol.replacingOccurrences(of: "ManagerEnrolled", with: "ManagerHired"))
        #expect(r.map(\.rule) == [.unknownType])
        #expect(r.first?.event == "e-0001 (line 1)")
    }

    @Test func effectiveMustBeARealDate() {
        for bad in ["2026-02-29", "2026-13-01", "2026-1-05", "20260105"] {
            #expect(refusals(enrol.replacingOccurrences(of: "2026-01-05", with: bad)).map(\.rule) == [.badDate])
        }
        #expect(refusals(enrol.replacingOccurrences(of: "2026-01-05", with: "2024-02-29")).isEmpty)
    }

    @Test func actorRoleMustBeKnown() {
        let r = refusals(enrol.replacingOccurrences(of: #""role":"hr""#, with: #""role":"boss""#))
        #expect(r.map(\.field) == ["actor.role"])
    }

    @Test func dataFieldsRequiredTypedAndKnown() {
        let missing = refusals(enrol.replacingOccurrences(of: #""name":"李伟","#, with: ""))
        #expect(missing.map(\.field) == ["data.name"])
        let unknown = refusals(enrol.replacingOccurrences(of: #""name":"李伟","#, with: #""name":"李伟","age":3,"#))
        #expect(unknown.map(\.field) == ["data.age"])
        let wrongType = refusals(enrol.replacingOccurrences(of: #""name":"李伟""#, with: #""name":7"#))
        #expect(wrongType.map(\.rule) == [.badField])
    }

    @Test func everyProblemIsReportedNotOnlyTheFirst() {
        let line = #"{"id":"x","type":"ReviewSubmitted","effective":"2026-02-30","actor":{"id":"m","role":"examinee"},"data":{"manager":"M-1","period":"2026H3","relation":"boss","score":101}}"#
        let rules = refusals(line).map(\.rule)
        #expect(rules == [.badDate, .badField, .badField, .scoreRange])
    }

    @Test func enumsAndBooleans() {
        let line = #"{"id":"r","type":"RegionalDecision","effective":"2026-02-01","actor":{"id":"c","role":"city-admin"},"data":{"application":"A-1","approved":"yes"}}"#
        #expect(refusals(line).map(\.field) == ["data.approved"])
    }

    @Test func packedRoundTripsEveryValueKind() throws {
        let e = try Envelope.parse(Array(enrol.utf8), label: "l").get()
        #expect(Packed.decode(Packed.encode(e.values), type: e.type) == e.values)
        let values: [FieldValue] = [.text("A-1"), .bool(false), .absent]
        #expect(Packed.decode(Packed.encode(values), type: .regionalDecision) == values)
        let policy: [FieldValue] = [.object(.object(["a": .array([.int(1), .string("\u{1F}")])]))]
        #expect(Packed.decode(Packed.encode(policy), type: .policyAdopted) == policy)
    }

    /// Types and roles read from a column's bytes name exactly what their strings name.
    @Test func namesReadFromBytesMatchTheirStrings() {
        func bytes<T>(_ s: String, _ f: (UnsafeBufferPointer<UInt8>) -> T) -> T { Array(s.utf8).withUnsafeBufferPointer(f) }
        for t in EventType.allCases { #expect(bytes(t.rawValue, EventType.named(utf8:)) == t) }
        for r in Role.allCases { #expect(bytes(r.rawValue, Role.init(utf8:)) == r) }
        for miss in ["", "Assessment", "assessmentRecorded", "AssessmentRecordedX", "PerformanceRatee", String(repeating: "x", count: 80)] {
            #expect(bytes(miss, EventType.named(utf8:)) == nil, "\(miss)")
        }
        for miss in ["", "HR", "hr ", "city_admin", "system-administrator"] { #expect(bytes(miss, Role.init(utf8:)) == nil, "\(miss)") }
    }

    /// Keys built in one pass are the strings `+` would build, small or not, ASCII or not.
    @Test func keysJoinLikeConcatenation() {
        for (a, b) in [("M-1", "2026H1"), ("M-04016", "2028H1"), ("2026H1", "superior"), ("knowledge-80", "2026H1"),
                       ("", ""), ("长沙", "2026H2"), (String(repeating: "x", count: 7), String(repeating: "y", count: 7))] {
            let k = String.key(a, b)
            #expect(k == a + "|" + b && k.utf8.count == a.utf8.count + 1 + b.utf8.count, "\(a) \(b)")
        }
    }

    /// Integers are read digit by digit, the rest through `Double(String)`: both must give
    /// back exactly the number written.
    @Test func packedNumbersRoundTripExactly() throws {
        let numbers: [Double] = [0, 7, -7, 82.5, -0.25, 100, 123_456_789_012_345, 9_007_199_254_740_993, 1e21, 1.5e-7]
        for d in numbers {
            let values: [FieldValue] = [.text("M-1"), .text("2026H1"), .text("knowledge-80"), .number(d)]
            let back = try #require(Packed.decode(Packed.encode(values), type: .assessmentRecorded))
            guard case .number(let got) = back[3] else { Issue.record("\(d): not a number"); continue }
            #expect(got == d && got.sign == d.sign, "\(d) came back as \(got)")
        }
        // A negative zero (never written: canonical numbers print it as 0) reads as `Double("-0")` does.
        let zero = Packed.decode("M-1\u{1F}2026H1\u{1F}k\u{1F}-0", type: .assessmentRecorded)?[3]
        guard case .number(let z)? = zero else { Issue.record("-0: \(String(describing: zero))"); return }
        #expect(z == 0 && z.sign == .minus)
        #expect(Packed.decode("M-1\u{1F}2026H1\u{1F}k\u{1F}8x", type: .assessmentRecorded) == nil)
        #expect(Packed.decode("M-1\u{1F}2026H1\u{1F}k\u{1F}-", type: .assessmentRecorded) == nil)
        #expect(Packed.decode("M-1\u{1F}2026H1\u{1F}k\u{1F}1\u{1F}extra", type: .assessmentRecorded) == nil)
    }
}

@Suite struct CanonicalDataTests {
    /// A plain event, one with escapes and an optional field, one with a number.
    let lines = [enrol,
                 #"{"id":"x","type":"QualificationChecked","effective":"2026-07-13","actor":{"id":"hr","role":"hr"},"data":{"application":"A-1","passed":true,"override":"说明\n\"引号\""}}"#,
                 #"{"id":"y","type":"AssessmentRecorded","effective":"2026-07-13","actor":{"id":"hr","role":"hr"},"data":{"manager":"M","cycle":"2026H1","instrument":"knowledge-80","score":72.5}}"#]

    @Test func theFastWriterAgreesWithTheGeneralOne() throws {
        for line in lines {
            let e = try Envelope.parse(Array(line.utf8), label: "l").get()
            #expect(e.dataCanonical == e.dataJSON.canonical)
        }
        let p = Event(seq: 0, id: "p", type: .policyAdopted, effective: Day("2026-01-01")!, actor: Actor(id: "a", role: .systemAdmin),
                      values: [.object(Policy.standard.json)])
        #expect(p.dataCanonical == p.dataJSON.canonical)
    }

    /// verify's byte-level check of the packed column accepts exactly the rows whose packed values say what the data says.
    @Test func thePackedCheckAgreesWithDecoding() throws {
        for line in lines {
            let e = try Envelope.parse(Array(line.utf8), label: "l").get()
            let packed = Packed.encode(e.values)
            let row = try #require(PackedRow(packed, type: e.type))
            #expect(row.matches(data: e.dataCanonical))
            #expect(row.text("manager") == e.text("manager"))
            #expect(!row.matches(data: String(e.dataCanonical.dropLast(2)) + "x\"}"))
            #expect(!row.matches(data: e.dataCanonical + " "))
        }
        let q = try Envelope.parse(Array(lines[1].utf8), label: "l").get()
        let flipped = Packed.encode(q.values).replacingOccurrences(of: "\u{1F}1\u{1F}", with: "\u{1F}2\u{1F}")
        #expect(PackedRow(flipped, type: q.type)?.matches(data: q.dataCanonical) == false)
        #expect(PackedRow("too\u{1F}few", type: q.type) == nil)
    }
}

@Suite struct RefusalTests {
    @Test func aRefusalIsAlwaysOneLine() {
        let r = Refusal(.badField, event: "row 2", field: "data.mont\nh", "is not a field\r\u{07}")
        #expect(!r.description.contains("\n") && !r.description.contains("\r"))
        #expect(r.description == #"error: [bad-field] event row 2, field data.mont\nh: is not a field\r\u{7}"#)
    }
}
