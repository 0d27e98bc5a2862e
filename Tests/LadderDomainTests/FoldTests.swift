import Testing
@testable import LadderDomain

/// Folds and rules on small event lists, no store.
@Suite struct FoldTests {
    var n: Int64 = 0
    func ev(_ type: EventType, _ eff: String, _ actor: String, _ role: Role, _ values: [FieldValue]) -> Event {
        Event(seq: 0, id: "\(type.rawValue)-\(values.first.map { "\($0)" } ?? "")-\(eff)", type: type, effective: Day(eff)!,
              actor: Actor(id: actor, role: role), values: values)
    }

    /// Applies events in order, each checked first; returns the state and any refusals.
    func fold(_ events: [Event]) -> (LedgerState, [Refusal]) {
        var s = LedgerState()
        var refused: [Refusal] = []
        for (i, var e) in events.enumerated() {
            e.seq = Int64(i + 1)
            let r = s.check(e)
            if r.isEmpty { s.apply(e) } else { refused += r }
        }
        return (s, refused)
    }

    var start: [Event] {
        Bootstrap.events(admin: "admin", effective: Day("2000-01-01")!) + [
            ev(.roleGranted, "2026-01-01", "admin", .systemAdmin, [.text("hr"), .text("hr"), .absent]),
            ev(.unitRegistered, "2026-01-01", "admin", .systemAdmin, [.text("cs"), .text("长沙"), .text("city")]),
            ev(.managerEnrolled, "2026-01-02", "hr", .hr, [.text("M-1"), .text("李伟"), .text("cs"), .text("junior"), .text("S-1"), .text("S-9")]),
        ]
    }

    @Test func enrolmentProjectsManagerAndUnit() {
        let (s, refused) = fold(start)
        #expect(refused.isEmpty)
        #expect(s.units["cs"] == UnitState(unit: "cs", name: "长沙", kind: "city"))
        let m = s.managers["M-1"]!
        #expect(m.grade == "junior" && m.unit == "cs" && m.superior == "S-1" && m.status == "active")
        #expect(m.history == [GradeStep(grade: "junior", effective: Day("2026-01-02")!, seq: 5, cause: "ManagerEnrolled")])
    }

    @Test func latestReviewReplacesEarlierAndVoidFallsBack() {
        let first = ev(.reviewSubmitted, "2026-06-30", "M-1", .examinee, [.text("M-1"), .text("2026H1"), .text("self"), .number(70)])
        let second = Event(seq: 0, id: "rev-2", type: .reviewSubmitted, effective: Day("2026-07-01")!, actor: Actor(id: "M-1", role: .examinee),
                           values: [.text("M-1"), .text("2026H1"), .text("self"), .number(90)])
        let void = ev(.eventVoided, "2026-07-02", "hr", .hr, [.text("rev-2"), .text("wrong")])
        var (s, r) = fold(start + [first, second])
        #expect(r.isEmpty)
        #expect(s.managers["M-1"]!.review(period: Period("2026H1")!, relation: "self")?.score == 90)
        (s, r) = fold(start + [first, second, void])
        #expect(r.isEmpty)
        #expect(s.managers["M-1"]!.review(period: Period("2026H1")!, relation: "self")?.score == 70)
    }

    @Test func percentileCountsOthersStrictlyLowerAndIgnoresVoided() {
        var events = start
        for (i, score) in [40.0, 50, 50, 70].enumerated() {
            let m = "M-\(i + 2)"
            events.append(ev(.managerEnrolled, "2026-01-02", "hr", .hr, [.text(m), .text("x"), .text("cs"), .text("junior"), .text("S-1"), .text("S-9")]))
            events.append(Event(seq: 0, id: "as-\(m)", type: .assessmentRecorded, effective: Day("2026-06-30")!, actor: Actor(id: "hr", role: .hr),
                                values: [.text(m), .text("2026H1"), .text("knowledge-80"), .number(score)]))
        }
        var (s, r) = fold(events)
        #expect(r.isEmpty)
        let m3 = s.managers["M-3"]!.assessment("knowledge-80", cycle: "2026H1")!
        #expect(s.percentile("M-3", m3) == 33)   // of 40, 50, 70: one strictly lower
        let m5 = s.managers["M-5"]!.assessment("knowledge-80", cycle: "2026H1")!
        #expect(s.percentile("M-5", m5) == 100)
        (s, r) = fold(events + [ev(.eventVoided, "2026-07-01", "hr", .hr, [.text("as-M-2"), .text("wrong sheet")])])
        #expect(s.percentile("M-3", m3) == 0)    // of 50, 70
        // A retake in the same cycle replaces the standing score: M-2 moves from 40 to 75, not counted twice.
        (s, r) = fold(events + [Event(seq: 0, id: "as-M-2-retake", type: .assessmentRecorded, effective: Day("2026-06-30")!,
                                      actor: Actor(id: "hr", role: .hr), values: [.text("M-2"), .text("2026H1"), .text("knowledge-80"), .number(75)])])
        #expect(r.isEmpty)
        #expect(s.cohorts["knowledge-80|2026H1"]?.total == 4)
        #expect(s.percentile("M-3", m3) == 0)    // of 50, 70, 75
        #expect(s.percentile("M-2", s.managers["M-2"]!.assessment("knowledge-80", cycle: "2026H1")!) == 100)
    }

