import ArgumentParser
import LadderDomain
import LadderStore

/// The two views every report takes.
struct ViewOptions: ParsableArguments {
    @Option(help: "Count only events effective on or before this date (YYYY-MM-DD).") var asOf: String?
    @Option(help: "As the ledger knew it after this seq.") var at: Int64?

    func day() throws -> Day? {
        guard let asOf else { return nil }
        guard let d = Day(asOf) else { throw UserError("--as-of \(asOf) is not a calendar date YYYY-MM-DD") }
        return d
    }

    /// The state a report reads: from the persisted projections (only the
    /// rows `needs` names) or, for an --at/--as-of view, folded from the log
    /// with the evidence the report reads (`evidence`).
    func state(_ store: LedgerStore, evidence: ViewEvidence,
               needs: @escaping (LedgerState) -> Set<Need>) throws -> LedgerState {
        if let at, at < 0 { throw UserError("--at must be a seq ≥ 0") }
        if at == nil && asOf == nil { return try store.state(needing: needs) }
        return try store.state(through: at, asOf: try day(), evidence: evidence)
    }
}

func parsePeriod(_ s: String, option: String) throws -> Period {
    guard let p = Period(s) else { throw UserError("\(option) \(s) is not a half-year YYYYH1 or YYYYH2") }
    return p
}

func text(_ v: JSONValue) -> String {
    switch v {
    case .null: return "—"
    case .string(let s): return s
    case .bool(let b): return b ? "yes" : "no"
    default: return v.canonical
    }
}

extension Ladder {
    struct Manager: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "manager",
            abstract: "Show a manager's grade, unit, status, grade history, evidence and eligibility for the next grade.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var view: ViewOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The manager's code, e.g. M-00017.") var manager: String

        mutating func run() throws {
            try perform {
                let id = manager
                let state = try view.state(try store.open(), evidence: .ofManager(id)) { $0.needs(forManager: id) }
                guard let r = state.managerReport(manager, on: try view.day()) else {
                    throw Refusal(.unknownManager, event: manager, "no manager \(manager) is enrolled\(view.at != nil || view.asOf != nil ? " in this view" : "")")
                }
                if output.json { printJSON(r); return }
                print("\(text(r["manager"])) \(text(r["name"]))  unit \(text(r["unit"]))  grade \(text(r["grade"]))  \(text(r["status"]))")
                print("superior \(text(r["superior"])), skip-level \(text(r["skipSuperior"]))\n")
                var h = Table("grade", "effective", "seq", "cause")
                for s in r["history"].arrayValue { h.add(text(s["grade"]), text(s["effective"]), text(s["seq"]), text(s["cause"])) }
                h.print()
                let ev = r["evidence"]
                print("\ncertified level \(text(ev["certified"])); customer class \(text(ev["class"]))")
                var a = Table("instrument", "cycle", "score", "level", "percentile")
                for x in ev["assessments"].arrayValue {
                    a.add(text(x["instrument"]), text(x["cycle"]), text(x["score"]), text(x["level"]), text(x["percentile"]))
                }
                if !a.rows.isEmpty { print(""); a.print() }
                var rv = Table("period", "relation", "score")
                for x in ev["reviews"].arrayValue { rv.add(text(x["period"]), text(x["relation"]), text(x["score"])) }
                if !rv.rows.isEmpty { print(""); rv.print() }
                let ratings = ev["ratings"].arrayValue.map { "\(text($0["month"])) \(text($0["rating"]))" }
                if !ratings.isEmpty { print("\nratings \(text(ev["lookBack"])): " + ratings.joined(separator: ", ")) }
                let el = r["eligibility"]
                if el != .null {
                    print("\neligibility for \(text(el["target"])) in \(text(el["window"])): \(el["eligible"] == .bool(true) ? "eligible" : "not eligible")")
                    if el["ceiling"] != .null { print(text(el["ceiling"])) }
                    var c = Table("criterion", "required", "actual", "met")
                    for x in el["criteria"].arrayValue { c.add(text(x["criterion"]), text(x["required"]), text(x["actual"]), text(x["met"])) }
                    c.print()
                }
            }
        }
    }

    struct Window: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "window",
            abstract: "Show a unit's window: state, seats per grade, and every application with its stage and scores.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var view: ViewOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The window, e.g. 2026H2.") var window: String
        @Option(help: "The unit, e.g. changsha.") var unit: String

        mutating func run() throws {
            try perform {
                let key = WindowKey(unit: unit, window: try parsePeriod(window, option: "window"))
                let state = try view.state(try store.open(), evidence: .none) { $0.needs(forWindows: [key]) }
                guard let r = state.windowReport(key) else {
                    throw Refusal(.unknownWindow, event: "\(key)", "\(unit) has no window \(window)")
                }
                if output.json { printJSON(r); return }
                let seats = r["seats"].objectValue ?? [:]
                print("\(unit) \(window): \(text(r["state"])) (opened \(text(r["opened"])), closes \(text(r["closes"])))")
                print("seats: " + (seats.isEmpty ? "none set" : seats.keys.sorted().map { "\($0) \(text(seats[$0]!))" }.joined(separator: ", ")) + "\n")
                var t = Table("application", "manager", "name", "grade", "stage", "superior", "exam", "final", "rank", "reason")
                for a in r["applications"].arrayValue {
                    t.add(text(a["application"]), text(a["manager"]), text(a["name"]), text(a["grade"]), text(a["stage"]),
                          text(a["superiorScore"]), text(a["exam"]), text(a["finalScore"]), text(a["rank"]), text(a["reason"]))
                }
                t.print()
            }
        }
    }

    struct Quota: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "quota",
            abstract: "Show seats, grants and remaining seats per unit and grade of a window.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var view: ViewOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The window, e.g. 2026H2.") var window: String
        @Option(help: "Only this unit.") var unit: String?

        mutating func run() throws {
            try perform {
                let p = try parsePeriod(window, option: "window")
                // Windows are always loaded and count their grants: nothing keyed to read.
                let r = try view.state(try store.open(), evidence: .none) { _ in [] }.quotaReport(p, unit: unit)
                if output.json { printJSON(r); return }
                var t = Table("unit", "window", "state", "grade", "seats", "granted", "remaining")
                for x in r.arrayValue {
                    t.add(text(x["unit"]), text(x["window"]), text(x["state"]), text(x["grade"]), text(x["seats"]),
                          text(x["granted"]), text(x["remaining"]))
                }
                t.print()
            }
        }
    }
}
