import ArgumentParser
import Foundation
import LadderDomain
import LadderStore

extension Ladder {
    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Rebuild every projection from the log; print counts, the rows that were not in step, and time.",
            discussion: "With --at or --as-of, fold the log up to that point and report what it holds, without touching the persisted projections (which always reflect the whole log).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var view: ViewOptions
        @OptionGroup var output: OutputOptions

        mutating func run() throws {
            try perform {
                PhaseTrace.start()
                let ledger = try store.open()
                let start = Date()
                var doc: [String: JSONValue] = [:]
                if view.at != nil || view.asOf != nil {
                    let state = try view.state(ledger, evidence: .none) { _ in [] }
                    doc = ["persisted": false, "managers": .int(Int64(state.managers.count)), "units": .int(Int64(state.units.count)),
                           "windows": .int(Int64(state.windows.count)), "applications": .int(Int64(state.applications.count)),
                           "policies": .int(Int64(state.policies.count))]
                    if let at = view.at { doc["at"] = .int(at) }
                    if let d = view.asOf { doc["asOf"] = .string(d) }
                } else {
                    var progress = Progress(quiet: output.json)
                    defer { progress.done() }  // also before an error line, which would otherwise share its line
                    let r = try ledger.rebuildProjections { progress.folding($0, of: $1) }
                    doc = ["persisted": true, "events": .int(r.events), "entities": .int(Int64(r.entities)),
                           "rewritten": .int(Int64(r.rewritten))]
                }
                let seconds = Date().timeIntervalSince(start)
                doc["seconds"] = .double((seconds * 1000).rounded() / 1000)
                if let n = doc["events"]?.intValue { doc["eventsPerSecond"] = .int(Int64(seconds > 0 ? Double(n) / seconds : 0)) }
                if output.json { printJSON(.object(doc)); return }
                if doc["persisted"] == .bool(true) {
                    print("replayed \(text(doc["events"] ?? .null)) events into \(text(doc["entities"] ?? .null)) projection rows in \(String(format: "%.3f", seconds)) s (\(text(doc["eventsPerSecond"] ?? .null)) events/s); \(inStep(doc["rewritten"]?.intValue ?? 0))")
                } else {
                    print("as of \(view.asOf ?? "the end")\(view.at.map { ", after seq \($0)" } ?? ""): \(text(doc["managers"] ?? .null)) managers, \(text(doc["units"] ?? .null)) units, \(text(doc["windows"] ?? .null)) windows, \(text(doc["applications"] ?? .null)) applications (not persisted; \(String(format: "%.3f", seconds)) s)")
                }
            }
        }

        /// What the replay found of the rows it rebuilt.
        private func inStep(_ rewritten: Int64) -> String {
            rewritten == 0 ? "every row was already in step" : "\(rewritten) rows were not in step and were rewritten"
        }
    }
}