    @Test func levelsAndCertification() {
        let p = Policy.standard
        #expect(p.level(instrument: "knowledge-80", score: 44) == nil)
        #expect(p.level(instrument: "knowledge-80", score: 45) == "junior")
        #expect(p.level(instrument: "knowledge-80", score: 75) == "senior")
        #expect(p.band(exam: 71)?.rating == 4)
        #expect(p.band(exam: 70.5)?.band == "mostly-meets")
        var events = start
        for (inst, score) in [("knowledge-80", 76.0), ("situational-10", 7), ("structured-interview", 3)] {
            events.append(Event(seq: 0, id: "as-\(inst)", type: .assessmentRecorded, effective: Day("2026-06-30")!, actor: Actor(id: "hr", role: .hr),
                                values: [.text("M-1"), .text("2026H1"), .text(inst), .number(score)]))
        }
        let (s, _) = fold(events)
        #expect(s.certifiedLevel(s.managers["M-1"]!, policy: p) == "intermediate")  // the lowest: situational-10 at 7
        let (s2, _) = fold(Array(events.dropLast()))
        #expect(s2.certifiedLevel(s2.managers["M-1"]!, policy: p) == nil)
    }

    @Test func policyInForceIsTheLatestEffectiveOnOrBefore() {
        var later = Policy.standard
        later.passMark = 80
        let adopt = ev(.policyAdopted, "2027-01-01", "admin", .systemAdmin, [.object(later.json)])
        let (s, r) = fold(start + [adopt])
        #expect(r.isEmpty)
        #expect(s.policy(on: Day("2026-12-31")!)?.policy.passMark == 71)
        #expect(s.policy(on: Day("2027-01-01")!)?.policy.passMark == 80)
    }

    @Test func stateSurvivesItsPersistedRows() throws {
        let review = ev(.reviewSubmitted, "2026-06-30", "M-1", .examinee, [.text("M-1"), .text("2026H1"), .text("self"), .number(70)])
        let rating = ev(.performanceRated, "2026-07-28", "S-1", .superior, [.text("M-1"), .text("2026-07"), .text("A")])
        let (s, r) = fold(start + [review, rating])
        #expect(r.isEmpty)
        #expect(s.managers["M-1"]!.ratings.count == 1 && s.managers["M-1"]!.reviews.count == 1)
        var copy = LedgerState()
        for ref in s.dirty { if let body = try s.encode(ref) { try copy.load(kind: ref.kind.rawValue, key: ref.key, body: body) } }
        copy.finishLoading()
        #expect(copy.managers == s.managers)
        #expect(copy.units == s.units)
        #expect(copy.grants == s.grants)
        #expect(copy.policies == s.policies)
    }

