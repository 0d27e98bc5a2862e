/// RULES.md §4.2: ranking a closed window's candidates against its seats.
public struct Decision: Codable, Equatable, Sendable {
    public var application: String
    public var manager: String
    public var grade: String
    public var from: String
    public var granted: Bool
    public var rank: Int?
    public var score: Double?
    public var exam: Double?
    public var superior: Double?
    public var reason: String
}

extension LedgerState {
    /// The superior score: the policy's weighted sum of the direct and skip-level scores.
    public func superiorScore(_ a: ApplicationState, policy: Policy) -> Double? {
        guard let d = a.direct, let s = a.skip else { return nil }
        return rounded(d * policy.superiorWeights.direct + s * policy.superiorWeights.skip)
    }

    public func finalScore(_ a: ApplicationState, policy: Policy) -> Double? {
        guard let sup = superiorScore(a, policy: policy), let exam = a.exam else { return nil }
        return rounded(sup * policy.finalWeights.superior + exam * policy.finalWeights.exam)
    }

    /// Scores are kept to 4 decimals so that 0.1-style weights rank alike on every machine.
    func rounded(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }

    /// Why an application is not a candidate at allocation, or nil if it is one.
    public func notCandidate(_ a: ApplicationState, policy: Policy) -> String? {
        if let m = managers[a.manager], !m.isActive { return "the manager left on \(m.left.map { "\($0)" } ?? "?")" }
        if a.approved == false { return "rejected by the regional admin: \(a.regionalReason ?? "no reason given")" }
        if a.qualified == false { return "returned by HR at the qualification check: \(a.qualificationReason ?? "no reason given")" }
        if let exam = a.exam {
            if exam < policy.passMark {
                return "failed the exam: \(JSONValue.canonicalNumber(exam)) is below the pass mark \(JSONValue.canonicalNumber(policy.passMark))"
            }
            return nil
        }
        let missing: String
        if a.direct == nil || a.skip == nil { missing = "superior evaluation" + (a.direct == nil && a.skip == nil ? "s" : " (\(a.direct == nil ? "direct" : "skip"))") }
        else if a.approved == nil { missing = "regional endorsement" }
        else if a.qualified == nil { missing = "qualification check" }
        else { missing = "exam score" }
        return "incomplete: no \(missing) before the window was decided"
    }

    /// What allocation decides for every application of a window under `policy`:
    /// candidates ranked per target grade by final score, then exam, then
    /// superior score, then the earlier application; the top `seats` granted.
    /// `excluded` names applications to treat as not qualified (the audit's counterfactual), with why.
    /// With `only`, the decision of that one application (none if the window lacks it): its grade's
    /// candidates are still ranked, but no other decision is made (a decision's check asks for its own,
    /// once per decision of the window).
    public func allocation(_ key: WindowKey, policy: Policy, excluded: [String: String] = [:], only: String? = nil) -> [Decision] {
        guard let w = windows[key] else { return [] }
        let apps = w.applications.compactMap { applications[$0] }
        func wanted(_ a: ApplicationState) -> Bool { only == nil || a.application == only }
        var out: [Decision] = []
        var byGrade: [String: [ApplicationState]] = [:]
        for a in apps {
            if let why = excluded[a.application] ?? notCandidate(a, policy: policy) {
                guard wanted(a) else { continue }
                out.append(Decision(application: a.application, manager: a.manager, grade: a.grade, from: a.from, granted: false,
                                    rank: nil, score: finalScore(a, policy: policy), exam: a.exam,
                                    superior: superiorScore(a, policy: policy), reason: why))
            } else {
                byGrade[a.grade, default: []].append(a)
            }
        }
        for grade in byGrade.keys.sorted() where only == nil || byGrade[grade]!.contains(where: wanted) {
            let seats = w.seats[grade] ?? 0
            let ranked = byGrade[grade]!.sorted { x, y in
                let fx = finalScore(x, policy: policy)!, fy = finalScore(y, policy: policy)!
                if fx != fy { return fx > fy }
                if x.exam! != y.exam! { return x.exam! > y.exam! }
                let sx = superiorScore(x, policy: policy)!, sy = superiorScore(y, policy: policy)!
                if sx != sy { return sx > sy }
                return x.submittedSeq < y.submittedSeq
            }
            for (i, a) in ranked.enumerated() where wanted(a) {
                let granted = i < seats
                let final = finalScore(a, policy: policy)!
                out.append(Decision(application: a.application, manager: a.manager, grade: grade, from: a.from, granted: granted,
                                    rank: i + 1, score: final, exam: a.exam, superior: superiorScore(a, policy: policy),
                                    reason: granted ? "rank \(i + 1) of \(ranked.count) within \(seats) seat\(seats == 1 ? "" : "s")"
                                        : "below the quota line: rank \(i + 1) of \(ranked.count), \(seats) seat\(seats == 1 ? "" : "s") for \(grade)"))
            }
        }
        // One decision at most: no window order to build (a decision's check would build it for every decision).
        if only != nil { return out }
        let order = Dictionary(uniqueKeysWithValues: w.applications.enumerated().map { ($1, $0) })
        return out.sorted { (order[$0.application] ?? 0) < (order[$1.application] ?? 0) }
    }
}
