import ArgumentParser
import Foundation
import LadderDomain
import LadderStore

extension Ladder {
    struct Allocate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "allocate",
            abstract: "Rank a closed window's candidates and record every decision in one atomic append.",
            discussion: "Per target grade: final score, then exam, then superior score, then the earlier application; the top seats are granted, the rest declined below the quota line; every application that did not pass the exam is declined with its reason.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The window, e.g. 2026H2.") var window: String
        @Option(help: "The unit, e.g. changsha.") var unit: String
        @Option(help: "The HR actor recording the decisions.") var actor: String
        @Option(help: "The decision date (default: the effective date of the window's WindowClosed).") var effective: String?
        @Flag(help: "Print the ranking and the decisions without writing.") var dryRun = false

        mutating func run() throws {
            try perform {
                let key = WindowKey(unit: unit, window: try parsePeriod(window, option: "window"))
                guard isCode(actor) else { throw UserError("--actor must be 1–128 of A-Z a-z 0-9 . _ : -") }
                let ledger = try store.open()
                // The head first: if an append lands before the decisions do, --expect-seq refuses them (stale-version).
                let head = try ledger.head()
                let state = try ledger.state { $0.needs(forWindows: [key]) }
                let plan = try Allocation.plan(state, key, actor: actor, effective: effective)
                var result: AppendResult?
                if !dryRun { result = try ledger.append(plan.events, expectSeq: head.seq, recorded: recordedNow()) }
                if output.json {
                    var o: [String: JSONValue] = ["unit": .string(unit), "window": .string(window), "effective": .string(plan.effective.description),
                                                  "policy": .string(plan.policy), "dryRun": .bool(dryRun),
                                                  "decisions": .array(plan.decisions.map(\.json))]
                    if let result { o["appended"] = .int(Int64(result.appended)); o["head"] = .int(result.head.seq) }
                    printJSON(.object(o))
                    return
                }
                var t = Table("rank", "application", "manager", "grade", "final", "exam", "superior", "decision", "reason")
                for d in plan.decisions {
                    t.add(d.rank.map(String.init) ?? "—", d.application, d.manager, d.grade, text(JSONValue.number(d.score)),
                          text(JSONValue.number(d.exam)), text(JSONValue.number(d.superior)), d.granted ? "granted" : "declined", d.reason)
                }
                t.print()
                print(dryRun ? "\n(dry run: nothing written)" : "\nrecorded \(result!.appended) decisions effective \(plan.effective) under \(plan.policy); \(key) is allocated")
            }
        }
    }
}

/// Turns a window's allocation into the events `allocate` appends.
enum Allocation {
    struct Plan {
        let effective: Day
        let policy: String
        let decisions: [Decision]
        let events: [Event]
    }

    static func plan(_ state: LedgerState, _ key: WindowKey, actor: String, effective: String?) throws -> Plan {
        guard let w = state.windows[key] else { throw Refusal(.unknownWindow, event: "\(key)", field: "window", "\(key.unit) has no window \(key.window)") }
        switch w.state {
        case "open": throw Refusal(.windowNotOpen, event: "\(key)", field: "window", "window \(key) is still open; close it (WindowClosed) before allocating")
        case "allocated": throw Refusal(.windowAllocated, event: "\(key)", field: "window", "window \(key) is already allocated\(w.decided.map { " (on \($0))" } ?? "")")
        default: break
        }
        var day = w.closed!
        if let effective {
            guard let d = Day(effective) else { throw UserError("--effective \(effective) is not a calendar date YYYY-MM-DD") }
            day = d
        }
        guard let pv = state.policy(on: day) else { throw Refusal(.policyInvalid, event: "\(key)", "no policy in force on \(day)") }
        let decisions = state.allocation(key, policy: pv.policy)
        let who = Actor(id: actor, role: .hr)
        let events = decisions.map { d -> Event in
            let id = "alloc:\(key.unit):\(key.window):\(d.application)"
            if d.granted {
                return Event(seq: 0, id: id, type: .promotionGranted, effective: day, actor: who,
                             values: [.text(d.application), .text(d.manager), .text(d.from), .text(d.grade),
                                      .number(Double(d.rank!)), .number(d.score!)])
            }
            return Event(seq: 0, id: id, type: .promotionDeclined, effective: day, actor: who,
                         values: [.text(d.application), .text(d.manager), .text(d.reason),
                                  d.rank.map { .number(Double($0)) } ?? .absent, d.score.map { .number($0) } ?? .absent])
        }
        return Plan(effective: day, policy: pv.event, decisions: decisions, events: events)
    }
}

extension Decision {
    var json: JSONValue {
        var o: [String: JSONValue] = ["application": .string(application), "manager": .string(manager), "grade": .string(grade),
                                      "from": .string(from), "decision": .string(granted ? "granted" : "declined"),
                                      "reason": .string(reason)]
        if let rank { o["rank"] = .int(Int64(rank)) }
        o["score"] = .number(score); o["exam"] = .number(exam); o["superior"] = .number(superior)
        return .object(o)
    }
}
