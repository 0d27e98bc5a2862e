/// The reports of the contract, as JSON documents built from the state.
/// Pure: the CLI prints them, or renders tables from them.
extension LedgerState {
    func num(_ d: Double?) -> JSONValue { .number(d) }

    /// The window a manager's eligibility is shown for: the unit's pending
    /// window, else the half-year after the unit's latest one, else the one after `day`.
    public func eligibilityWindow(for m: ManagerState, on day: Day?) -> Period? {
        if let w = pendingWindow(of: m.unit) { return w.window }
        if let last = windows.keys.filter({ $0.unit == m.unit }).map(\.window).max() { return last.next }
        return day.map { $0.halfYear }
    }

    public func managerReport(_ id: String, on day: Day?) -> JSONValue? {
        guard let m = managers[id] else { return nil }
        let pv = policy(on: day ?? m.history.last!.effective) ?? policies.last
        var o: [String: JSONValue] = [
            "manager": .string(m.manager), "name": .string(m.name), "unit": .string(m.unit), "grade": .string(m.grade),
            "status": .string(m.status), "superior": .string(m.superior), "skipSuperior": .string(m.skipSuperior),
            "history": .array(m.history.map { h in
                var s: [String: JSONValue] = ["grade": .string(h.grade), "effective": .string(h.effective.description),
                                              "seq": .int(h.seq), "cause": .string(h.cause)]
                if let a = h.application { s["application"] = .string(a) }
                return .object(s)
            }),
            "applications": .array(m.applications.compactMap { applications[$0] }.map { a in
                .object(["application": .string(a.application), "window": .string(a.window.description),
                         "grade": .string(a.grade), "stage": .string(a.stage)])
            }),
        ]
        if let left = m.left { o["left"] = .string(left.description); o["leftReason"] = .string(m.leftReason ?? "") }
        guard let policy = pv?.policy else { return .object(o) }
        let latest = m.latestAssessments()
        var ev: [String: JSONValue] = [
            "assessments": .array(latest.keys.sorted().map { inst in
                let a = latest[inst]!
                return .object(["instrument": .string(inst), "cycle": .string(a.cycle), "score": num(a.score),
                                "level": .string(level(a, policy: policy)), "percentile": percentile(m.manager, a).map { .int(Int64($0)) } ?? .null,
                                "event": .string(a.event)])
            }),
            "certified": .string(certifiedLevel(m, policy: policy) ?? "none"),
            "class": m.customerClass.map(JSONValue.string) ?? .null,
        ]
        var standing: [String: Evidence] = [:]
        for r in m.reviews where !r.voided { standing[r.key] = r }
        ev["reviews"] = .array(standing.keys.sorted().map { k in
            let r = standing[k]!, parts = k.split(separator: "|")
            return .object(["period": .string(String(parts[0])), "relation": .string(String(parts[1])),
                            "score": num(r.score), "event": .string(r.event)])
        })
        if let w = eligibilityWindow(for: m, on: day) {
            let back = w.previous
            ev["lookBack"] = .string(back.description)
            ev["ratings"] = .array(back.months.compactMap { mo in
                m.rating(mo).map { .object(["month": .string(mo.description), "rating": .string($0.value ?? ""), "event": .string($0.event)]) }
            })
            if let target = policy.next(after: m.grade) {
                let cs = criteria(m, target: target, window: w, policy: policy)
                var el: [String: JSONValue] = [
                    "target": .string(target), "window": .string(w.description),
                    "eligible": .bool(cs.allSatisfy(\.met) && m.isActive),
                    "criteria": .array(cs.map { c in
                        .object(["criterion": .string(c.criterion), "required": .string(c.required),
                                 "actual": .string(c.actual), "met": .bool(c.met)])
                    }),
                ]
                if let u = units[m.unit], let top = policy.ceilings[u.kind], let tr = policy.rank(of: top),
                   let gr = policy.rank(of: target), gr > tr {
                    el["eligible"] = .bool(false)
                    el["ceiling"] = .string("\(target) is above the ceiling of \(u.kind) unit \(u.unit) (\(top))")
                }
                o["eligibility"] = .object(el)
            } else {
                o["eligibility"] = .object(["target": .null, "eligible": .bool(false), "criteria": .array([]),
                                            "note": .string("\(m.grade) is the top grade")])
            }
        }
        o["evidence"] = .object(ev)
        o["policy"] = .string(pv!.event)
        return .object(o)
    }

    public func windowReport(_ key: WindowKey) -> JSONValue? {
        guard let w = windows[key] else { return nil }
        let policy = policy(on: w.decided ?? w.closed ?? w.opened)?.policy
        var o: [String: JSONValue] = [
            "unit": .string(w.unit), "window": .string(w.window.description), "state": .string(w.state),
            "opened": .string(w.opened.description), "closes": .string(w.closes.description),
            "seats": .object(w.seats.mapValues { .int(Int64($0)) }),
        ]
        if let c = w.closed { o["closed"] = .string(c.description) }
        if let d = w.decided { o["decided"] = .string(d.description) }
        o["applications"] = .array(w.applications.compactMap { applications[$0] }.map { a in
            var x: [String: JSONValue] = [
                "application": .string(a.application), "manager": .string(a.manager),
                "name": .string(managers[a.manager]?.name ?? ""), "grade": .string(a.grade), "from": .string(a.from),
                "stage": .string(a.stage), "direct": num(a.direct), "skip": num(a.skip), "exam": num(a.exam),
            ]
            if let policy {
                x["superiorScore"] = num(superiorScore(a, policy: policy))
                x["finalScore"] = num(finalScore(a, policy: policy))
            }
            if let r = a.rank { x["rank"] = .int(Int64(r)) }
            if let r = a.decisionReason ?? a.revokedReason ?? a.qualificationReason ?? a.regionalReason { x["reason"] = .string(r) }
            if let ov = a.override { x["override"] = .string(ov) }
            return .object(x)
        })
        return .object(o)
    }

    /// Seats, grants and remaining seats per unit and grade of one window period.
    public func quotaReport(_ window: Period, unit: String?) -> JSONValue {
        var rows: [JSONValue] = []
        for key in windows.keys.filter({ $0.window == window && (unit == nil || $0.unit == unit) }).sorted(by: { $0.unit < $1.unit }) {
            let w = windows[key]!
            let grades = Set(w.seats.keys).union(w.granted.keys).union(w.revoked.keys)
            let ladder = policy(on: w.opened)?.policy.ladder ?? []
            for g in grades.sorted(by: { (ladder.firstIndex(of: $0) ?? 99, $0) < (ladder.firstIndex(of: $1) ?? 99, $1) }) {
                let seats = w.seats[g] ?? 0
                let granted = w.granted[g] ?? 0, revoked = w.revoked[g] ?? 0
                rows.append(.object(["unit": .string(key.unit), "window": .string(window.description), "grade": .string(g),
                                     "state": .string(w.state), "seats": .int(Int64(seats)), "granted": .int(Int64(granted)),
                                     "revoked": .int(Int64(revoked)), "remaining": .int(Int64(seats - granted))]))
            }
        }
        return .array(rows)
    }
}
