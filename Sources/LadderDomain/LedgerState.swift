/// Everything the rules and reports read, folded from the log.
///
/// A value: `apply` is the pure fold `(State, Event) -> State`; `check`
/// (Rules.swift) the append-time rules against the state just before the
/// event. The store persists it one entity per row and remembers which
/// entities a fold touched (`dirty`), so an append writes only those.
public struct LedgerState: Sendable {
    public var policies: [PolicyVersion] = []
    public var units: [String: UnitState] = [:]
    public var managers: [String: ManagerState] = [:]
    public var windows: [WindowKey: WindowState] = [:]
    public var applications: [String: ApplicationState] = [:]
    public var grants: [String: Set<Grant>] = [:]
    /// Evidence event id → the manager it is about (for voids). Not persisted:
    /// rebuilt from the managers' evidence when the state is loaded. Read through
    /// `owner(ofEvidence:)`: the pieces filed since it was last brought up to date are in `filed`.
    public var evidence: [String: String] = [:]
    /// The pieces filed and not yet entered in `evidence`, in order: entered once applied voids have scanned as
    /// much of it as it holds (`ownerForVoid`), or before an eviction. Few pieces are ever voided, and a batch's
    /// ~100,000 inserts into the index, each a few cache misses, were a tenth of a large append's fold; a void's
    /// rules scan these instead. Not persisted.
    var filed: [(id: String, manager: String)] = []
    /// Entries of `filed` that applied voids have scanned since it was last indexed: once they are as many as it
    /// holds, it is indexed, so that many voids cost at most about one index of the list.
    var filedScanned = 0
    /// `instrument|cycle` → the standing scores on it: what percentiles read.
    public var cohorts: [String: Cohort] = [:]
    /// The entities changed since the last `clearDirty` (what an append writes).
    public internal(set) var dirty: Set<EntityRef> = []
    /// Counts the times `dirty` was emptied: a manager's noted records (`ManagerState.note`) stand for this round only.
    var dirtyRound = 0
    /// Whether folds note in `dirty` what they change. A rebuild turns it off: it writes
    /// every entity it holds (`allRefs`), so a key string and a set insert per event
    /// would be wasted. Not persisted.
    public var tracksChanges = true
    /// Evidence filed before this half-year (and cohorts of earlier cycles) was dropped
    /// from memory by a long replay (LedgerState+Eviction.swift). Not persisted.
    public var evictedBefore: String?
    /// Whether `evidence` indexes every recorded piece. A rebuild turns it off: it
    /// reads a void's owner from the log (`Event.subject`) instead. Not persisted.
    public var indexesEvidence = true
    /// Managers loaded with only some of their evidence: the half-year record rows
    /// loaded so far (none after `Need.managerRow`). Absent: all of it. Not persisted.
    public var partialManagers: [String: Set<String>] = [:]
    /// Evidence rows read before their manager's row (see `finishLoading`).
    var pendingRecords: [String: [EvidenceRecord]] = [:]
    /// Windows loaded without their application list (`Need.windowApplications`): every
    /// append reads every window's row, few read a window's applications. Not persisted.
    public var partialWindows: Set<WindowKey> = []
    /// Application lists read before their window's row.
    var pendingApplicationLists: [WindowKey: [String]] = [:]

    public init() {}

    /// The policy in force on a day: the latest adopted effective on or before it.
    public func policy(on day: Day) -> PolicyVersion? {
        policies.last { $0.effective <= day }
    }

