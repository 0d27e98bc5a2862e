/// RULES.md §7: who may record what, and whether an actor's claim holds at
/// this point of the log.
extension LedgerState {
    /// The roles that may record an event of this type.
    static func roles(for type: EventType, relation: String?) -> [Role] {
        switch type {
        case .policyAdopted, .unitRegistered, .roleGranted, .roleRevoked: return [.systemAdmin]
        case .managerEnrolled, .managerReassigned, .managerLeft, .customerClassAssigned: return [.hr, .cityAdmin]
        case .assessmentRecorded: return [.performanceAdmin, .hr]
        case .performanceRated: return [.performanceAdmin, .superior]
        case .reviewSubmitted: return relation == "self" ? [.examinee] : [.superior]
        case .windowOpened, .quotaSet, .windowClosed: return [.hr, .cityAdmin]
        case .applicationSubmitted: return [.examinee, .hr]
        case .superiorEvaluated: return [.superior]
        case .regionalDecision: return [.cityAdmin]
        case .qualificationChecked, .examScored, .promotionGranted, .promotionDeclined, .promotionRevoked, .gradeAssigned:
            return [.hr]
        case .eventVoided: return [.hr, .performanceAdmin]
        }
    }

    public func holds(_ actor: String, _ role: Role, unit: String? = nil) -> Bool {
        guard let g = grants[actor] else { return false }
        if role == .cityAdmin { return g.contains(Grant(role: .cityAdmin, unit: unit)) }
        return g.contains { $0.role == role }
    }

    /// Why the event's actor may not record it, or nil when they may.
    /// `manager` and `unit` are what the event is about, as the rules resolved them.
    func permission(_ e: Event, manager: ManagerState?, unit: String?) -> Refusal? {
        let a = e.actor
        func no(_ why: String) -> Refusal { Refusal(.notPermitted, event: e.id, field: "actor", why) }
        if a.role == .auditor { return no("an auditor only reads the ledger and may record nothing") }
        let relation = e.type == .reviewSubmitted ? e.text("relation") : e.text("relation")
        let allowed = LedgerState.roles(for: e.type, relation: relation)
        guard allowed.contains(a.role) else {
            return no("\(e.type.rawValue) may be recorded by \(allowed.map(\.rawValue).joined(separator: " or ")), not by \(a.role.rawValue)")
        }
        switch a.role {
        case .examinee:
            guard let m = manager, m.manager == a.id else {
                return no("as examinee, \(a.id) may act only for themself, not for \(manager?.manager ?? "another manager")")
            }
        case .superior:
            guard let m = manager else { return no("no manager to be a superior of") }
            if e.type == .superiorEvaluated && e.text("relation") == "skip" {
                if m.skipSuperior != a.id { return no("\(a.id) is not the skip-level superior of \(m.manager) (that is \(m.skipSuperior))") }
            } else if m.superior != a.id {
                return no("\(a.id) is not the direct superior of \(m.manager) (that is \(m.superior))")
            }
        case .cityAdmin:
            guard let unit, holds(a.id, .cityAdmin, unit: unit) else {
                return no("\(a.id) holds no city-admin grant for unit \(unit ?? "?")")
            }
        case .systemAdmin:
            // The very first grant of a new ledger bootstraps the first administrator.
            let bootstrap = grants.values.allSatisfy(\.isEmpty) && e.type == .roleGranted
                && e.text("role") == Role.systemAdmin.rawValue && e.text("actor") == a.id
            if !bootstrap && !holds(a.id, .systemAdmin) { return no("\(a.id) holds no system-admin grant") }
        case .hr, .performanceAdmin:
            if !holds(a.id, a.role) { return no("\(a.id) holds no \(a.role.rawValue) grant") }
        case .auditor: break
        }
        return nil
    }
}
