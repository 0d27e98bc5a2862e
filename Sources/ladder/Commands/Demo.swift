import ArgumentParser
import Foundation
import LadderDemo
import LadderDomain
import LadderStore

extension Ladder {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "Build a realistic province in a fresh store, run years of half-yearly windows on it, then report.",
            discussion: "A province centre and its 14 city branches, about 2,000 managers with Chinese names, and every stage of every window, appended through the same path and rules as a user's. Deterministic for a seed. A store that already holds events is refused and left as it was.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "How many customer managers.") var managers = 2000
        @Option(help: "How many years of half-yearly windows.") var years = 5
        @Option(help: "The random seed; the same seed gives the same province.") var seed: UInt64 = 1
        @Option(help: "Write the demo's events as JSON Lines to this file instead of appending them (for benchmarks).")
        var jsonl: String?
        @Option(help: "With --jsonl: stop after this many events.") var limit: Int?

        func validate() throws {
            guard managers >= 15 else { throw ValidationError("--managers must be at least 15 (one per unit)") }
            guard (1...50).contains(years) else { throw ValidationError("--years must be 1–50") }
        }

        mutating func run() throws {
            try perform {
                var options = ProvinceDemo.Options()
                options.managers = managers; options.years = years; options.seed = seed
                if let jsonl { try export(options, to: jsonl); return }
                try runDemo(options)
            }
        }

        func export(_ options: ProvinceDemo.Options, to path: String) throws {
            var demo = ProvinceDemo(options)
            guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                throw UserError("cannot write \(path)")
            }
            defer { try? h.close() }
            var written = 0
            var progress = Progress(quiet: output.json)
            outer: while let (_, events) = demo.nextBatch() {
                var chunk = ""
                for e in events {
                    if let limit, written >= limit { h.write(Data(chunk.utf8)); break outer }
                    chunk += e.userJSON.canonical + "\n"
                    written += 1
                }
                h.write(Data(chunk.utf8))
                progress.update("\(written) events written")
            }
            progress.done()
            if output.json { printJSON(["events": .int(Int64(written)), "file": .string(path)]) }
            else { print("wrote \(written) events to \(path)") }
        }

        func runDemo(_ options: ProvinceDemo.Options) throws {
            let path = store.path
            let start = Date()
            let ledger: LedgerStore
            do { ledger = try openStore(path) } catch StoreError.notFound { ledger = try openStore(path, create: true) }
            let head = try ledger.head()
            if head.seq > 0 {
                throw UserError("\(path) already holds \(head.seq) events; the demo needs a fresh store (nothing was changed)")
            }
            _ = try ledger.append(Bootstrap.events(admin: options.admin, effective: Day(year: 2000, month: 1, day: 1)),
                                  expectSeq: 0, recorded: recordedNow())
            var demo = ProvinceDemo(options)
            var progress = Progress(quiet: output.json)
            var count = 2
            while let (label, events) = demo.nextBatch() {
                progress.update("\(label): \(count) events so far")
                let r = try ledger.append(events, expectSeq: Int64(count), recorded: recordedNow())
                count += r.appended
            }
            progress.done()
            let built = Date().timeIntervalSince(start)
            let verify = try ledger.verify()
            let state = try ledger.stateWithoutEvidence()
            let summary = DemoSummary(state: state, events: count, seconds: built, verify: verify, options: options)
            if output.json { printJSON(summary.json) } else { summary.print() }
        }
    }
}