    public mutating func apply(_ e: Event) {
        switch e.type {
        case .policyAdopted:
            guard case .object(let json) = e["policy"], let p = Policy.from(json).policy else { return }
            policies.append(PolicyVersion(seq: e.seq, event: e.id, effective: e.effective, policy: p))
            policies.sort { ($0.effective, $0.seq) < ($1.effective, $1.seq) }
            touch(.policy, String(e.seq))
        case .unitRegistered:
            let u = e.str("unit")
            units[u] = UnitState(unit: u, name: e.str("name"), kind: e.str("kind"))
            touch(.unit, u)
        case .roleGranted, .roleRevoked:
            guard let role = Role(rawValue: e.str("role")) else { return }
            let a = e.str("actor"), g = Grant(role: role, unit: e.text("unit"))
            if e.type == .roleGranted { grants[a, default: []].insert(g) } else { grants[a]?.remove(g) }
            touch(.actor, a)
        case .managerEnrolled:
            let m = e.str("manager"), u = e.str("unit")
            managers[m] = ManagerState(
                manager: m, name: e.str("name"), unit: u, grade: e.str("grade"), superior: e.str("superior"),
                skipSuperior: e.str("skipSuperior"), enrolled: e.effective,
                history: [GradeStep(grade: e.str("grade"), effective: e.effective, seq: e.seq, cause: e.type.rawValue)])
            touch(.manager, m)
        case .managerReassigned:
            let m = e.str("manager")
            guard var s = managers[m] else { return }
            if let u = e.text("unit") { s.unit = u }
            if let v = e.text("superior") { s.superior = v }
            if let v = e.text("skipSuperior") { s.skipSuperior = v }
            managers[m] = s
            touch(.manager, m)
        case .managerLeft:
            let m = e.str("manager")
            managers[m]?.status = "left"
            managers[m]?.left = e.effective
            managers[m]?.leftReason = e.text("reason")
            touch(.manager, m)
        case .customerClassAssigned, .assessmentRecorded, .reviewSubmitted, .performanceRated:
            recordEvidence(e)
        case .eventVoided:
            voidEvidence(e.str("event"), owner: e.subject)
        case .windowOpened:
            let key = WindowKey(unit: e.str("unit"), window: Period(e.str("window"))!)
            windows[key] = WindowState(unit: key.unit, window: key.window, closes: Day(e.str("closes"))!, opened: e.effective)
            partialWindows.remove(key)
            touch(.window, key.description); touch(.windowApplications, key.description)
        case .quotaSet:
            let key = WindowKey(unit: e.str("unit"), window: Period(e.str("window"))!)
            windows[key]?.seats[e.str("grade")] = Int(e.number("seats") ?? 0)
            touch(.window, key.description)
        case .windowClosed:
            let key = WindowKey(unit: e.str("unit"), window: Period(e.str("window"))!)
            windows[key]?.state = "closed"
            windows[key]?.closed = e.effective
            settle(key, on: e.effective)
            touch(.window, key.description)
        case .applicationSubmitted:
            let a = e.str("application"), m = e.str("manager")
            guard let s = managers[m], let w = Period(e.str("window")) else { return }
            var app = ApplicationState(application: a, manager: m, unit: s.unit, window: w, grade: e.str("grade"),
                                       from: s.grade, submittedSeq: e.seq, submitted: e.effective)
            app.steps.append(step(e))
            applications[a] = app
            windows[app.windowKey]?.applications.append(a)
            managers[m]?.applications.append(a)
            touch(.application, a); touch(.windowApplications, app.windowKey.description); touch(.manager, m)
        case .superiorEvaluated, .regionalDecision, .qualificationChecked, .examScored,
             .promotionGranted, .promotionDeclined, .promotionRevoked:
            applyToApplication(e)
        case .gradeAssigned:
            let m = e.str("manager")
            managers[m]?.grade = e.str("grade")
            managers[m]?.history.append(GradeStep(grade: e.str("grade"), effective: e.effective, seq: e.seq, cause: e.type.rawValue))
            touch(.manager, m)
        }
    }

    /// The key is built only when changes are tracked.
    @inline(__always)
    mutating func touch(_ kind: EntityRef.Kind, _ key: @autoclosure () -> String) {
        if tracksChanges { dirty.insert(EntityRef(kind: kind, key: key())) }
    }

