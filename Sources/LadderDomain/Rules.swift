/// The append-time rules: each event against the state just before it.
/// Returns every refusal found (empty: the event may be appended).
extension LedgerState {
    /// `recorded` tells the type of an event already in the log by id (the
    /// store answers it; the state does not keep every id).
    public func check(_ e: Event, recorded: (String) -> EventType? = { _ in nil }) -> [Refusal] {
        var out: [Refusal] = []
        func refuse(_ rule: Rule, _ field: String?, _ message: String) { out.append(Refusal(rule, event: e.id, field: field, message)) }

        // The policy in force: every event but the first grant and policy needs one.
        let policy = policy(on: e.effective)?.policy
        if policy == nil && e.type != .policyAdopted && e.type != .roleGranted {
            refuse(.policyInvalid, "effective", "no policy is in force on \(e.effective); adopt one effective on or before that date")
            return out
        }
        // Grades and instruments are the policy's. (Unwrapped once: each binding of a `Policy` copies
        // its twenty-odd fields, a retain and a release each.)
        if let p = policy {
            for spec in e.type.fields where spec.kind == .grade || spec.kind == .instrument {
                guard let v = e.text(spec.name) else { continue }
                if spec.kind == .grade && p.rank(of: v) == nil {
                    refuse(.badField, "data.\(spec.name)", "\(v) is not a grade of the policy in force (\(p.ladder.joined(separator: " → ")))")
                }
                if spec.kind == .instrument && p.instruments[v] == nil {
                    refuse(.badField, "data.\(spec.name)", "\(v) is not an instrument of the policy in force")
                }
            }
        }
        if !out.isEmpty { return out }

        // What the event is about, resolved before the permission check.
        var manager: ManagerState?
        var unit: String?
        var application: ApplicationState?
        if let a = e.text("application"), e.type != .applicationSubmitted {
            guard let app = applications[a] else {
                refuse(.unknownApplication, "data.application", "no application \(a) is recorded")
                return out
            }
            application = app
            manager = managers[app.manager]
            unit = app.unit
        }
        if let m = e.text("manager"), e.type != .managerEnrolled {
            guard let s = managers[m] else {
                refuse(.unknownManager, "data.manager", "no manager \(m) is enrolled")
                return out
            }
            if let application, application.manager != m {
                refuse(.badField, "data.manager", "application \(application.application) is \(application.manager)'s, not \(m)'s")
            }
            manager = s
            unit = s.unit
        }
        if e.type == .eventVoided, let m = owner(ofEvidence: e.str("event")) { manager = managers[m]; unit = manager?.unit }
        if let u = e.text("unit"), e.type != .managerReassigned, e.type != .roleGranted, e.type != .roleRevoked {
            if units[u] == nil && e.type != .unitRegistered {
                refuse(.unknownUnit, "data.unit", "no unit \(u) is registered")
                return out
            }
            unit = u
        }
        if let p = permission(e, manager: manager, unit: unit) { out.append(p); return out }
        guard let policy else { return checkBootstrap(e) }

        switch e.type {
        case .policyAdopted: out += checkPolicy(e)
        case .unitRegistered:
            if let u = units[e.str("unit")] { refuse(.badField, "data.unit", "unit \(u.unit) is already registered (\(u.name))") }
        case .roleGranted, .roleRevoked: out += checkGrant(e)
        case .managerEnrolled, .managerReassigned, .managerLeft, .gradeAssigned:
            out += checkManager(e, manager, policy: policy)
        case .customerClassAssigned, .assessmentRecorded, .reviewSubmitted, .performanceRated:
            out += checkEvidence(e, manager!, policy: policy)
        case .eventVoided: out += checkVoid(e, recorded: recorded)
        case .windowOpened, .quotaSet, .windowClosed: out += checkWindow(e, policy: policy)
        case .applicationSubmitted: out += checkApplication(e, policy: policy)
        case .superiorEvaluated, .regionalDecision, .qualificationChecked, .examScored, .promotionRevoked:
            out += checkStep(e, application!, manager!, policy: policy)
        case .promotionGranted, .promotionDeclined:
            out += checkDecision(e, application!, policy: policy)
        }
        return out
    }

    /// Before any policy: only the first administrator's grant and a policy.
    func checkBootstrap(_ e: Event) -> [Refusal] {
        e.type == .roleGranted ? checkGrant(e) : checkPolicy(e)
    }

    func checkPolicy(_ e: Event) -> [Refusal] {
        guard case .object(let json) = e["policy"] else { return [] }
        var out = Policy.from(json).problems.map { Refusal(.policyInvalid, event: e.id, field: "data.policy", $0) }
        if let same = policies.first(where: { $0.effective.year == e.effective.year }) {
            out.append(Refusal(.policyInvalid, event: e.id, field: "effective",
                               "policy \(same.event) is already effective in \(e.effective.year) (from \(same.effective)); standards change at most once a year"))
        }
        return out
    }

