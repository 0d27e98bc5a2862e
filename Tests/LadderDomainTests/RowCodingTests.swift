import Testing
@testable import LadderDomain

/// The binary projection rows: every field survives, and a damaged row is refused, never misread.
@Suite struct RowCodingTests {
    let day = Day("2026-07-05")!

    var manager: ManagerState {
        var m = ManagerState(manager: "M-1", name: "李伟", unit: "changsha", grade: "senior", superior: "S-1", skipSuperior: "S-9",
                             status: "left", enrolled: day, left: Day("2027-01-31"), leftReason: "调离",
                             history: [GradeStep(grade: "junior", effective: day, seq: 5, cause: "ManagerEnrolled"),
                                       GradeStep(grade: "senior", effective: day, seq: 9_000_000_001, cause: "PromotionGranted", application: "A-1")])
        m.applications = ["A-1", "A-2"]
        return m
    }

    var application: ApplicationState {
        var a = ApplicationState(application: "A-1", manager: "M-1", unit: "changsha", window: Period("2026H2")!, grade: "senior",
                                 from: "intermediate", stage: "declined", submittedSeq: 42, submitted: day)
        a.direct = 88.5; a.skip = -0.0; a.approved = true; a.qualified = false; a.qualificationReason = "补考"; a.exam = 61
        a.rank = 3; a.score = 79.1234; a.decisionReason = "below the quota line"
        a.steps = [Step(seq: 42, event: "E-1", type: "ApplicationSubmitted", actor: "M-1", role: "examinee", effective: day)]
        return a
    }

    var window: WindowState {
        var w = WindowState(unit: "changsha", window: Period("2026H2")!, closes: Day("2026-07-31")!, opened: day, state: "allocated",
                            closed: Day("2026-07-31"), decided: nil)
        w.seats = ["senior": 2, "expert": 0]
        w.applications = ["A-1", "A-2"]
        w.granted = ["senior": 1]; w.revoked = ["senior": 1, "expert": 2]
        return w
    }

    var record: EvidenceRecord {
        EvidenceRecord(assessments: [Evidence(event: "E-9", seq: 9, effective: day, key: "exam", cycle: "2026H1", score: 77.5)],
                       reviews: [],
                       ratings: [Evidence(event: "E-10", seq: 10, effective: day, key: "2026-06", cycle: "", value: "A", voided: true, bucket: "2026H1")],
                       classes: [Evidence(event: "E-11", seq: 11, effective: day, key: "class", cycle: "", value: "VIP", bucket: "2026H2")])
    }

    @Test func everyFieldRoundTrips() throws {
        #expect(try ManagerState(row: manager.row) == manager)
        #expect(try ApplicationState(row: application.row) == application)
        var header = window
        header.applications = []
        #expect(try WindowState(row: window.row) == header)
        #expect(try WindowState.applications(row: window.applicationsRow) == window.applications)
        #expect(try EvidenceRecord(row: record.row) == record)
        let pv = PolicyVersion(seq: 3, event: "P-1", effective: day, policy: .standard)
        #expect(try PolicyVersion(row: pv.row) == pv)
        let unit = UnitState(unit: "xiangxi", name: "湘西", kind: "city")
        #expect(try UnitState(row: unit.row) == unit)
        let grants: Set<Grant> = [Grant(role: .cityAdmin, unit: "changsha"), Grant(role: .hr, unit: nil)]
        #expect(try GrantCoding.decode(GrantCoding.encode(grants)) == grants)
        var cohort = Cohort()
        for s in [61.0, 99.25, 0, 61] { cohort.move(from: nil, to: s) }
        cohort.move(from: 99.25, to: 0)
        #expect(cohort.counts == [61: 2, 0: 2] && cohort.total == 4)
        #expect(try CohortCoding.decode(CohortCoding.encode(cohort)) == cohort)
    }