    /// `touch` of the record of the manager at `i` for `bucket`, through the manager's own note of what this
    /// round has touched: every evidence event changes a record, few change one not changed yet, and the key
    /// built and hashed into `dirty` for each was a fifth of a large append's fold.
    @inline(__always)
    mutating func touchRecord(at i: Dictionary<String, ManagerState>.Index, _ m: String, _ bucket: String) {
        if tracksChanges && managers.values[i].note(bucket, round: dirtyRound) { dirty.insert(EntityRef(kind: .record, key: String.key(m, bucket))) }
    }

    /// Empties `dirty` (its entities are written), and starts a new round of notes.
    public mutating func clearDirty() {
        dirty.removeAll()
        dirtyRound += 1
    }

    /// Folds `events[start..<end]` in order, and stops before the first event that reaches
    /// evidence or a cohort a rebuild dropped (`reachesEvicted`): returns its index (the caller
    /// reads back what it needs, then applies it), or `end` when all were folded. The
    /// rebuild's hot loop, kept here so that the state is changed in place: a fold through a
    /// closure that captures the state copied all of it for each non-mutating call.
    public mutating func apply(_ events: inout [Event], from start: Int, to end: Int, latest: inout Day?) -> Int {
        events.withUnsafeMutableBufferPointer { buf in
            var i = start
            // A month's ratings come together (every manager's, one after another): its half-year is worked out once.
            var month = "", monthHalf = ""
            while i < end {
                // Moved out of the chunk and back in when folded: a copy read through the pointer (the
                // fold could, for all the compiler knows, write there) retained and released its every reference.
                let p = buf.baseAddress! + i
                let e = p.move()
                var bucket: String?
                if e.type == .performanceRated {
                    let m = e.text(at: 1)
                    if m != month { month = m; monthHalf = LedgerState.halfYear(ofMonth: m) }
                    bucket = monthHalf
                } else {
                    bucket = LedgerState.bucket(of: e)
                }
                // Evidence (nine events in ten): its half-year found once, for both questions.
                var reaches = false
                if let b = bucket {
                    if let before = evictedBefore, b < before { reaches = true } else { recordEvidence(e, bucket: b) }
                } else {
                    if evictedBefore != nil && reachesEvicted(e) { reaches = true } else { apply(e) }
                }
                let day = e.effective
                p.initialize(to: consume e)
                if reaches { return i }
                if latest.map({ day > $0 }) ?? true { latest = day }
                i += 1
            }
            return i
        }
    }

    func step(_ e: Event) -> Step {
        Step(seq: e.seq, event: e.id, type: e.type.rawValue, actor: e.actor.id, role: e.actor.role.rawValue, effective: e.effective)
    }

    mutating func recordEvidence(_ e: Event) {
        if let bucket = LedgerState.bucket(of: e) { recordEvidence(e, bucket: bucket) }
    }

    /// Files an evidence event under its manager and half-year (`bucket(of:)`).
    mutating func recordEvidence(_ e: Event, bucket: String) {
        // Positional reads: the manager is field 0 of every evidence type (Catalogue).
        let m = e.text(at: 0)
        // One lookup, then changed in place through `values`: the dictionary's optional
        // subscript would copy the whole manager back in (a retain per field, per event).
        guard let i = managers.index(forKey: m) else { return }
        if indexesEvidence { filed.append((e.id, m)) }
        touchRecord(at: i, m, bucket)
        // Each piece is made where it is appended (moved in, not copied and then released here).
        func piece(_ key: String, cycle: String = "", score: Double? = nil, value: String? = nil) -> Evidence {
            Evidence(event: e.id, seq: e.seq, effective: e.effective, key: key, cycle: cycle, score: score, value: value, bucket: bucket)
        }
        switch e.type {
        case .assessmentRecorded:  // manager, cycle, instrument, score
            let instrument = e.text(at: 2), score = e.number(at: 3)
            let standing = managers.values[i].file(assessment: piece(instrument, cycle: bucket, score: score))
            // The piece just filed is the standing result of its instrument and cycle now.
            moveInCohort(instrument: instrument, cycle: bucket, from: standing, to: score)
        case .reviewSubmitted:  // manager, period, relation, score
            managers.values[i].reviews.append(piece(String.key(bucket, e.text(at: 2)), score: e.number(at: 3), value: e.actor.id))
        case .performanceRated:  // manager, month, rating
            managers.values[i].ratings.append(piece(e.text(at: 1), value: e.text(at: 2)))
        default:  // manager, class
            managers.values[i].classes.append(piece("class", value: e.text(at: 1)))
        }
    }

