/// One eligibility criterion (RULES.md §4.1), met or not, in words for HR.
public struct Criterion: Codable, Equatable, Sendable {
    public var criterion: String
    public var required: String
    public var actual: String
    public var met: Bool
}

extension LedgerState {
    static let ratingOrder = ["A": 4, "B": 3, "C": 2, "D": 1]
    static let classOrder = ["A+": 4, "A": 3, "B": 2, "C": 1]

    /// The level an instrument result reaches under a policy, or "none".
    public func level(_ e: Evidence, policy: Policy) -> String {
        e.score.flatMap { policy.level(instrument: e.key, score: $0) } ?? "none"
    }

    /// The certified level: the lowest level among the latest results on the
    /// policy's required instruments; nil ("none") if any is missing or below every cut.
    public func certifiedLevel(_ m: ManagerState, policy: Policy) -> String? {
        let latest = m.latestAssessments()
        var lowest: Int?
        for inst in policy.required {
            guard let r = latest[inst], let lv = r.score.flatMap({ policy.level(instrument: inst, score: $0) }),
                  let rank = policy.rank(of: lv) else { return nil }
            lowest = min(lowest ?? rank, rank)
        }
        return lowest.map { policy.ladder[$0] }
    }

    /// The share of other managers on the same instrument and cycle with a strictly lower score, as a whole percent.
    public func percentile(_ m: String, _ e: Evidence) -> Int? {
        guard let score = e.score, let cohort = cohorts["\(e.key)|\(e.cycle)"] else { return nil }
        // The cohort counts `m`'s own standing score too: take it out.
        let own = managers[m]?.assessment(e.key, cycle: e.cycle)?.score
        let others = cohort.total - (own == nil ? 0 : 1)
        guard others > 0 else { return nil }
        let lower = cohort.below(score) - (own.map { $0 < score ? 1 : 0 } ?? 0)
        return lower * 100 / others
    }

    /// Every criterion for promotion of `m` to `target` in `window`, read from the window's look-back.
    public func criteria(_ m: ManagerState, target: String, window: Period, policy: Policy) -> [Criterion] {
        guard let rule = policy.eligibility[target] else { return [] }
        let back = window.previous
        var out: [Criterion] = []
        let ratings = back.months.compactMap { m.rating($0)?.value }
        let aCount = ratings.filter { $0 == "A" }.count
        out.append(Criterion(criterion: "ratings-A", required: "at least \(rule.minA) A rating\(rule.minA == 1 ? "" : "s") in \(back)",
                             actual: "\(aCount) A of \(ratings.count) rated month\(ratings.count == 1 ? "" : "s")",
                             met: aCount >= rule.minA))
        let floor = LedgerState.ratingOrder[rule.lowestRating] ?? 0
        let below = ratings.filter { (LedgerState.ratingOrder[$0] ?? 0) < floor }
        out.append(Criterion(criterion: "ratings-floor", required: "no rating below \(rule.lowestRating) in \(back)",
                             actual: below.isEmpty ? (ratings.isEmpty ? "no ratings" : "lowest \(ratings.min { LedgerState.ratingOrder[$0]! < LedgerState.ratingOrder[$1]! }!)") : "\(below.count) below \(rule.lowestRating) (\(below.joined(separator: ", ")))",
                             met: below.isEmpty && !ratings.isEmpty))
        if let need = rule.certified {
            let have = certifiedLevel(m, policy: policy)
            let ok = have.flatMap(policy.rank(of:)).map { $0 >= (policy.rank(of: need) ?? Int.max) } ?? false
            out.append(Criterion(criterion: "certified", required: "certified level \(need) or above",
                                 actual: have ?? "none", met: ok))
        }
        for (relation, minimum) in [("self", rule.minSelfReview), ("superior", rule.minSuperiorReview)] {
            let r = m.review(period: back, relation: relation)?.score
            out.append(Criterion(criterion: "review-\(relation)", required: "\(relation) review for \(back) at least \(JSONValue.canonicalNumber(minimum))",
                                 actual: r.map { JSONValue.canonicalNumber($0) + (($0 < minimum) ? " (short by \(JSONValue.canonicalNumber(minimum - $0)))" : "") } ?? "none",
                                 met: r.map { $0 >= minimum } ?? false))
        }
        if let need = rule.customerClass {
            let have = m.customerClass
            out.append(Criterion(criterion: "customer-class", required: "serves class \(need) or above",
                                 actual: have ?? "none",
                                 met: have.map { (LedgerState.classOrder[$0] ?? 0) >= (LedgerState.classOrder[need] ?? 9) } ?? false))
        }
        return out
    }
}
