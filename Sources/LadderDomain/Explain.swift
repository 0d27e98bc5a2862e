/// `ladder explain`: every step of one application, with the rule applied
/// and the evidence read, observed while folding the log up to its last step.
public struct Explainer {
    public let application: String
    public private(set) var state = LedgerState()
    public private(set) var steps: [JSONValue] = []

    public init(application: String) { self.application = application }

    /// Feeds the next event of the log (in seq order).
    public mutating func feed(_ e: Event) {
        let mine = e.text("application") == application
        if mine { steps.append(explain(e)) }
        state.apply(e)
    }

    func explain(_ e: Event) -> JSONValue {
        var o: [String: JSONValue] = ["seq": .int(e.seq), "event": .string(e.id), "type": .string(e.type.rawValue),
                                      "effective": .string(e.effective.description),
                                      "actor": ["id": .string(e.actor.id), "role": .string(e.actor.role.rawValue)]]
        let pv = state.policy(on: e.effective)
        if let pv { o["policy"] = .string(pv.event) }
        guard let policy = pv?.policy else { return .object(o) }
        let app = state.applications[application]
        let m = state.managers[app?.manager ?? e.text("manager") ?? ""]
        switch e.type {
        case .applicationSubmitted:
            let grade = m?.grade ?? "?"
            o["rule"] = .string("§4 step 1: apply in an open window of one's own unit, for exactly the next grade (\(grade) → \(e.str("grade"))), not above the unit's ceiling, with no other live application")
            if let m, let u = state.units[m.unit] { o["ceiling"] = .string("\(u.kind) unit \(u.unit): up to \(policy.ceilings[u.kind] ?? "?")") }
        case .superiorEvaluated:
            let who = e.str("relation") == "direct" ? m?.superior : m?.skipSuperior
            o["rule"] = .string("§4 step 2: the \(e.str("relation")) superior (\(who ?? "?")) scores 0–100; superior score = \(JSONValue.canonicalNumber(policy.superiorWeights.direct)) × direct + \(JSONValue.canonicalNumber(policy.superiorWeights.skip)) × skip")
            o["score"] = state.num(e.number("score"))
        case .regionalDecision:
            o["rule"] = .string("§4 step 3: the city admin of \(app?.unit ?? "?") endorses or rejects (with a reason)")
            o["approved"] = .bool(e.bool("approved") ?? false)
            if let r = e.text("reason") { o["reason"] = .string(r) }
        case .qualificationChecked:
            o["rule"] = .string("§4 step 4 and §4.1: HR checks eligibility for \(app?.grade ?? "?") from the look-back \(app?.window.previous.description ?? "?")")
            o["passed"] = .bool(e.bool("passed") ?? false)
            if let r = e.text("reason") { o["reason"] = .string(r) }
            if let ov = e.text("override") { o["override"] = .string(ov) }
            if let m, let app {
                let cs = state.criteria(m, target: app.grade, window: app.window, policy: policy)
                o["eligible"] = .bool(cs.allSatisfy(\.met))
                o["criteria"] = .array(cs.map { ["criterion": .string($0.criterion), "required": .string($0.required), "actual": .string($0.actual), "met": .bool($0.met)] })
                o["evidence"] = evidenceRead(m, window: app.window, policy: policy)
            }
        case .examScored:
            let score = e.number("score") ?? 0
            let band = policy.band(exam: score)
            o["rule"] = .string("§4 step 5: the central exam; pass mark \(JSONValue.canonicalNumber(policy.passMark))")
            o["score"] = state.num(score)
            o["band"] = .string(band.map { "\($0.band) \($0.label) (rating \($0.rating))" } ?? "none")
            o["passed"] = .bool(score >= policy.passMark)
        case .promotionGranted, .promotionDeclined:
            guard let app, let w = state.windows[app.windowKey] else { break }
            o["rule"] = .string("§4.2: final score = \(JSONValue.canonicalNumber(policy.finalWeights.superior)) × superior + \(JSONValue.canonicalNumber(policy.finalWeights.exam)) × exam; ranked by final, then exam, then superior score, then the earlier application; the top seats are granted")
            let decisions = state.allocation(app.windowKey, policy: policy).filter { $0.grade == app.grade }
            o["seats"] = .int(Int64(w.seats[app.grade] ?? 0))
            o["ranking"] = .array(decisions.filter { $0.rank != nil }.sorted { $0.rank! < $1.rank! }.map { d in
                ["rank": .int(Int64(d.rank!)), "application": .string(d.application), "manager": .string(d.manager),
                 "final": state.num(d.score), "exam": state.num(d.exam), "superior": state.num(d.superior), "granted": .bool(d.granted)]
            })
            if let mine = decisions.first(where: { $0.application == application }) {
                o["decision"] = .string(mine.granted ? "granted" : "declined")
                o["reason"] = .string(mine.reason)
            }
            if e.type == .promotionDeclined { o["recordedReason"] = .string(e.str("reason")) }
            o["quotaLine"] = .string("\(w.seats[app.grade] ?? 0) seat(s) for \(app.grade): ranks 1–\(w.seats[app.grade] ?? 0) are granted")
        case .promotionRevoked:
            o["rule"] = .string("§6: a granted promotion is revoked with a reason; the grade reverts to \(app?.from ?? "?")")
            o["reason"] = .string(e.str("reason"))
        default: break
        }
        return .object(o)
    }

    /// The evidence an eligibility check reads, each piece with the event that recorded it.
    func evidenceRead(_ m: ManagerState, window: Period, policy: Policy) -> JSONValue {
        let back = window.previous
        let latest = m.latestAssessments()
        return [
            "lookBack": .string(back.description),
            "ratings": .array(back.months.compactMap { mo in
                m.rating(mo).map { ["month": .string(mo.description), "rating": .string($0.value ?? ""), "event": .string($0.event)] }
            }),
            "reviews": .array(["self", "superior"].compactMap { rel in
                m.review(period: back, relation: rel).map { ["relation": .string(rel), "score": state.num($0.score), "event": .string($0.event)] }
            }),
            "instruments": .array(policy.required.map { inst in
                guard let a = latest[inst] else { return ["instrument": .string(inst), "result": "missing"] }
                let cuts = policy.instruments[inst]?.cuts ?? [:]
                return ["instrument": .string(inst), "cycle": .string(a.cycle), "score": state.num(a.score),
                        "level": .string(state.level(a, policy: policy)), "event": .string(a.event),
                        "cuts": .object(cuts.mapValues { state.num($0) })]
            }),
            "certified": .string(state.certifiedLevel(m, policy: policy) ?? "none"),
            "class": m.customerClass.map(JSONValue.string) ?? .null,
        ]
    }
}