    /// `YYYY-MM` → `YYYYH1` / `YYYYH2`, without parsing (the month is validated at append).
    static func halfYear(ofMonth m: String) -> String {
        let u = m.utf8
        guard u.count == 7 else { return "" }
        let secondHalf = u[u.index(u.startIndex, offsetBy: 5)] == UInt8(ascii: "1") || u[u.index(u.startIndex, offsetBy: 6)] >= UInt8(ascii: "7")
        return String(m.prefix(4)) + (secondHalf ? "H2" : "H1")
    }

    /// The manager the evidence event `id` is about, if it is indexed or filed since (`filed`, scanned: voids are few).
    public func owner(ofEvidence id: String) -> String? {
        evidence[id] ?? filed.last(where: { $0.id == id })?.manager
    }

    /// Enters the pieces filed since in `evidence`.
    mutating func indexFiled() {
        filedScanned = 0
        guard !filed.isEmpty else { return }
        evidence.reserveCapacity(evidence.count + filed.count)
        for (id, m) in filed { evidence[id] = m }
        filed = []
    }

    /// `owner(ofEvidence:)` for a void applied: counts what it scans of `filed`, and indexes the list once the
    /// scans have read as much as it holds. (The large bench batch's one void, 50,000 pieces after its target:
    /// ~8 perf samples for its scans, where indexing the 75,000 pieces filed by then took ~54.)
    mutating func ownerForVoid(_ id: String) -> String? {
        if let m = evidence[id] { return m }
        let k = filed.lastIndex { $0.id == id }
        filedScanned += filed.count - (k ?? 0)
        let m = k.map { filed[$0].manager }
        if filedScanned >= filed.count { indexFiled() }
        return m
    }

    mutating func voidEvidence(_ id: String, owner: String?) {
        guard let m = ownerForVoid(id) ?? owner, var s = managers[m] else { return }
        var touched: (String, String, Double?)?
        for list in [\ManagerState.assessments, \ManagerState.reviews, \ManagerState.ratings, \ManagerState.classes] {
            if let i = s[keyPath: list].firstIndex(where: { $0.event == id }) {
                if list == \ManagerState.assessments {
                    let a = s.assessments[i]
                    touched = (a.key, a.cycle, s.assessment(a.key, cycle: a.cycle)?.score)
                }
                s[keyPath: list][i].voided = true
                touch(.record, String.key(m, s[keyPath: list][i].bucket))
            }
        }
        managers[m] = s
        if let (inst, cycle, old) = touched { refreshCohort(m, instrument: inst, cycle: cycle, was: old) }
    }

    /// Keeps the cohort of one instrument and cycle in step with a manager's standing
    /// result, which was `old` before the event just folded.
    mutating func refreshCohort(_ m: String, instrument: String, cycle: String, was old: Double?) {
        moveInCohort(instrument: instrument, cycle: cycle, from: old, to: managers[m]?.assessment(instrument, cycle: cycle)?.score)
    }

    mutating func moveInCohort(instrument: String, cycle: String, from old: Double?, to new: Double?) {
        let key = String.key(instrument, cycle)
        cohorts[key, default: Cohort()].move(from: old, to: new)
        touch(.cohort, key)
    }

