import ArgumentParser
import LadderDomain
import LadderStore

extension Ladder {
    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Copy a whole ledger to a new store, verbatim (same seq, times and hashes), and rebuild its projections.",
            discussion: "Either side may be an SQLite file or postgres://USER@HOST:PORT/DB. The target must not exist yet (or be an empty database); afterwards `verify` gives the same head hash on both.")
        @OptionGroup var output: OutputOptions
        @Option(help: "The ledger to copy.") var from: String
        @Option(help: "The new ledger.") var to: String

        mutating func run() throws {
            try perform {
                let source = try openStore(from)
                let check = try source.verify()
                guard check.ok else { throw UserError("\(from) does not verify (first bad seq \(check.firstBad.map(String.init) ?? "?")); nothing was copied") }
                let target = try openStore(to, create: true)
                var rows: [StoredEvent] = []
                var progress = Progress(quiet: output.json)
                defer { progress.done() }  // also before an error line, which would otherwise share its line
                try source.scan(since: 0, through: nil, manager: nil) { row in
                    rows.append(row)
                    progress.update("\(rows.count) events read")
                }
                progress.update("\(rows.count) events read; writing them", force: true)
                try target.copyIn(rows)
                _ = try target.rebuildProjections { progress.folding($0, of: $1) }
                progress.done()
                let after = try target.verify()
                if output.json {
                    printJSON(["events": .int(after.events), "head": .string(after.head), "ok": .bool(after.ok && after.head == check.head)])
                } else {
                    print("copied \(after.events) events; head \(after.head) on both")
                }
                if !(after.ok && after.head == check.head) { throw ExitCode(1) }
            }
        }
    }
}
