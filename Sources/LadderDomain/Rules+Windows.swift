/// Rules of the half-yearly window and of each application step (RULES.md §3, §4).
extension LedgerState {
    func checkWindow(_ e: Event, policy: Policy) -> [Refusal] {
        var out: [Refusal] = []
        func refuse(_ rule: Rule, _ field: String?, _ message: String) { out.append(Refusal(rule, event: e.id, field: field, message)) }
        let key = WindowKey(unit: e.str("unit"), window: Period(e.str("window"))!)
        if e.type == .windowOpened {
            if windows[key] != nil { refuse(.windowExists, "data.window", "window \(key.window) of \(key.unit) was already opened") }
            else if let pending = pendingWindow(of: key.unit) {
                refuse(.windowExists, "data.window", "\(key.unit) still has window \(pending.window) \(pending.state); allocate it before opening another")
            }
            if let closes = Day(e.str("closes")), closes < e.effective {
                refuse(.badDate, "data.closes", "closes \(closes) before the window opens (\(e.effective))")
            }
            return out
        }
        guard let w = windows[key] else {
            refuse(.unknownWindow, "data.window", "\(key.unit) has no window \(key.window)")
            return out
        }
        if w.state == "allocated" { refuse(.windowAllocated, "data.window", "window \(key) is allocated; nothing in it changes any more") }
        else if e.type == .windowClosed && w.state == "closed" { refuse(.windowNotOpen, "data.window", "window \(key) is already closed") }
        if e.type == .quotaSet, let u = units[key.unit], let top = policy.ceilings[u.kind],
           let gr = policy.rank(of: e.str("grade")), let tr = policy.rank(of: top), gr > tr {
            refuse(.aboveCeiling, "data.grade", "\(e.str("grade")) is above the ceiling of \(u.kind) unit \(u.unit) (\(top)); it can have no seats")
        }
        return out
    }

    func checkApplication(_ e: Event, policy: Policy) -> [Refusal] {
        var out: [Refusal] = []
        func refuse(_ rule: Rule, _ field: String?, _ message: String) { out.append(Refusal(rule, event: e.id, field: field, message)) }
        let a = e.str("application"), target = e.str("grade")
        if let old = applications[a] {
            refuse(.duplicateApplication, "data.application", "application id \(a) is already used (\(old.manager), \(old.window))")
            return out
        }
        let m = managers[e.str("manager")]!
        if !m.isActive { refuse(.notPermitted, "data.manager", "\(m.manager) left on \(m.left!); a manager who left cannot apply") }
        let key = WindowKey(unit: m.unit, window: Period(e.str("window"))!)
        guard let w = windows[key] else {
            refuse(.unknownWindow, "data.window", "\(m.unit), \(m.manager)'s unit, has no window \(key.window)")
            return out
        }
        switch w.state {
        case "allocated": refuse(.windowAllocated, "data.window", "window \(key) is allocated")
        case "closed": refuse(.windowNotOpen, "data.window", "window \(key) closed on \(w.closed!); no new applications")
        default:
            if e.effective > w.closes { refuse(.windowNotOpen, "effective", "window \(key) closes on \(w.closes); \(e.effective) is too late") }
        }
        if let next = policy.next(after: m.grade) {
            if next != target { refuse(.noSkip, "data.grade", "\(m.manager) is \(m.grade); the only grade to apply for is \(next), one step up, not \(target)") }
        } else {
            refuse(.noSkip, "data.grade", "\(m.manager) is already at the top grade \(m.grade)")
        }
        if let u = units[m.unit], let top = policy.ceilings[u.kind], let gr = policy.rank(of: target),
           let tr = policy.rank(of: top), gr > tr {
            refuse(.aboveCeiling, "data.grade", "\(target) is above the ceiling of \(u.kind) unit \(u.unit) (\(top))")
        }
        if let live = w.applications.compactMap({ applications[$0] }).first(where: { $0.manager == m.manager && $0.isLive }) {
            refuse(.duplicateApplication, "data.application", "\(m.manager) already has application \(live.application) in \(key) (stage \(live.stage))")
        }
        return out
    }

    /// The stage each step needs the application to be in.
    static let requiredStage: [EventType: [String]] = [
        .regionalDecision: ["evaluated"],
        .qualificationChecked: ["endorsed"],
        .examScored: ["qualified"],
        .promotionRevoked: ["granted"],
    ]

