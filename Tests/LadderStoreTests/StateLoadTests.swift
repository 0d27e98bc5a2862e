import Foundation
import Testing
@testable import LadderStore
@testable import LadderDomain

/// What a report loads, and what a store keeps between appends.
@Suite struct StateLoadTests {
    static func pieces(_ s: LedgerState) -> Int {
        s.managers.values.reduce(0) { $0 + $1.evidenceCount }
    }

    /// Compliance and the quota reports read no evidence: from the rows without it they are what the whole
    /// state gives, and nothing of the evidence is loaded.
    @Test func complianceWithoutTheEvidenceIsTheWholeStatesCompliance() throws {
        let s = try tempStore()
        _ = try s.append(LargeBatchTests.province, expectSeq: 2, recorded: "2026-12-01T00:00:00.000Z")
        let reopened = try SQLiteStore(path: s.path)
        let whole = try reopened.state().0, light = try reopened.stateWithoutEvidence()
        #expect(StateLoadTests.pieces(whole) > 1_000)
        #expect(StateLoadTests.pieces(light) == 0 && light.cohorts.isEmpty)
        #expect(whole.compliance(window: nil, unit: nil) == light.compliance(window: nil, unit: nil))
        let windows = Set(whole.windows.keys.map(\.window))
        #expect(!windows.isEmpty)
        for w in windows { #expect(whole.quotaReport(w, unit: nil) == light.quotaReport(w, unit: nil)) }
        #expect(Set(whole.managers.keys) == Set(light.managers.keys))
        // Not trivially alike: there is a grade mix, and there are grants to count against seats.
        #expect(!whole.compliance(window: nil, unit: nil)["mix"].arrayValue.isEmpty)
        #expect(light.applications.values.contains { $0.stage == "granted" })
    }

    /// Rows read apart from the state (an append's prefetch) are taken in as loading by need would take
    /// them: a manager's row or half-year the state holds already stays as it is (this process may have
    /// changed it), the half-years it lacks are added once, and a manager read whole is then whole.
    @Test func mergedRowsAddOnlyWhatTheStateLacks() throws {
        var full = LedgerState()
        for e in LargeBatchTests.province { full.apply(e) }
        let (m, held) = try #require(full.managers.lazy.compactMap { m, s -> (String, ManagerState)? in
            Set(s.ratings.map(\.bucket)).count >= 3 ? (m, s) : nil }.first)
        let buckets = Array(Set(held.ratings.map(\.bucket))).sorted()
        var rows = ManagerRows()
        try rows.add(kind: "manager", key: m, body: #require(try full.encode(EntityRef(kind: .manager, key: m))))
        for b in buckets {
            let key = String.key(m, b)
            try rows.add(kind: "record", key: key, body: #require(try full.encode(EntityRef(kind: .record, key: key))))
        }
        // The state holds the manager in part: its row (renamed here) and the first half-year, one rating short.
        var state = LedgerState(), mine = held
        mine.name = "changed here"
        let dropped = try #require(mine.ratings.firstIndex { $0.bucket == buckets[0] })
        mine.ratings.remove(at: dropped)
        for b in buckets.dropFirst() {
            mine.assessments.removeAll { $0.bucket == b }; mine.reviews.removeAll { $0.bucket == b }
            mine.ratings.removeAll { $0.bucket == b }; mine.classes.removeAll { $0.bucket == b }
        }
        state.managers[m] = mine
        state.partialManagers[m] = [buckets[0]]
        state.merge(rows, buckets: [m: [buckets[1]]], whole: [])
        let merged = try #require(state.managers[m])
        #expect(merged.name == "changed here")
        #expect(merged.ratings.filter { $0.bucket == buckets[0] }.count == held.ratings.filter { $0.bucket == buckets[0] }.count - 1)
        #expect(merged.ratings.count == held.ratings.count - 1)  // every other half-year added, once
        #expect(merged.ratings.map(\.seq) == merged.ratings.map(\.seq).sorted())
        #expect(state.partialManagers[m] == Set(buckets))
        // Again, read whole: nothing is added twice, and the manager is whole.
        state.merge(rows, buckets: [:], whole: [m])
        #expect(state.managers[m]?.evidenceCount == merged.evidenceCount)
        #expect(state.partialManagers[m] == nil && state.has(.manager(m)))
        // A manager not held is taken whole from its rows.
        var empty = LedgerState()
        empty.merge(rows, buckets: [:], whole: [m])
        #expect(empty.managers[m] == held)
    }

    /// An event `needsOnlyItsEvidence` says needs its half-year alone needs just that, whatever the state holds:
    /// the append skips `meetsNeeds` for it once its feed has loaded that half-year.
    @Test func anEventThatNeedsOnlyItsEvidenceNeedsNothingElse() {
        var state = LedgerState(), seen = 0
        for e in LargeBatchTests.province {
            if LedgerState.needsOnlyItsEvidence(e) {
                seen += 1
                #expect(state.needs(for: e) == [.evidence(manager: e.text(at: 0), bucket: LedgerState.bucket(of: e) ?? "?")])
            }
            state.apply(e)
        }
        #expect(seen > 1_000)
        #expect(LargeBatchTests.province.contains { $0.type == .assessmentRecorded && !LedgerState.needsOnlyItsEvidence($0) })
    }

    /// The fold's read (packed columns only) gives the events the full rows give, from any point.
    @Test func theFoldsReadGivesTheEventsTheRowsGive() throws {
        let s = try tempStore()
        _ = try s.append(LargeBatchTests.province, expectSeq: 2, recorded: "2026-12-01T00:00:00.000Z")
        func seen(_ e: Event) -> String { "\(e.seq) \(e.id) \(e.type) \(e.effective) \(e.actor) \(e.dataCanonical) \(e.subject ?? "-")" }
        for since: Int64 in [0, 1_000] {
            var fold: [String] = [], rows: [String] = []
            try s.events(since: since, through: nil) { fold.append(seen($0)) }
            try s.scan(since: since, through: nil, manager: nil) { rows.append(seen(try $0.event())) }
            #expect(fold.count == LargeBatchTests.province.count + 2 - Int(since))
            #expect(fold == rows)
        }
    }

    /// A view for one manager folds only that manager's ratings, reviews and classes (and everyone's
    /// assessments): its report on that manager is the whole view's, at any date and seq.
    @Test func aViewForOneManagerReportsAsTheWholeView() throws {
        let s = try tempStore()
        _ = try s.append(LargeBatchTests.province, expectSeq: 2, recorded: "2026-12-01T00:00:00.000Z")
        let days = [Day(year: 2026, month: 9, day: 30), Day(year: 2027, month: 7, day: 15), Day(year: 2028, month: 12, day: 31)]
        for (day, at) in zip(days, [nil, 1_500, nil] as [Int64?]) {
            let whole = try s.state(through: at, asOf: day, evidence: .all)
            for m in ["M-00001", "M-00007", "M-00023"] {
                let focused = try s.state(through: at, asOf: day, evidence: .ofManager(m))
                #expect(focused.managerReport(m, on: day) == whole.managerReport(m, on: day), "\(m) on \(day)")
                #expect(StateLoadTests.pieces(focused) < StateLoadTests.pieces(whole))
            }
        }
        #expect(try s.state(through: nil, asOf: days[2], evidence: .all).managerReport("M-00007", on: days[2])?["eligibility"] != nil)
    }

    /// A view with no evidence gives the window and quota reports the whole view gives, and holds none.
    @Test func aViewWithoutEvidenceReportsWindowsAndQuotasAsTheWholeView() throws {
        let s = try tempStore()
        _ = try s.append(LargeBatchTests.province, expectSeq: 2, recorded: "2026-12-01T00:00:00.000Z")
        for (day, at) in [(Day(year: 2027, month: 7, day: 15), nil), (Day(year: 2028, month: 12, day: 31), 1_800)] as [(Day, Int64?)] {
            let whole = try s.state(through: at, asOf: day, evidence: .all)
            let bare = try s.state(through: at, asOf: day, evidence: .none)
            #expect(StateLoadTests.pieces(bare) == 0 && bare.cohorts.isEmpty && StateLoadTests.pieces(whole) > 0)
            #expect(!whole.windows.isEmpty)
            for key in whole.windows.keys { #expect(bare.windowReport(key) == whole.windowReport(key)) }
            for w in Set(whole.windows.keys.map(\.window)) { #expect(bare.quotaReport(w, unit: nil) == whole.quotaReport(w, unit: nil)) }
        }
    }

    /// `explain` folds the applicant's evidence and every manager's assessments only: each application's
    /// steps are those the whole fold gives.
    @Test func anExplanationFromTheApplicantsEvidenceIsTheWholeFolds() throws {
        let s = try tempStore()
        _ = try s.append(LargeBatchTests.province, expectSeq: 2, recorded: "2026-12-01T00:00:00.000Z")
        let apps = try s.state().0.applications.values.sorted { $0.application < $1.application }
        let decided = apps.filter { $0.stage == "granted" || $0.stage == "declined" }
        #expect(decided.count >= 3)
        var criteria = 0, rankings = 0
        for app in decided.prefix(8) {
            var whole = Explainer(application: app.application), light = Explainer(application: app.application)
            let evidence = ViewEvidence.ofManager(app.manager)
            try s.events(since: 0, through: app.steps.last!.seq) { e in
                whole.feed(e)
                if evidence.folds(e) { light.feed(e) }
            }
            #expect(light.steps == whole.steps, "\(app.application)")
            criteria += whole.steps.filter { $0["criteria"] != .null }.count
            rankings += whole.steps.filter { $0["ranking"] != .null }.count
        }
        // The steps compared read evidence (eligibility criteria) and rank a window.
        #expect(criteria > 0 && rankings > 0)
    }

    /// `audit` folds the applicants' evidence and every manager's assessments only: its report is the
    /// whole fold's.
    @Test func anAuditOfTheApplicantsEvidenceIsTheWholeFolds() throws {
        // Large enough for overrides and a disagreement, which read the evidence.
        let all = LargeBatchTests.province(managers: 120, years: 2)
        let s = try tempStore()
        _ = try s.append(all, expectSeq: 2, recorded: "2026-12-01T00:00:00.000Z")
        var voided = Set<String>(), applicants = Set<String>()
        try s.events(since: 0, through: nil) { e in
            if e.type == .eventVoided { voided.insert(e.str("event")) }
            if e.type == .applicationSubmitted { applicants.insert(e.str("manager")) }
        }
        let evidence = ViewEvidence.ofManagers(applicants)
        var whole = Auditor(voided: voided), light = Auditor(voided: voided)
        var left = 0
        try s.events(since: 0, through: nil) { e in
            whole.feed(e)
            if evidence.folds(e) { light.feed(e) } else { left += 1 }
        }
        #expect(left > 0 && whole.decisions > 0 && !whole.disagreements.isEmpty)
        #expect(light.report == whole.report)
    }

    /// A store keeps the state of its last append only while it is small: a state grows with every batch
    /// and is never cut down.
    @Test func aStateIsKeptForTheNextAppendOnlyWhileSmall() throws {
        var state = LedgerState()
        var m = ManagerState(manager: "M-1", name: "x", unit: "u", grade: "junior", superior: "S", skipSuperior: "K",
                             enrolled: Day(year: 2026, month: 1, day: 1), history: [])
        let piece = Evidence(event: "e", seq: 1, effective: Day(year: 2026, month: 1, day: 1), key: "2026-01", cycle: "", score: nil, value: "A")
        m.ratings = Array(repeating: piece, count: LoadedState.cacheLimit)
        state.managers["M-1"] = m
        #expect(LoadedState(state: state, complete: false).worthKeeping)
        state.managers["M-1"]!.classes.append(piece)
        #expect(!LoadedState(state: state, complete: false).worthKeeping)
    }
}
