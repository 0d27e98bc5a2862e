import LadderDomain

/// A realistic province, told as batches of events: a province centre and its
/// 14 city branches, managers with Chinese names, role grants, and `years` of
/// half-yearly windows through every stage, with the frictions of real life
/// (binding quotas, rejections, returns and re-applications, overrides, failed
/// exams, ties, a revocation, voided evidence, a policy change, managers who
/// leave or move). Deterministic for a seed.
///
/// The generator keeps its own `LedgerState`, folded from what it emits, and
/// decides from it (eligibility, allocation) as HR would; the demo appends
/// every batch through the same path and rules as any user.
public struct ProvinceDemo {
    public struct Options: Sendable {
        public var managers = 2000
        public var years = 5
        public var seed: UInt64 = 1
        public var startYear = 2026
        public var admin = "admin"
        public init() {}
    }

    public let options: Options
    public private(set) var state = LedgerState()
    var rng: SeededRandom
    var quality: [String: Double] = [:]
    var serial = 0
    var seq: Int64 = 0
    var phase = 0
    var revoked = false
    /// Batches still to emit, built a period at a time.
    var queue: [(String, [Event])] = []

    static let hr = Actor(id: "hr-chen", role: .hr)
    static let perf = Actor(id: "perf-wang", role: .performanceAdmin)

    public init(_ options: Options) {
        self.options = options
        rng = SeededRandom(seed: options.seed)
        // The events `ladder init` appended come first in the model too.
        for e in Bootstrap.events(admin: options.admin, effective: Day(year: 2000, month: 1, day: 1)) { fold(e) }
    }

    mutating func fold(_ e: Event) {
        var e = e
        seq += 1
        e.seq = seq
        state.apply(e)
    }

    var periods: [Period] {
        (0..<(options.years * 2)).map { Period(year: options.startYear + $0 / 2, half: $0 % 2 + 1) }
    }

    /// The next batch (one atomic append) and a label for progress, or nil at the end.
    public mutating func nextBatch() -> (label: String, events: [Event])? {
        while queue.isEmpty {
            if phase == 0 { queue = [("province", setup())] }
            else if phase <= periods.count { queue = halfYear(periods[phase - 1], index: phase - 1) }
            else { return nil }
            phase += 1
        }
        let (label, events) = queue.removeFirst()
        return (label, events)
    }

    // MARK: - Building events

    mutating func event(_ type: EventType, _ day: Day, _ actor: Actor, _ values: [FieldValue], id: String? = nil) -> Event {
        serial += 1
        let e = Event(seq: 0, id: id ?? "demo-\(serial)", type: type, effective: day, actor: actor, values: values)
        fold(e)
        return e
    }

    func t(_ s: String) -> FieldValue { .text(s) }

    mutating func setup() -> [Event] {
        let admin = Actor(id: options.admin, role: .systemAdmin)
        let d = Day(year: options.startYear, month: 1, day: 2)
        var out: [Event] = []
        out.append(event(.roleGranted, d, admin, [t("hr-chen"), t("hr"), .absent]))
        out.append(event(.roleGranted, d, admin, [t("hr-liu"), t("hr"), .absent]))
        out.append(event(.roleGranted, d, admin, [t("perf-wang"), t("performance-admin"), .absent]))
        out.append(event(.roleGranted, d, admin, [t("audit-zhou"), t("auditor"), .absent]))
        let units = [(Names.province.id, Names.province.name, "province", 1.2)] + Names.cities.map { ($0.id, $0.name, "city", $0.weight) }
        for (id, name, kind, _) in units {
            out.append(event(.unitRegistered, d, admin, [t(id), t(name), t(kind)]))
            out.append(event(.roleGranted, d, admin, [t("ca-\(id)"), t("city-admin"), t(id)]))
        }
        let total = units.reduce(0) { $0 + $1.3 }
        var n = 0
        for (u, (id, _, kind, weight)) in units.enumerated() {
            let count = u == units.count - 1 ? options.managers - n : Int((Double(options.managers) * weight / total).rounded())
            for _ in 0..<max(0, count) {
                n += 1
                let m = "M-\(pad(n, 5))"
                let q = rng.unit()
                quality[m] = q
                let grade: String
                if kind == "province" { grade = q > 0.8 ? "senior" : q > 0.45 ? "intermediate" : "junior" }
                else { grade = q > 0.7 ? "intermediate" : "junior" }
                let team = rng.int(1...max(1, count / 12))
                out.append(event(.managerEnrolled, d, ProvinceDemo.hr,
                                 [t(m), t(Names.person(&rng)), t(id), t(grade), t("S-\(id)-\(team)"), t("S-\(id)-0")], id: "enrol-\(m)"))
                let cls = q > 0.85 ? "A+" : q > 0.55 ? "A" : q > 0.25 ? "B" : "C"
                out.append(event(.customerClassAssigned, d, ProvinceDemo.hr, [t(m), t(cls)]))
            }
        }
        return out
    }

