/// What part of the state an event or a report reads, so that the store can
/// load just that instead of every projection row. Policies, units, role
/// grants and windows' own rows are small and always loaded; managers (with
/// their evidence), windows' application lists, applications and cohorts are
/// loaded by key.
public enum Need: Hashable, Sendable {
    case manager(String)
    /// Only the manager's own row (name, unit, grade), not its evidence: what a window's list shows.
    case managerRow(String)
    /// The manager's row and one half-year of its evidence: what an evidence event's rules and fold read.
    case evidence(manager: String, bucket: String)
    case application(String)
    case cohort(String)
    /// A window's application list (its own row holds seats, stage counts and dates).
    case windowApplications(WindowKey)
    /// The manager an evidence event (by id) is about: for voids.
    case owner(String)
}

extension LedgerState {
    /// The keyed entities `check` and `apply` read for `e`. Call again after
    /// loading: what was loaded may name more (an application names its manager).
    public func needs(for e: Event) -> Set<Need> {
        var out = Set<Need>()
        forEachNeed(of: e) { _, need in out.insert(need); return true }
        return out
    }

    /// Whether every need of `e` is met or was looked up already (and found absent): whether loading
    /// what `e` needs would read nothing. The append's check before each event, which in the common
    /// case (a batch's evidence loaded ahead by its feed) finds everything here without building a set.
    public func meetsNeeds(of e: Event, lookedUp: Set<Need>) -> Bool {
        forEachNeed(of: e) { state, need in state.has(need) || lookedUp.contains(need) }
    }

    /// Whether `e`'s one need is its own half-year of evidence (`Need.evidence`, in `forEachNeed`): a rating,
    /// a review, a customer class (an assessment reads its cohort too). An append that has loaded that
    /// half-year ahead of every such event (its evidence's feed) skips `meetsNeeds` for them.
    public static func needsOnlyItsEvidence(_ e: Event) -> Bool {
        switch e.type {
        case .performanceRated, .reviewSubmitted, .customerClassAssigned: return true
        default: return false
        }
    }

    /// Calls `visit` with each need of `e` (some more than once) until it returns false; returns
    /// whether all were visited. The one list of what an event reads, for both of the above.
    /// (The state is handed to `visit` rather than captured by it: a closure that calls a method
    /// of `self` copied the whole state, a retain and a release per field, on every event.)
    @discardableResult
    func forEachNeed(of e: Event, _ visit: (LedgerState, Need) -> Bool) -> Bool {
        if let m = e.text("manager") {
            // Evidence is checked and filed within its own half-year; every other event may read all of it.
            if let b = LedgerState.bucket(of: e) {
                guard visit(self, .evidence(manager: m, bucket: b)) else { return false }
            } else {
                guard visit(self, .manager(m)) else { return false }
            }
        }
        if e.type == .assessmentRecorded, !visit(self, .cohort(String.key(e.str("instrument"), e.str("cycle")))) { return false }
        if e.type == .eventVoided {
            let target = e.str("event")
            guard visit(self, .owner(target)) else { return false }
            if let m = owner(ofEvidence: target), let a = managers[m]?.assessments.first(where: { $0.event == target }) {
                guard visit(self, .cohort(String.key(a.key, a.cycle))) else { return false }
            }
        }
        var window: WindowKey?
        if let a = e.text("application") {
            guard visit(self, .application(a)) else { return false }
            if let app = applications[a] {
                guard visit(self, .manager(app.manager)) else { return false }
                window = app.windowKey
            }
        }
        if e.type == .applicationSubmitted, let m = managers[e.str("manager")], let p = Period(e.str("window")) {
            window = WindowKey(unit: m.unit, window: p)
        }
        if e.type == .windowClosed, let p = Period(e.str("window")) { window = WindowKey(unit: e.str("unit"), window: p) }
        // Allocation, settling and duplicate checks read every application of the window and its manager.
        if let window, let w = windows[window] {
            guard visit(self, .windowApplications(window)) else { return false }
            for a in w.applications {
                guard visit(self, .application(a)) else { return false }
                if let app = applications[a], !visit(self, .manager(app.manager)) { return false }
            }
        }
        return true
    }

    /// What `managerReport` reads.
    public func needs(forManager id: String) -> Set<Need> {
        var out: Set<Need> = [.manager(id)]
        if let m = managers[id] {
            for a in m.applications { out.insert(.application(a)) }
            for a in m.latestAssessments().values { out.insert(.cohort("\(a.key)|\(a.cycle)")) }
        }
        return out
    }

    /// What `windowReport` reads for these windows.
    public func needs(forWindows keys: [WindowKey]) -> Set<Need> {
        var out = Set<Need>()
        for k in keys {
            out.insert(.windowApplications(k))
            for a in windows[k]?.applications ?? [] {
                out.insert(.application(a))
                if let app = applications[a] { out.insert(.managerRow(app.manager)) }
            }
        }
        return out
    }

    /// Whether a need is already met. (Through `keys`: `managers[m] != nil` copies the manager out
    /// of the dictionary to compare it with nil, a retain and a release per field.)
    public func has(_ n: Need) -> Bool {
        switch n {
        case .manager(let m): return managers.keys.contains(m) && !partialManagers.keys.contains(m)
        case .managerRow(let m): return managers.keys.contains(m)
        case .evidence(let m, let b): return managers.keys.contains(m) && partialManagers[m].map { $0.contains(b) } ?? true
        case .application(let a): return applications.keys.contains(a)
        case .cohort(let c): return cohorts.keys.contains(c)
        case .owner(let id): return owner(ofEvidence: id) != nil
        case .windowApplications(let k): return !partialWindows.contains(k)
        }
    }
}
