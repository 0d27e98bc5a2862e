import ArgumentParser
import LadderDomain
import LadderStore

extension Ladder {
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Show every step of one application: the event, the rule applied, the evidence read, the ranking and the quota line.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The application id.") var application: String

        mutating func run() throws {
            try perform {
                let ledger = try store.open()
                let id = application
                let state = try ledger.state { _ in [.application(id)] }
                guard let app = state.applications[application] else {
                    throw Refusal(.unknownApplication, event: application, "no application \(application) is recorded")
                }
                var ex = Explainer(application: application)
                let last = app.steps.last?.seq ?? 0
                // The steps read the applicant's evidence, every manager's assessments (the cohorts), and no one
                // else's evidence: the rest is left out of the fold, as for a view of one manager.
                let evidence = ViewEvidence.ofManager(app.manager)
                try ledger.events(since: 0, through: last) { e in if evidence.folds(e) { ex.feed(e) } }
                let doc: JSONValue = ["application": .string(app.application), "manager": .string(app.manager),
                                      "unit": .string(app.unit), "window": .string(app.window.description),
                                      "grade": .string(app.grade), "from": .string(app.from), "stage": .string(app.stage),
                                      "steps": .array(ex.steps)]
                if output.json { printJSON(doc); return }
                print("\(app.application): \(app.manager) \(app.from) → \(app.grade) in \(app.unit) \(app.window), now \(app.stage)\n")
                for s in ex.steps {
                    print("seq \(text(s["seq"]))  \(text(s["effective"]))  \(text(s["type"]))  \(text(s["event"]))  by \(text(s["actor"]["id"])) (\(text(s["actor"]["role"])))")
                    if s["rule"] != .null { print("  rule: \(text(s["rule"]))") }
                    for c in s["criteria"].arrayValue { print("  \(c["met"] == .bool(true) ? "met  " : "UNMET") \(text(c["required"])): \(text(c["actual"]))") }
                    if s["override"] != .null { print("  override: \(text(s["override"]))") }
                    if s["band"] != .null { print("  score \(text(s["score"])): \(text(s["band"])), \(s["passed"] == .bool(true) ? "passed" : "failed")") }
                    for r in s["ranking"].arrayValue {
                        print("  #\(text(r["rank"])) \(text(r["application"])) final \(text(r["final"])) exam \(text(r["exam"])) superior \(text(r["superior"]))\(r["granted"] == .bool(true) ? "  granted" : "")")
                    }
                    if s["quotaLine"] != .null { print("  quota line: \(text(s["quotaLine"]))") }
                    if s["reason"] != .null { print("  reason: \(text(s["reason"]))") }
                }
            }
        }
    }

    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "Re-derive every recorded allocation under the policy in force then; list every disagreement.",
            discussion: "Each decision is re-derived from the evidence as it stood then, and again without evidence voided since and without qualification overrides. Exit 1 when there is any disagreement.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        mutating func run() throws {
            try perform {
                let ledger = try store.open()
                // Two passes over the log's packed columns, both up to the head read now (an append between them
                // changes neither): the voids and the applicants first (the counterfactual leaves out, from the
                // start, the evidence voided by the end), then every event, as it stood then, but the evidence of
                // managers who never apply (no decision reads it; every manager's assessments make the cohorts).
                let head = try ledger.head().seq
                var voided = Set<String>(), applicants = Set<String>()
                try ledger.events(since: 0, through: head) { e in
                    if e.type == .eventVoided { voided.insert(e.str("event")) }
                    if e.type == .applicationSubmitted { applicants.insert(e.str("manager")) }
                }
                var auditor = Auditor(voided: voided)
                let evidence = ViewEvidence.ofManagers(applicants)
                try ledger.events(since: 0, through: head) { e in if evidence.folds(e) { auditor.feed(e) } }
                let r = auditor.report
                if output.json { printJSON(r) } else {
                    print("audited \(auditor.decisions) decisions: \(auditor.disagreements.isEmpty ? "no disagreement" : "\(auditor.disagreements.count) disagreement(s)")")
                    for d in auditor.disagreements {
                        print("- \(text(d["application"])) (\(text(d["unit"])) \(text(d["window"])), seq \(text(d["seq"]))): recorded \(text(d["recorded"])), derived \(text(d["derived"])) [\(text(d["kind"]))] \(text(d["reason"]))")
                    }
                }
                if !auditor.disagreements.isEmpty { throw ExitCode(1) }
            }
        }
    }

    struct Compliance: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compliance",
            abstract: "Check quota use, rule breaches, overrides and the grade mix against the policy's target.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this window, e.g. 2026H2.") var window: String?
        @Option(help: "Only this unit.") var unit: String?

        mutating func run() throws {
            try perform {
                let w = try window.map { try parsePeriod($0, option: "--window") }
                let r = try store.open().stateWithoutEvidence().compliance(window: w, unit: unit)
                if output.json { printJSON(r); return }
                let v = r["violations"].arrayValue
                print(v.isEmpty ? "no violations" : "\(v.count) violation(s):")
                for x in v { print("- [\(text(x["rule"]))] " + (x.objectValue ?? [:]).filter { $0.key != "rule" }.sorted { $0.key < $1.key }.map { "\($0.key) \(text($0.value))" }.joined(separator: ", ")) }
                let o = r["overrides"].arrayValue
                if !o.isEmpty {
                    print("\n\(o.count) qualification override(s):")
                    var t = Table("application", "manager", "unit", "window", "stage", "reason")
                    for x in o { t.add(text(x["application"]), text(x["manager"]), text(x["unit"]), text(x["window"]), text(x["stage"]), text(x["reason"])) }
                    t.print()
                }
                print("\ngrade mix of active managers:")
                var t = Table("unit", "grade", "count", "actual", "target")
                for x in r["mix"].arrayValue {
                    t.add(text(x["unit"]), text(x["grade"]), text(x["count"]), percent(x["actual"]), percent(x["target"]))
                }
                t.print()
            }
        }

        func percent(_ v: JSONValue) -> String { v.numberValue.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
    }
}