    func checkGrant(_ e: Event) -> [Refusal] {
        var out: [Refusal] = []
        let role = Role(rawValue: e.str("role"))!
        if role == .examinee || role == .superior {
            out.append(Refusal(.badField, event: e.id, field: "data.role",
                               "\(role.rawValue) is not granted: it follows from the manager's own record"))
        }
        if role == .cityAdmin {
            if let u = e.text("unit") {
                if units[u] == nil { out.append(Refusal(.unknownUnit, event: e.id, field: "data.unit", "no unit \(u) is registered")) }
            } else {
                out.append(Refusal(.badField, event: e.id, field: "data.unit", "is required for a city-admin grant"))
            }
        } else if e.text("unit") != nil {
            out.append(Refusal(.badField, event: e.id, field: "data.unit", "only a city-admin grant names a unit"))
        }
        let g = Grant(role: role, unit: role == .cityAdmin ? e.text("unit") : nil)
        if e.type == .roleRevoked && grants[e.str("actor")]?.contains(g) != true {
            out.append(Refusal(.badField, event: e.id, field: "data.role", "\(e.str("actor")) does not hold this grant"))
        }
        return out
    }

    func checkManager(_ e: Event, _ m: ManagerState?, policy: Policy) -> [Refusal] {
        var out: [Refusal] = []
        func refuse(_ rule: Rule, _ field: String?, _ message: String) { out.append(Refusal(rule, event: e.id, field: field, message)) }
        func ceiling(_ grade: String, _ unit: String, _ field: String) {
            guard let u = units[unit], let top = policy.ceilings[u.kind], let gr = policy.rank(of: grade),
                  let tr = policy.rank(of: top), gr > tr else { return }
            refuse(.aboveCeiling, field, "\(grade) is above the ceiling of \(u.kind) unit \(unit) (\(top))")
        }
        switch e.type {
        case .managerEnrolled:
            if let old = managers[e.str("manager")] { refuse(.badField, "data.manager", "\(old.manager) is already enrolled (\(old.name), \(old.unit))") }
            ceiling(e.str("grade"), e.str("unit"), "data.grade")
        case .managerReassigned:
            guard let m else { break }
            if !m.isActive { refuse(.notPermitted, "data.manager", "\(m.manager) left on \(m.left!); a manager who left cannot be reassigned") }
            if e.text("unit") == nil && e.text("superior") == nil && e.text("skipSuperior") == nil {
                refuse(.badField, "data", "names no change: give unit, superior or skipSuperior")
            }
            if let u = e.text("unit") {
                if units[u] == nil { refuse(.unknownUnit, "data.unit", "no unit \(u) is registered") } else { ceiling(m.grade, u, "data.unit") }
            }
        case .managerLeft:
            if let m, !m.isActive { refuse(.badField, "data.manager", "\(m.manager) already left on \(m.left!)") }
        default:  // gradeAssigned
            guard let m else { break }
            ceiling(e.str("grade"), m.unit, "data.grade")
        }
        return out
    }

    func checkEvidence(_ e: Event, _ m: ManagerState, policy: Policy) -> [Refusal] {
        switch e.type {
        case .assessmentRecorded:
            let inst = e.str("instrument"), score = e.number("score") ?? 0, max = policy.instruments[inst]!.max
            if score < 0 || score > max {
                return [Refusal(.scoreRange, event: e.id, field: "data.score",
                                "\(JSONValue.canonicalNumber(score)) is outside 0–\(JSONValue.canonicalNumber(max)) for \(inst)")]
            }
        case .performanceRated:
            // The month as written (validated at parse) is the rating's key: no parsing on this hot path.
            let month = e.text(at: 1)
            if let prior = m.ratings.last(where: { !$0.voided && $0.key == month }) {
                return [Refusal(.duplicateRating, event: e.id, field: "data.month",
                                "\(m.manager) already has rating \(prior.value ?? "?") for \(month) (event \(prior.event)); void it first to replace it")]
            }
        default: break
        }
        return []
    }

    func checkVoid(_ e: Event, recorded: (String) -> EventType?) -> [Refusal] {
        let target = e.str("event")
        guard let m = owner(ofEvidence: target) else {
            if let t = recorded(target) {
                return [Refusal(.notVoidable, event: e.id, field: "data.event",
                                "\(target) is a \(t.rawValue); only evidence (assessments, reviews, ratings, customer classes) can be voided\(t == .promotionGranted ? " — revoke a promotion with PromotionRevoked" : "")")]
            }
            return [Refusal(.unknownEvent, event: e.id, field: "data.event",
                            "no evidence event \(target) is recorded (only assessments, reviews, ratings and customer classes can be voided)")]
        }
        let s = managers[m]!
        let all = s.assessments + s.reviews + s.ratings + s.classes
        if all.contains(where: { $0.event == target && $0.voided }) {
            return [Refusal(.notVoidable, event: e.id, field: "data.event", "\(target) is already voided")]
        }
        return []
    }
}