    @Test func aHalfYearsRowIsWrittenFromTheManagersListsInPlace() throws {
        var m = manager
        func ev(_ id: String, _ seq: Int64, _ bucket: String) -> Evidence {
            Evidence(event: id, seq: seq, effective: day, key: "k", cycle: "", score: Double(seq), value: nil, voided: seq == 3, bucket: bucket)
        }
        m.assessments = [ev("a1", 1, "2026H1"), ev("a2", 2, "2026H2"), ev("a3", 3, "2026H1")]
        m.ratings = [ev("r1", 4, "2026H2")]
        m.classes = [ev("c1", 5, "2026H1")]
        let h1 = EvidenceRecord(assessments: [m.assessments[0], m.assessments[2]], classes: [m.classes[0]])
        #expect(EvidenceRecord.row(of: m, bucket: "2026H1") == h1.row)
        #expect(try EvidenceRecord(row: EvidenceRecord.row(of: m, bucket: "2026H2")) == EvidenceRecord(assessments: [m.assessments[1]], ratings: m.ratings))
    }

    /// A window's applications are a row of their own: loaded with the window's row in
    /// either order they rejoin it; loaded without it, the list is never written back.
    @Test func aWindowsApplicationListIsARowOfItsOwn() throws {
        var state = LedgerState()
        state.windows[window.key] = window
        let rows = [EntityRef(kind: .window, key: window.key.description), EntityRef(kind: .windowApplications, key: window.key.description)]
        let bodies = try rows.map { try #require(try state.encode($0)) }
        for order in [[0, 1], [1, 0]] {
            var loaded = LedgerState()
            for i in order { try loaded.load(kind: rows[i].kind.rawValue, key: rows[i].key, body: bodies[i]) }
            #expect(loaded.windows[window.key] == window)
            #expect(loaded.has(.windowApplications(window.key)))
        }
        var headerOnly = LedgerState()
        try headerOnly.load(kind: "window", key: rows[0].key, body: bodies[0])
        #expect(!headerOnly.has(.windowApplications(window.key)))
        #expect(headerOnly.windows[window.key]?.applications == [])
        #expect(throws: RowCodingError.self) { try headerOnly.encode(rows[1]) }
    }

    @Test func damagedRowsAreRefused() {
        let row = application.row
        #expect(throws: RowCodingError.self) { try ApplicationState(row: Array(row.dropLast())) }
        #expect(throws: RowCodingError.self) { try ApplicationState(row: row + [0]) }
        #expect(throws: RowCodingError.self) { try ApplicationState(row: [UInt8]("{\"application\":\"A-1\"}".utf8)) }
        #expect(throws: RowCodingError.self) { try ManagerState(row: window.row) }
        #expect(throws: RowCodingError.self) { try EvidenceRecord(row: []) }
    }

    /// A manager's list of seqs: extended in place, read back whole, and a damaged row refused.
    @Test func seqListsRoundTripAndStayAscending() throws {
        var list = SeqList()
        #expect(list.seqs.isEmpty && list.count == 0)
        let seqs: [Int64] = [1, 2, 127, 128, 129, 16_511, 1 << 40, (1 << 40) + 1, Int64.max - 1]
        for s in seqs { list.append(s) }
        list.append(128)  // not after the last: already listed (a catch-up over rows already in step)
        list.append(Int64.max - 1)
        #expect(list.seqs == seqs)
        #expect(list.last == Int64.max - 1 && list.count == seqs.count)
        let read = try SeqList(row: list.row)
        #expect(read == list)
        #expect(read.seqs == seqs)
        var more = read
        more.append(Int64.max)
        #expect(more.seqs == seqs + [Int64.max])
        #expect(try SeqList(row: SeqList().row).seqs.isEmpty)
        #expect(throws: RowCodingError.self) { try SeqList(row: []) }                           // no tag
        #expect(throws: RowCodingError.self) { try SeqList(row: [RowCoding.tag, 5, 0]) }        // a gap of 0: a repeat
        #expect(throws: RowCodingError.self) { try SeqList(row: [RowCoding.tag, 0x85]) }        // a varint cut short
        #expect(throws: RowCodingError.self) { try SeqList(row: list.row + [2]) }               // past Int64.max
    }
}