    func checkStep(_ e: Event, _ a: ApplicationState, _ m: ManagerState, policy: Policy) -> [Refusal] {
        var out: [Refusal] = []
        func refuse(_ rule: Rule, _ field: String?, _ message: String) { out.append(Refusal(rule, event: e.id, field: field, message)) }
        if e.type != .promotionRevoked, windows[a.windowKey]?.state == "allocated" {
            refuse(.windowAllocated, "data.application", "window \(a.windowKey) is allocated; \(a.application) is decided")
            return out
        }
        switch e.type {
        case .superiorEvaluated:
            let relation = e.str("relation")
            if a.stage != "submitted" {
                refuse(.outOfOrder, "data.application", "\(a.application) is \(a.stage); superior evaluations come right after submission")
            } else if (relation == "direct" ? a.direct : a.skip) != nil {
                refuse(.outOfOrder, "data.relation", "the \(relation) superior has already evaluated \(a.application)")
            }
        default:
            let need = LedgerState.requiredStage[e.type]!
            if !need.contains(a.stage) {
                refuse(.outOfOrder, "data.application", "\(e.type.rawValue) needs \(a.application) to be \(need.joined(separator: " or ")); it is \(a.stage)")
            }
        }
        if !out.isEmpty { return out }
        switch e.type {
        case .regionalDecision where e.bool("approved") == false && e.text("reason") == nil:
            refuse(.badField, "data.reason", "is required when the regional admin does not approve")
        case .qualificationChecked:
            if e.bool("passed") == false {
                if e.text("reason") == nil { refuse(.badField, "data.reason", "is required when an application is returned: say why") }
                if e.text("override") != nil { refuse(.badField, "data.override", "an override only passes an application") }
            } else {
                let unmet = criteria(m, target: a.grade, window: a.window, policy: policy).filter { !$0.met }
                if !unmet.isEmpty && e.text("override") == nil {
                    refuse(.ineligible, "data.passed",
                           "\(m.manager) is not eligible for \(a.grade): " + unmet.map { "\($0.required) — has \($0.actual)" }.joined(separator: "; ")
                           + ". Return the application, or pass it with an override reason")
                }
            }
        default: break
        }
        return out
    }

    /// A decision appended by hand must be what allocation would decide.
    func checkDecision(_ e: Event, _ a: ApplicationState, policy: Policy) -> [Refusal] {
        var out: [Refusal] = []
        func refuse(_ rule: Rule, _ field: String?, _ message: String) { out.append(Refusal(rule, event: e.id, field: field, message)) }
        guard let w = windows[a.windowKey] else { return out }
        switch w.state {
        case "open": refuse(.windowNotOpen, "data.application", "window \(a.windowKey) is still open; close it before deciding")
        case "allocated": refuse(.windowAllocated, "data.application", "window \(a.windowKey) is already allocated")
        default:
            if a.stage == "granted" || a.stage == "declined" { refuse(.outOfOrder, "data.application", "\(a.application) is already \(a.stage)") }
        }
        if !out.isEmpty { return out }
        guard let d = allocation(a.windowKey, policy: policy, only: a.application).first else { return out }
        if e.type == .promotionDeclined {
            if d.granted { refuse(.badField, "data.application", "allocation grants \(a.application) (rank \(d.rank!)); it cannot be declined") }
            return out
        }
        if !d.granted {
            if d.rank != nil {
                let seats = w.seats[a.grade] ?? 0
                refuse(.overQuota, "data.application", "granting \(a.application) would exceed the \(seats) seat\(seats == 1 ? "" : "s") for \(a.grade) in \(a.windowKey): \(d.reason)")
            } else {
                refuse(.outOfOrder, "data.application", "\(a.application) is not a candidate: \(d.reason)")
            }
            return out
        }
        if e.str("from") != a.from { refuse(.badField, "data.from", "\(a.manager) was \(a.from) when applying, not \(e.str("from"))") }
        if e.str("to") != a.grade { refuse(.badField, "data.to", "\(a.application) applies for \(a.grade), not \(e.str("to"))") }
        if Int(e.number("rank") ?? -1) != d.rank { refuse(.badField, "data.rank", "allocation ranks \(a.application) \(d.rank!), not \(JSONValue.canonicalNumber(e.number("rank") ?? 0))") }
        if let s = e.number("score"), abs(s - (d.score ?? 0)) > 1e-6 {
            refuse(.badField, "data.score", "the final score of \(a.application) is \(JSONValue.canonicalNumber(d.score ?? 0)), not \(JSONValue.canonicalNumber(s))")
        }
        return out
    }
}