    mutating func applyToApplication(_ e: Event) {
        let a = e.str("application")
        guard var app = applications[a] else { return }
        let stage = app.stage
        app.steps.append(step(e))
        switch e.type {
        case .superiorEvaluated:
            if e.str("relation") == "direct" { app.direct = e.number("score") } else { app.skip = e.number("score") }
            if app.direct != nil && app.skip != nil { app.stage = "evaluated" }
        case .regionalDecision:
            app.approved = e.bool("approved")
            app.regionalReason = e.text("reason")
            app.stage = app.approved == true ? "endorsed" : "rejected"
        case .qualificationChecked:
            app.qualified = e.bool("passed")
            app.qualificationReason = e.text("reason")
            app.override = e.text("override")
            app.stage = app.qualified == true ? "qualified" : "returned"
        case .examScored:
            app.exam = e.number("score")
            app.stage = "examined"
        case .promotionGranted:
            app.stage = "granted"
            app.rank = e.number("rank").map { Int($0) }
            app.score = e.number("score")
            managers[app.manager]?.grade = e.str("to")
            managers[app.manager]?.history.append(GradeStep(grade: e.str("to"), effective: e.effective, seq: e.seq,
                                                            cause: e.type.rawValue, application: a))
            touch(.manager, app.manager)
        case .promotionDeclined:
            app.stage = "declined"
            app.rank = e.number("rank").map { Int($0) }
            app.score = e.number("score")
            app.decisionReason = e.text("reason")
        case .promotionRevoked:
            app.stage = "revoked"
            app.revokedReason = e.text("reason")
            managers[app.manager]?.grade = app.from
            managers[app.manager]?.history.append(GradeStep(grade: app.from, effective: e.effective, seq: e.seq,
                                                            cause: e.type.rawValue, application: a))
            touch(.manager, app.manager)
        default: break
        }
        applications[a] = app
        touch(.application, a)
        if app.stage != stage {
            windows[app.windowKey]?.count(grade: app.grade, from: stage, to: app.stage)
            touch(.window, app.windowKey.description)
        }
        if e.type == .promotionGranted || e.type == .promotionDeclined { settle(app.windowKey, on: e.effective) }
    }

    /// A closed window whose every application is decided (vacuously so when it has none) is
    /// allocated: nothing in it changes any more.
    mutating func settle(_ key: WindowKey, on day: Day) {
        guard let w = windows[key], w.state == "closed" else { return }
        let undecided = w.applications.contains { a in
            guard let s = applications[a]?.stage else { return false }
            return s != "granted" && s != "declined" && s != "revoked"
        }
        if !undecided {
            windows[key]?.state = "allocated"
            windows[key]?.decided = day
            touch(.window, key.description)
        }
    }

    /// The manager an event concerns, if any (for `log --manager`).
    public func manager(of e: Event) -> String? {
        if let m = e.text("manager") { return m }
        if let a = e.text("application") { return applications[a]?.manager }
        if e.type == .eventVoided { return owner(ofEvidence: e.str("event")) }
        return nil
    }

    /// The live (not yet allocated) window of a unit, if any.
    public func pendingWindow(of unit: String) -> WindowState? {
        windows.values.filter { $0.unit == unit && $0.state != "allocated" }.min { $0.window < $1.window }
    }
}

/// Names one persisted entity of the state.
public struct EntityRef: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case policy, unit, actor, manager, record, window, application, cohort
        /// A window's applications in submission order, apart from the window's own row.
        case windowApplications = "window-applications"
    }
    public let kind: Kind
    public let key: String
    public init(kind: Kind, key: String) { self.kind = kind; self.key = key }

    // By the kind's case, not its raw value: a `String`-backed enum hashes and compares its raw string
    // (the standard library's `RawRepresentable` defaults), and every fold's `touch` hashes one.
    public static func == (a: EntityRef, b: EntityRef) -> Bool { a.kind.tag == b.kind.tag && a.key == b.key }
    public func hash(into h: inout Hasher) { h.combine(kind.tag); h.combine(key) }
}

extension EntityRef.Kind {
    /// The case's position, which the kind's identity is.
    var tag: UInt8 {
        switch self {
        case .policy: 0
        case .unit: 1
        case .actor: 2
        case .manager: 3
        case .record: 4
        case .window: 5
        case .application: 6
        case .cohort: 7
        case .windowApplications: 8
        }
    }
}
