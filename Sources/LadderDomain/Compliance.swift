/// RULES.md §5: what a regional admin checks, from the projected state alone.
extension LedgerState {
    /// The stages a grant must have passed, as the events that record them.
    static let requiredSteps: [(type: EventType, what: String)] = [
        (.applicationSubmitted, "application"), (.superiorEvaluated, "superior evaluations"),
        (.regionalDecision, "regional endorsement"), (.qualificationChecked, "qualification check"),
        (.examScored, "exam"),
    ]

    public func compliance(window: Period?, unit: String?) -> JSONValue {
        var violations: [JSONValue] = []
        var overrides: [JSONValue] = []
        let keys = windows.keys.filter { (window == nil || $0.window == window) && (unit == nil || $0.unit == unit) }
            .sorted { ($0.unit, $0.window) < ($1.unit, $1.window) }
        for key in keys {
            let w = windows[key]!
            guard let policy = policy(on: w.decided ?? w.closed ?? w.opened)?.policy else { continue }
            let apps = w.applications.compactMap { applications[$0] }
            for grade in Set(apps.filter { $0.stage == "granted" }.map(\.grade)).sorted() {
                let granted = apps.filter { $0.stage == "granted" && $0.grade == grade }.count, seats = w.seats[grade] ?? 0
                if granted > seats {
                    violations.append(["rule": "over-quota", "unit": .string(key.unit), "window": .string(key.window.description),
                                       "grade": .string(grade), "seats": .int(Int64(seats)), "granted": .int(Int64(granted))])
                }
            }
            for a in apps {
                if let ov = a.override {
                    overrides.append(["application": .string(a.application), "manager": .string(a.manager), "unit": .string(a.unit),
                                      "window": .string(a.window.description), "grade": .string(a.grade), "stage": .string(a.stage),
                                      "reason": .string(ov), "event": .string(a.steps.first { $0.type == EventType.qualificationChecked.rawValue }?.event ?? "")])
                }
                guard a.stage == "granted" || a.stage == "revoked" else { continue }
                let base: [String: JSONValue] = ["application": .string(a.application), "manager": .string(a.manager),
                                                 "unit": .string(a.unit), "window": .string(a.window.description)]
                if policy.next(after: a.from) != a.grade {
                    violations.append(.object(base.merging(["rule": "no-skip", "from": .string(a.from), "to": .string(a.grade)]) { $1 }))
                }
                if let u = units[a.unit], let top = policy.ceilings[u.kind], let tr = policy.rank(of: top),
                   let gr = policy.rank(of: a.grade), gr > tr {
                    violations.append(.object(base.merging(["rule": "above-ceiling", "grade": .string(a.grade), "ceiling": .string(top)]) { $1 }))
                }
                let seen = Set(a.steps.map(\.type))
                let missing = LedgerState.requiredSteps.filter { !seen.contains($0.type.rawValue) }.map(\.what)
                let passed = a.direct != nil && a.skip != nil && a.approved == true && a.qualified == true && (a.exam ?? -1) >= policy.passMark
                if !missing.isEmpty || !passed {
                    violations.append(.object(base.merging(["rule": "out-of-order", "missing": .array(missing.map(JSONValue.string)),
                                                            "note": "granted without passing every stage"]) { $1 }))
                }
            }
        }
        return ["violations": .array(violations), "overrides": .array(overrides), "mix": .array(gradeMix(unit: unit))]
    }

    /// Active managers per grade against the policy's target mix, per unit and for the whole province (`*`).
    public func gradeMix(unit: String?) -> [JSONValue] {
        guard let policy = policies.last?.policy else { return [] }
        var rows: [JSONValue] = []
        let active = managers.values.filter(\.isActive)
        let groups: [(String, [ManagerState])] = units.keys.sorted().filter { unit == nil || $0 == unit }
            .map { u in (u, active.filter { $0.unit == u }) } + (unit == nil ? [("*", Array(active))] : [])
        for (u, ms) in groups where !ms.isEmpty {
            for g in policy.ladder {
                let n = ms.filter { $0.grade == g }.count
                rows.append(["unit": .string(u), "grade": .string(g), "count": .int(Int64(n)), "total": .int(Int64(ms.count)),
                             "actual": .double(rounded(Double(n) / Double(ms.count))),
                             "target": .double(rounded((policy.targetMix[g] ?? 0) / 100))])
            }
        }
        return rows
    }
}
