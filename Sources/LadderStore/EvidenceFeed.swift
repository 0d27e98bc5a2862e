import Foundation
import LadderDomain

/// What a run of a batch's events will ask the store for before the rules can check them: the
/// managers they name, with the half-years their evidence is filed in (`Need.evidence`), or whole
/// (`Need.manager`: an event that names a manager and no half-year: an application, a decision, a move).
/// Each want is listed once, in the run where it first comes, and not at all if the state held it.
struct EvidenceRun: Sendable {
    /// Managers whose rows are read: first named here, and not held.
    var rows: [String] = []
    var buckets: [String: Set<String>] = [:]
    var whole: [String] = []
    /// Every manager first named here.
    var named: [String] = []

    /// Reads the run's rows from `session` by key (`projections(kind:keys:)`), and a key range per manager read whole
    /// (not for one whose row the store lacks: a manager the batch enrols has no evidence there).
    func read(from session: any LedgerSession) throws -> ManagerRows {
        var rows = ManagerRows()
        try session.projections(kind: "manager", keys: self.rows) { try rows.add(kind: "manager", key: $0, body: $1) }
        let whole = Set(self.whole), sought = Set(self.rows), found = rows.keys
        var keys: [String] = []
        for (m, bs) in buckets where !whole.contains(m) { for b in bs { keys.append(String.key(m, b)) } }
        try session.projections(kind: "record", keys: keys) { try rows.add(kind: "record", key: $0, body: $1) }
        for m in self.whole where !sought.contains(m) || found.contains(m) {
            try session.projections(kind: "record", after: m + "|", before: m + "}") { try rows.add(kind: "record", key: $0, body: $1) }
        }
        return rows
    }

    /// Takes in the rows read for this run, and marks each manager it names that the store lacks as looked up:
    /// the rules of its first event need not ask again (a batch that enrols 9,090 managers would ask 9,090 times).
    func absorb(_ rows: ManagerRows, into loaded: inout LoadedState) {
        loaded.state.merge(rows, buckets: buckets, whole: whole)
        for m in named where !loaded.state.managers.keys.contains(m) {
            loaded.probed.insert(.manager(m))
            loaded.probed.insert(.managerRow(m))
        }
    }
}

/// Cuts a batch into `EvidenceRun`s, in order, remembering what earlier runs asked for.
struct EvidencePlanner: Sendable {
    /// What the state held when the batch began: managers' rows, and those held in part (absent: whole).
    private let heldRows: Set<String>, heldPartly: [String: Set<String>]
    /// What is planned for each manager named so far (`slot` is where), worked out from `heldRows` and
    /// `heldPartly` when the manager is first named: an event is then one look-up, where the sets it was
    /// checked against and entered in took six, the feed's thread's largest cost (and the rules wait for it).
    private var slot: [String: Int] = [:]
    private var plans: [Plan] = []
    /// The slot of the last event's manager: a month's evidence names the managers in the same order as the
    /// month before, so the next event's is most often the one after it.
    private var last = -1
    /// The events planned for, by index (nil: all).
    private let included: [Bool]?
    /// Every manager named so far, in order.
    private(set) var names: [String] = []

    private struct Plan {
        /// Held whole when the batch began, or planned whole since: no half-year is asked for.
        var whole: Bool
        /// The half-years held, or planned (a batch asks for a few at most).
        var buckets: [String]
    }

    init(_ state: LedgerState, events count: Int, only: [Int]?) {
        heldRows = Set(state.managers.keys)
        heldPartly = state.partialManagers
        included = only.map { only in
            var mask = [Bool](repeating: false, count: count)
            for i in only { mask[i] = true }
            return mask
        }
    }

    /// The slot of `m`, which is named here if it is new; it becomes `last`.
    private mutating func plan(of m: String, into run: inout EvidenceRun) -> Int {
        if last + 1 < plans.count, names[last + 1] == m { last += 1; return last }
        if last >= 0, names[last] == m { return last }
        if let i = slot[m] { last = i; return i }
        let i = plans.count
        slot[m] = i
        names.append(m)
        run.named.append(m)
        let held = heldRows.contains(m)
        if !held { run.rows.append(m) }
        let partly = heldPartly[m]
        plans.append(Plan(whole: held && partly == nil, buckets: partly.map(Array.init) ?? []))
        last = i
        return i
    }

    mutating func run(_ events: [Event], _ range: Range<Int>) -> EvidenceRun {
        var run = EvidenceRun()
        for i in range where included?[i] ?? true {
            let e = events[i]
            // Positional: the manager is field 0 of every evidence type (Catalogue).
            if let b = LedgerState.bucket(of: e), case let m = e.text(at: 0), !m.isEmpty {
                let p = plan(of: m, into: &run)
                guard !plans[p].whole, !plans[p].buckets.contains(b) else { continue }
                plans[p].buckets.append(b)
                run.buckets[m, default: []].insert(b)
            } else if let m = e.text("manager"), !m.isEmpty {
                let p = plan(of: m, into: &run)
                if !plans[p].whole {
                    plans[p].whole = true
                    run.whole.append(m)
                }
            }
        }
        return run
    }
}