    /// A rebuild folds without noting changes and writes `allRefs()` instead: that must be
    /// every row the tracked folds of an append would have written, and nothing else.
    @Test func everyEntityHeldIsEveryEntityTheFoldsTouched() {
        var events = start
        for (i, m) in ["M-1", "M-2"].enumerated() {
            if m != "M-1" {
                events.append(ev(.managerEnrolled, "2026-01-02", "hr", .hr, [.text(m), .text("x"), .text("cs"), .text("junior"), .text("S-1"), .text("S-9")]))
            }
            events.append(Event(seq: 0, id: "as-\(m)", type: .assessmentRecorded, effective: Day("2026-06-30")!, actor: Actor(id: "hr", role: .hr),
                                values: [.text(m), .text("2026H1"), .text("knowledge-80"), .number(60 + Double(i))]))
            events.append(ev(.reviewSubmitted, "2026-06-30", m, .examinee, [.text(m), .text("2026H1"), .text("self"), .number(70)]))
            for month in ["2026-06", "2026-07", "2026-12"] {
                events.append(ev(.performanceRated, month + "-28", "S-1", .superior, [.text(m), .text(month), .text("A")]))
            }
        }
        events.append(ev(.eventVoided, "2027-01-05", "hr", .hr, [.text("as-M-2"), .text("wrong sheet")]))
        let (tracked, r) = fold(events)
        #expect(r.isEmpty)
        #expect(tracked.dirty.contains(EntityRef(kind: .record, key: "M-1|2026H2")))
        #expect(Set(tracked.allRefs()) == tracked.dirty)
        #expect(tracked.allRefs().count == tracked.dirty.count)  // no entity twice

        var untracked = LedgerState()
        untracked.tracksChanges = false
        var latest: Day?
        var numbered = events.enumerated().map { i, e in var e = e; e.seq = Int64(i + 1); return e }
        #expect(untracked.apply(&numbered, from: 0, to: numbered.count, latest: &latest) == numbered.count)
        // The fold moves each event out of the chunk and back: the chunk is as it was.
        #expect(numbered.map(\.id) == events.map(\.id) && numbered.map(\.seq) == Array(1...Int64(events.count)))
        #expect(numbered.map(\.dataCanonical) == events.map(\.dataCanonical))
        #expect(untracked.dirty.isEmpty)
        #expect(latest == Day("2027-01-05"))
        #expect(untracked.managers == tracked.managers && untracked.cohorts == tracked.cohorts)
        #expect(Set(untracked.allRefs()) == tracked.dirty)
    }

    /// A piece filed is not entered in the evidence index one by one: a void's rules, needs and manager find
    /// it among the pieces filed since (`owner(ofEvidence:)`), and the list is indexed once applied voids
    /// have scanned as much of it as it holds.
    @Test func aVoidFindsAPieceFiledSinceTheIndex() {
        let months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
        let ratings = months.map { m in
            Event(seq: 0, id: "rate-\(m)", type: .performanceRated, effective: Day(m + "-28")!, actor: Actor(id: "S-1", role: .superior),
                  values: [.text("M-1"), .text(m), .text("A")])
        }
        func void(_ target: String) -> Event {
            Event(seq: 0, id: "void-\(target)", type: .eventVoided, effective: Day("2026-07-01")!, actor: Actor(id: "hr", role: .hr),
                  values: [.text(target), .text("wrong sheet")])
        }
        var (s, r) = fold(start + ratings)
        #expect(r.isEmpty)
        #expect(s.evidence.isEmpty && s.owner(ofEvidence: "rate-2026-03") == "M-1")
        // The last piece: found at once, the list left as it is.
        let v = void("rate-2026-06")
        #expect(s.check(v).isEmpty)
        #expect(s.manager(of: v) == "M-1")
        #expect(s.needs(for: v).contains(.owner("rate-2026-06")) && s.has(.owner("rate-2026-06")))
        s.apply(v)
        #expect(s.managers["M-1"]!.ratings.last?.voided == true && s.evidence.isEmpty)
        #expect(s.check(void("rate-2026-06")).map(\.rule) == [.notVoidable])
        // The first: the whole list scanned, and indexed.
        let w = void("rate-2026-01")
        #expect(s.check(w).isEmpty)
        s.apply(w)
        #expect(s.managers["M-1"]!.ratings.first?.voided == true && s.evidence.count == months.count)
        #expect(s.owner(ofEvidence: "rate-2026-06") == "M-1")
        #expect(s.check(void("rate-2026-09")).map(\.rule) == [.unknownEvent])
    }