    func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }

    func clamp(_ x: Double, _ lo: Double, _ hi: Double) -> Double { min(hi, max(lo, x)).rounded() }

    mutating func noise(_ spread: Double) -> Double { (rng.unit() - 0.5) * 2 * spread }

    /// One half-year: its window (from the second half-year on), then the evidence it produces.
    mutating func halfYear(_ p: Period, index: Int) -> [(String, [Event])] {
        var batches: [(String, [Event])] = []
        if p.half == 1 && p.year == options.startYear + 2 { batches.append(("policy \(p.year)", [policyChange(p.year)])) }
        if index > 0 { batches += window(p, revoke: index == 3) }
        batches += evidence(p)
        return batches
    }

    mutating func policyChange(_ year: Int) -> Event {
        var policy = state.policies.last!.policy
        policy.passMark = 75
        policy.finalWeights.superior = 0.4
        policy.finalWeights.exam = 0.6
        return event(.policyAdopted, Day(year: year, month: 1, day: 1), Actor(id: options.admin, role: .systemAdmin),
                     [.object(policy.json)], id: "policy-\(year)")
    }

    /// A rating's id is its month, then its manager: a month's ratings come in together, and ids that sort
    /// by time add to the end of the log's id index, where manager-first ids (`rate-M-00017-2026-01`) land
    /// on nearly every page of it in each month's batch (docs/ids.md).
    static func ratingID(_ m: String, _ month: String) -> String { "rate-\(month)-\(m)" }

    mutating func evidence(_ p: Period) -> [(String, [Event])] {
        let active = state.managers.values.filter(\.isActive).map(\.manager).sorted()
        var ratings: [Event] = []
        for month in p.months {
            let day = Day(year: month.year, month: month.month, day: 28)
            for m in active {
                let q = quality[m]!, r = rng.unit()
                let rating = r < 0.1 + 0.45 * q ? "A" : r < 0.8 + 0.15 * q ? "B" : r < 0.97 ? "C" : "D"
                let by = rng.chance(0.1) ? Actor(id: state.managers[m]!.superior, role: .superior) : ProvinceDemo.perf
                ratings.append(event(.performanceRated, day, by, [t(m), t(month.description), t(rating)], id: ProvinceDemo.ratingID(m, month.description)))
            }
        }
        // A rating entered for the wrong person: voided and entered again.
        if let wrong = ratings.first(where: { _ in rng.chance(0.002) }) ?? ratings.first {
            let m = wrong.str("manager"), month = wrong.str("month")
            ratings.append(event(.eventVoided, p.lastDay, ProvinceDemo.hr, [t(wrong.id), t("录入错误: 评级录入到了其他客户经理名下")]))
            ratings.append(event(.performanceRated, p.lastDay, ProvinceDemo.perf, [t(m), t(month), t("B")], id: ProvinceDemo.ratingID(m, month) + "-fix"))
        }
        var results: [Event] = []
        for m in active {
            let q = quality[m]!, s = state.managers[m]!
            results.append(event(.reviewSubmitted, p.lastDay, Actor(id: m, role: .examinee),
                                 [t(m), t(p.description), t("self"), .number(clamp(72 + 24 * q + noise(5), 0, 100))]))
            results.append(event(.reviewSubmitted, p.lastDay, Actor(id: s.superior, role: .superior),
                                 [t(m), t(p.description), t("superior"), .number(clamp(66 + 30 * q + noise(6), 0, 100))]))
            for (inst, base, span, max) in [("knowledge-80", 44.0, 36.0, 80.0), ("situational-10", 4.0, 5.5, 10.0), ("structured-interview", 0.6, 2.6, 3.0)] {
                results.append(event(.assessmentRecorded, p.lastDay, ProvinceDemo.perf,
                                     [t(m), t(p.description), t(inst), .number(clamp(base + span * q + noise(span * 0.15), 0, max))]))
            }
        }
        // People move and leave.
        for m in active where rng.chance(0.006) {
            results.append(event(.managerLeft, p.lastDay, ProvinceDemo.hr, [t(m), t(rng.pick(["个人原因离职", "调往其他公司", "退休"]))]))
        }
        let stillActive = active.filter { state.managers[$0]!.isActive }
        for m in stillActive where rng.chance(0.01) {
            let s = state.managers[m]!
            guard s.grade != "senior", s.unit != Names.province.id else { continue }
            let to = rng.pick(Names.cities).id
            guard to != s.unit else { continue }
            results.append(event(.managerReassigned, p.lastDay, ProvinceDemo.hr, [t(m), t(to), t("S-\(to)-1"), t("S-\(to)-0")]))
        }
        return [("ratings \(p)", ratings), ("reviews and assessments \(p)", results)]
    }

    /// The window of one half-year in every unit: open and quotas; applications
    /// and their steps; close; then each unit's allocation as its own atomic append.
    mutating func window(_ p: Period, revoke: Bool) -> [(String, [Event])] {
        let open = Day(year: p.year, month: p.half == 1 ? 1 : 7, day: 3)
        let closes = Day(year: p.year, month: p.half == 1 ? 1 : 7, day: 31)
        func day(_ d: Int) -> Day { Day(year: p.year, month: open.month, day: d) }
        let policy = state.policy(on: open)!.policy
        var opening: [Event] = [], steps: [Event] = []
        let units = state.units.keys.sorted()
        var plan: [String: [(String, String, Bool)]] = [:]   // unit → (manager, target, eligible)
        let byUnit = Dictionary(grouping: state.managers.values, by: \.unit).mapValues { $0.map(\.manager) }
        for u in units {
            let kind = state.units[u]!.kind
            let ceiling = policy.rank(of: policy.ceilings[kind] ?? "") ?? 0
            for m in (byUnit[u] ?? []).sorted() {
                let s = state.managers[m]!
                guard s.isActive, let target = policy.next(after: s.grade), (policy.rank(of: target) ?? 99) <= ceiling else { continue }
                let eligible = state.criteria(s, target: target, window: p, policy: policy).allSatisfy(\.met)
                if eligible ? rng.chance(0.85) : rng.chance(0.03) { plan[u, default: []].append((m, target, eligible)) }
            }
        }
        let ca = { (u: String) in Actor(id: "ca-\(u)", role: .cityAdmin) }
        for u in units {
            opening.append(event(.windowOpened, open, ca(u), [t(u), t(p.description), t(closes.description)], id: "window-\(u)-\(p)"))
            let wanted = plan[u] ?? []
            for grade in Set(wanted.map(\.1)).sorted() {
                let likely = wanted.filter { $0.1 == grade && $0.2 }.count
                let seats = max(1, Int((Double(likely) * 0.55).rounded()))
                opening.append(event(.quotaSet, open, ProvinceDemo.hr, [t(u), t(p.description), t(grade), .number(Double(seats))]))
            }
        }
        var leavers = 0
        for u in units {
            for (m, target, eligible) in plan[u] ?? [] {
                var a = "APP-\(p)-\(m)"
                steps.append(event(.applicationSubmitted, day(5), Actor(id: m, role: .examinee), [t(a), t(m), t(p.description), t(target)], id: a))
                let s = state.managers[m]!, q = quality[m]!
                steps.append(event(.superiorEvaluated, day(8), Actor(id: s.superior, role: .superior), [t(a), t("direct"), .number(clamp(70 + 25 * q + noise(5), 0, 100))]))
                steps.append(event(.superiorEvaluated, day(9), Actor(id: s.skipSuperior, role: .superior), [t(a), t("skip"), .number(clamp(70 + 25 * q + noise(5), 0, 100))]))
                if rng.chance(0.05) {
                    steps.append(event(.regionalDecision, day(10), ca(u), [t(a), .bool(false), t("本期推荐名额内有更资深的候选人")]))
                    continue
                }
                steps.append(event(.regionalDecision, day(10), ca(u), [t(a), .bool(true), .absent]))
                if !eligible {
                    if rng.chance(0.3) {
                        steps.append(event(.qualificationChecked, day(12), ProvinceDemo.hr, [t(a), .bool(true), .absent, t("破格推荐: 承担重点集团客户攻坚任务")]))
                    } else {
                        let unmet = state.criteria(s, target: target, window: p, policy: policy).filter { !$0.met }.map(\.required)
                        steps.append(event(.qualificationChecked, day(12), ProvinceDemo.hr, [t(a), .bool(false), t("不符合任职资格: " + unmet.joined(separator: "; ")), .absent]))
                        continue
                    }
                } else if rng.chance(0.06) {
                    // Returned for paperwork, then applies again while the window is open.
                    steps.append(event(.qualificationChecked, day(12), ProvinceDemo.hr, [t(a), .bool(false), t("申请表缺少直接上司签字"), .absent]))
                    a += "-2"
                    steps.append(event(.applicationSubmitted, day(14), Actor(id: m, role: .examinee), [t(a), t(m), t(p.description), t(target)], id: a))
                    steps.append(event(.superiorEvaluated, day(15), Actor(id: s.superior, role: .superior), [t(a), t("direct"), .number(clamp(70 + 25 * q + noise(5), 0, 100))]))
                    steps.append(event(.superiorEvaluated, day(15), Actor(id: s.skipSuperior, role: .superior), [t(a), t("skip"), .number(clamp(70 + 25 * q + noise(5), 0, 100))]))
                    steps.append(event(.regionalDecision, day(16), ca(u), [t(a), .bool(true), .absent]))
                    steps.append(event(.qualificationChecked, day(17), ProvinceDemo.hr, [t(a), .bool(true), .absent, .absent]))
                } else {
                    steps.append(event(.qualificationChecked, day(12), ProvinceDemo.hr, [t(a), .bool(true), .absent, .absent]))
                }
                steps.append(event(.examScored, day(22), ProvinceDemo.hr, [t(a), .number(clamp(62 + 34 * q + noise(9), 0, 100))]))
                if leavers < 1 && rng.chance(0.02) {
                    leavers += 1
                    steps.append(event(.managerLeft, day(25), ProvinceDemo.hr, [t(m), t("考试后主动离职")]))
                }
            }
        }
        var closing: [Event] = []
        for u in units { closing.append(event(.windowClosed, closes, ca(u), [t(u), t(p.description)])) }
        var batches: [(String, [Event])] = [("window \(p) opens", opening), ("applications \(p)", steps), ("window \(p) closes", closing)]
        let decisionPolicy = state.policy(on: closes)!.policy
        for u in units {
            let key = WindowKey(unit: u, window: p)
            guard state.windows[key]?.state == "closed" else { continue }
            var decided: [Event] = []
            for d in state.allocation(key, policy: decisionPolicy) {
                let id = "alloc:\(u):\(p):\(d.application)"
                if d.granted {
                    decided.append(event(.promotionGranted, closes, ProvinceDemo.hr,
                                         [t(d.application), t(d.manager), t(d.from), t(d.grade), .number(Double(d.rank!)), .number(d.score!)], id: id))
                } else {
                    decided.append(event(.promotionDeclined, closes, ProvinceDemo.hr,
                                         [t(d.application), t(d.manager), t(d.reason), d.rank.map { .number(Double($0)) } ?? .absent,
                                          d.score.map { .number($0) } ?? .absent], id: id))
                }
            }
            batches.append(("allocate \(u) \(p)", decided))
        }
        if revoke && !revoked, let g = state.applications.values.filter({ $0.window == p && $0.stage == "granted" }).min(by: { $0.application < $1.application }) {
            revoked = true
            batches.append(("revocation", [event(.promotionRevoked, Day(year: p.year, month: closes.month + 1, day: 15), ProvinceDemo.hr,
                                                 [t(g.application), t("复核发现考试成绩录入有误")])]))
        }
        return batches
    }
}
