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
        forEachNeed(of: e) { out.insert($0); return true }
        return out
    }

    /// Whether every need of `e` is met: the append's check before each event, which in the common
    /// case (a batch's evidence preloaded) finds everything here without building a set.
    public func meetsNeeds(of e: Event) -> Bool {
        forEachNeed(of: e) { has($0) }
    }

    /// Calls `visit` with each need of `e` (some more than once) until it returns false; returns
    /// whether all were visited. The one list of what an event reads, for both of the above.
    @discardableResult
    func forEachNeed(of e: Event, _ visit: (Need) -> Bool) -> Bool {
        if let m = e.text("manager") {
            // Evidence is checked and filed within its own half-year; every other event may read all of it.
            if let b = LedgerState.bucket(of: e) {
                guard visit(.evidence(manager: m, bucket: b)) else { return false }
            } else {
                guard visit(.manager(m)) else { return false }
            }
        }
        if e.type == .assessmentRecorded, !visit(.cohort(String.key(e.str("instrument"), e.str("cycle")))) { return false }
        if e.type == .eventVoided {
            let target = e.str("event")
            guard visit(.owner(target)) else { return false }
            if let m = evidence[target], let a = managers[m]?.assessments.first(where: { $0.event == target }) {
                guard visit(.cohort(String.key(a.key, a.cycle))) else { return false }
            }
        }
        var window: WindowKey?
        if let a = e.text("application") {
            guard visit(.application(a)) else { return false }
            if let app = applications[a] {
                guard visit(.manager(app.manager)) else { return false }
                window = app.windowKey
            }
        }
        if e.type == .applicationSubmitted, let m = managers[e.str("manager")], let p = Period(e.str("window")) {
            window = WindowKey(unit: m.unit, window: p)
        }
        if e.type == .windowClosed, let p = Period(e.str("window")) { window = WindowKey(unit: e.str("unit"), window: p) }
        // Allocation, settling and duplicate checks read every application of the window and its manager.
        if let window, let w = windows[window] {
            guard visit(.windowApplications(window)) else { return false }
            for a in w.applications {
                guard visit(.application(a)) else { return false }
                if let app = applications[a], !visit(.manager(app.manager)) { return false }
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

    /// Whether a need is already met.
    public func has(_ n: Need) -> Bool {
        switch n {
        case .manager(let m): return managers[m] != nil && partialManagers[m] == nil
        case .managerRow(let m): return managers[m] != nil
        case .evidence(let m, let b): return managers[m] != nil && partialManagers[m].map { $0.contains(b) } ?? true
        case .application(let a): return applications[a] != nil
        case .cohort(let c): return cohorts[c] != nil
        case .owner(let id): return evidence[id] != nil
        case .windowApplications(let k): return !partialWindows.contains(k)
        }
    }
}