    /// A manager notes the records its evidence has put in `dirty` (so that the next piece of the same
    /// half-year does not build and hash the key again). The notes stand for one round only: after
    /// `clearDirty`, and after folds with tracking off, a piece puts its record in `dirty` again.
    @Test func aRecordIsDirtyAgainInEachRound() {
        func rating(_ month: String) -> Event {
            ev(.performanceRated, month + "-28", "S-1", .superior, [.text("M-1"), .text(month), .text("A")])
        }
        let record = { (b: String) in EntityRef(kind: .record, key: "M-1|" + b) }
        var (s, r) = fold(start)
        #expect(r.isEmpty)
        var seq = Int64(start.count)
        func apply(_ e: Event) { var e = e; seq += 1; e.seq = seq; #expect(s.check(e).isEmpty); s.apply(e) }
        // Three half-years in turn: the third takes the place of a note, and each stays dirty.
        for month in ["2026-05", "2026-08", "2026-06", "2027-02", "2026-09"] { apply(rating(month)) }
        #expect(["2026H1", "2026H2", "2027H1"].allSatisfy { s.dirty.contains(record($0)) })
        s.clearDirty()
        #expect(s.dirty.isEmpty)
        apply(rating("2026-10"))
        #expect(s.dirty == [record("2026H2")])
        // Folded untracked, then tracked again in the same round: dirty once tracking is back.
        s.clearDirty()
        s.tracksChanges = false
        apply(rating("2027-03"))
        s.tracksChanges = true
        apply(rating("2027-04"))
        #expect(s.dirty == [record("2027H1")])
        // The notes are no part of the manager's value.
        var plain = s.managers["M-1"]!
        plain.noted = NotedRecords()
        #expect(plain == s.managers["M-1"]!)
    }

    /// Eviction hands back, as rows, exactly what `encode` would have written for the
    /// half-years and cohorts it drops, and keeps the rest: also when a late piece files
    /// under an old half-year after newer ones (the list is then not in half-year order).
    @Test func evictionReturnsTheRowsOfWhatItDrops() throws {
        var events = start
        for (cycle, day) in [("2026H1", "2026-06-30"), ("2026H2", "2026-12-30"), ("2027H1", "2027-06-30")] {
            events.append(Event(seq: 0, id: "as-\(cycle)", type: .assessmentRecorded, effective: Day(day)!, actor: Actor(id: "hr", role: .hr),
                                values: [.text("M-1"), .text(cycle), .text("knowledge-80"), .number(60)]))
            events.append(ev(.reviewSubmitted, day, "M-1", .examinee, [.text("M-1"), .text(cycle), .text("self"), .number(70)]))
        }
        for month in ["2026-05", "2026-11", "2027-05"] {
            events.append(ev(.performanceRated, month + "-28", "S-1", .superior, [.text("M-1"), .text(month), .text("A")]))
        }
        // Late: a 2026-06 rating recorded after the 2027 ones.
        events.append(ev(.performanceRated, "2027-06-01", "S-1", .superior, [.text("M-1"), .text("2026-06"), .text("B")]))
        var (s, r) = fold(events)
        #expect(r.isEmpty)
        let cutoff = "2027H1"
        let old = s.dirty.filter { ($0.kind == .record || $0.kind == .cohort) && !$0.key.hasSuffix(cutoff) }
        #expect(old.count == 4)  // M-1's 2026H1 and 2026H2 rows, and their two cohorts
        let expected = try Dictionary(uniqueKeysWithValues: old.map { ($0, try #require(try s.encode($0))) })
        let kept = try #require(try s.encode(EntityRef(kind: .record, key: "M-1|2027H1")))

        let evicted = s.evict(before: cutoff)
        let rows = (0..<evicted.count).map { evicted.row($0) }
        #expect(Dictionary(uniqueKeysWithValues: rows.map { ($0.ref, $0.body) }) == expected)
        #expect(rows.map(\.ref.key) == ["knowledge-80|2026H1", "knowledge-80|2026H2", "M-1|2026H1", "M-1|2026H2"])
        #expect(s.evictedBefore == cutoff)
        let m = try #require(s.managers["M-1"])
        #expect(m.buckets(before: nil) == [cutoff])
        #expect(s.cohorts.keys.sorted() == ["knowledge-80|2027H1"])
        #expect(try s.encode(EntityRef(kind: .record, key: "M-1|2027H1")) == kept)
    }

    /// `movePrefix` (eviction's move of old pieces out of a list, without copying them): what it
    /// returns and what it leaves are the two parts of the list, in order, at every split.
    @Test func movingAPrefixSplitsTheListInOrder() {
        // Strings too long to be stored inline, so each holds a reference: a piece moved twice, or
        // one lost, shows up as a wrong value or a crash.
        let all = (0..<7).map { "a piece of evidence, number \($0)" }
        for k in 0...all.count {
            var list = all
            let moved = list.movePrefix(k, filler: "")
            #expect(moved == Array(all[..<k]))
            #expect(list == Array(all[k...]))
            list.append("appended after the move")
            #expect(list.count == all.count - k + 1)
        }
    }
}