/// Loads, before each event's rules, what it will ask for (`EvidenceRun`), so that a large batch into a
/// large store does not spend its time on small queries one event at a time. On a backend that can
/// (`LedgerSession.prefetchEvidence`), the rows are read and decoded on a second connection and thread,
/// a run of events ahead of the rules, and this thread only takes them in; else the whole batch's are
/// read up front, here. What is loaded is what `ensure` would read then: the store's rows do not change
/// until the batch's are written, after the rules.
struct EvidenceFeed {
    private let prefetch: EvidencePrefetch?
    private var next = 0
    /// Time spent waiting for the prefetch (`LADDER_TRACE`).
    private(set) var waited: TimeInterval = 0

    /// Starts the feed for the events at `only` (nil: all); `names` receives every manager they name (the
    /// lists `ReadAhead` reads).
    init(_ events: [Event], only: [Int]?, into loaded: inout LoadedState, session: any LedgerSession,
         names: @escaping @Sendable ([String]) -> Void) throws {
        guard !loaded.complete else { prefetch = nil; names([]); return }
        let planner = EvidencePlanner(loaded.state, events: events.count, only: only)
        prefetch = session.prefetchEvidence(events, planner: planner, names: names)
        guard prefetch == nil else { return }
        var here = planner
        let run = here.run(events, events.indices)
        run.absorb(try run.read(from: session), into: &loaded)
        names(here.names)
    }

    /// Takes in every run that starts at or before event `index`. A run the prefetch could not read is
    /// read here (`exclusive`: the session is shared with the row writer by then).
    mutating func take(upTo index: Int, into loaded: inout LoadedState, session: any LedgerSession,
                       exclusive: (() throws -> ManagerRows) throws -> ManagerRows) throws {
        guard let prefetch else { return }
        while next < prefetch.count, prefetch.start(of: next) <= index {
            let began = PhaseTrace.isOn ? Date() : nil
            let (run, rows) = prefetch.result(next)
            if let began { waited += Date().timeIntervalSince(began) }
            run.absorb(try rows ?? exclusive { try run.read(from: session) }, into: &loaded)
            next += 1
        }
    }

    /// Waits for the prefetch's connection to close (on every path: the commit is never held back by its read).
    func finish() { prefetch?.stop() }
}

/// The prefetch behind an `EvidenceFeed`: a thread that plans and reads the runs in order on a
/// connection of its own, each planned just before it is read; once the last is planned, `names` hears
/// every manager the batch names.
final class EvidencePrefetch: @unchecked Sendable {
    /// Events per run: small enough that the rules wait little for the first, large enough that a
    /// run's queries carry many keys each.
    static let runLength = 2_048
    let count: Int
    private let results: [Pending<(EvidenceRun, ManagerRows?)>]
    private let lock = NSLock()
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)
    private var joined = false  // the caller's thread only

    /// `withSession` runs its body on a read connection of its own, or throws if it cannot open one.
    init(_ events: [Event], planner: EvidencePlanner, names: @escaping @Sendable ([String]) -> Void,
         withSession: @escaping @Sendable (_ body: (any LedgerSession) throws -> Void) throws -> Void) {
        let n = events.count, length = Self.runLength
        count = (n + length - 1) / length
        results = (0..<count).map { _ in Pending() }
        let results = results
        Thread.detachNewThread { [self] in
            var planner = planner, runs: [EvidenceRun] = []
            func planned(_ i: Int) -> EvidenceRun {
                while runs.count <= i {
                    let j = runs.count
                    runs.append(planner.run(events, (j * length)..<min(n, (j + 1) * length)))
                }
                return runs[i]
            }
            func publish(_ i: Int, _ session: (any LedgerSession)?) {
                let run = planned(i)
                if i == count - 1 { names(planner.names) }
                results[i].fulfil((run, session.flatMap { try? run.read(from: $0) }))
            }
            var next = 0
            try? withSession { session in
                while next < count, !isStopped { publish(next, session); next += 1 }
            }
            // A connection that could not open, or closed: the caller reads what is left itself.
            while next < count, !isStopped { publish(next, nil); next += 1 }
            names(planner.names)  // stopped before the first run (a batch recorded already): the lists are still asked for
            finished.signal()
        }
    }

    func start(of run: Int) -> Int { run * Self.runLength }
    func result(_ run: Int) -> (EvidenceRun, ManagerRows?) { results[run].value() }

    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    /// Stops after the run being read, and waits for the thread to end (its connection closed).
    func stop() {
        lock.lock(); stopped = true; lock.unlock()
        guard !joined else { return }
        finished.wait()
        joined = true
    }
}
