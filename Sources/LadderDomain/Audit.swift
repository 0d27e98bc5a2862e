/// `ladder audit`: re-derives every recorded allocation under the policy in
/// force at the time, from the evidence as it stood then, twice: as recorded,
/// and without the evidence voided since (and without qualification overrides).
/// Every difference from the recorded decision is a disagreement.
public struct Auditor {
    public private(set) var actual = LedgerState()
    var corrected = LedgerState()
    /// Evidence events voided anywhere in the log.
    let voided: Set<String>
    /// Applications that the counterfactual treats as not qualified, and why.
    var excluded: [String: (kind: String, why: String)] = [:]
    public private(set) var decisions = 0
    public private(set) var disagreements: [JSONValue] = []

    /// `voided`: the evidence the log's voids name (each accepted void names evidence, and a void is never
    /// undone): a first pass over the log gathers it, more cheaply than loading the final state.
    public init(voided: Set<String>) { self.voided = voided }

    public mutating func feed(_ e: Event) {
        switch e.type {
        case .qualificationChecked where e.bool("passed") == true: judgeQualification(e)
        case .promotionGranted, .promotionDeclined: judgeDecision(e)
        default: break
        }
        actual.apply(e)
        let skip = voided.contains(e.id) || (e.type == .eventVoided && voided.contains(e.str("event")))
        if !skip { corrected.apply(e) }
    }

    mutating func judgeQualification(_ e: Event) {
        let a = e.str("application")
        guard let app = corrected.applications[a], let m = corrected.managers[app.manager],
              let policy = corrected.policy(on: e.effective)?.policy else { return }
        let unmet = corrected.criteria(m, target: app.grade, window: app.window, policy: policy).filter { !$0.met }
        guard !unmet.isEmpty else { return }
        let text = unmet.map { "\($0.required) — has \($0.actual)" }.joined(separator: "; ")
        if let ov = e.text("override") {
            excluded[a] = ("override", "ineligible under the rules (\(text)); passed by override: \(ov)")
        } else if let am = actual.managers[app.manager],
                  actual.criteria(am, target: app.grade, window: app.window, policy: policy).allSatisfy(\.met) {
            let lost = voided.filter { id in (am.ratings + am.reviews + am.assessments + am.classes).contains { $0.event == id } }
            excluded[a] = ("voided-evidence", "eligible only by evidence voided since (\(lost.sorted().joined(separator: ", "))): without it, \(text)")
        }
    }

    mutating func judgeDecision(_ e: Event) {
        decisions += 1
        let a = e.str("application")
        guard let app = actual.applications[a], let pv = actual.policy(on: e.effective) else { return }
        let recordedGrant = e.type == .promotionGranted
        let asRecorded = actual.allocation(app.windowKey, policy: pv.policy, only: a).first
        let counter = corrected.allocation(app.windowKey, policy: pv.policy, excluded: excluded.mapValues(\.why), only: a).first
        func finding(_ kind: String, _ derived: Decision?) {
            var o: [String: JSONValue] = [
                "kind": .string(kind), "application": .string(a), "manager": .string(app.manager), "unit": .string(app.unit),
                "window": .string(app.window.description), "event": .string(e.id), "seq": .int(e.seq),
                "policy": .string(pv.event), "recorded": .string(recordedGrant ? "granted" : "declined"),
                "derived": .string(derived.map { $0.granted ? "granted" : "declined" } ?? "none"),
            ]
            if let r = e.number("rank") { o["recordedRank"] = .int(Int64(r)) }
            if let d = derived {
                if let r = d.rank { o["derivedRank"] = .int(Int64(r)) }
                o["reason"] = .string(d.reason)
            }
            disagreements.append(.object(o))
        }
        if asRecorded?.granted != recordedGrant || (recordedGrant && asRecorded?.rank != e.number("rank").map { Int($0) }) {
            finding("allocation", asRecorded)
        } else if counter?.granted != recordedGrant {
            // Either this application is excluded, or another one's exclusion moves the quota line.
            finding(excluded[a]?.kind ?? "displaced", counter)
        }
    }

    public var report: JSONValue {
        ["decisions": .int(Int64(decisions)), "disagreements": .array(disagreements), "ok": .bool(disagreements.isEmpty)]
    }
}
