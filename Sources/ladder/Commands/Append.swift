import ArgumentParser
import LadderDomain
import LadderStore

extension Ladder {
    struct Append: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "append",
            abstract: "Append JSON Lines events, all or nothing.",
            discussion: "Every problem is printed as `error: [RULE] …`; if there is any, nothing is written. Re-appending an identical event is a no-op.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "A JSON Lines file, or - (the default) for standard input.") var file: String?
        @Option(help: "Refuse (stale-version) unless the log's last seq is this.") var expectSeq: Int64?

        mutating func run() throws {
            try perform {
                PhaseTrace.start()
                let ledger = try store.open()
                let events = try parseJSONLines(try readInput(file))
                PhaseTrace.mark("open, read and parse")
                let result = try appendShowingProgress(events, to: ledger, expectSeq: expectSeq, json: output.json)
                PhaseTrace.mark("commit")
                try ledger.close()
                PhaseTrace.mark("close")
                report(result, json: output.json)
                keepUntilExit(ledger, events)
            }
        }
    }
}

/// One atomic append; a large one says on a terminal that it is under way (the rules, the chain and the
/// projections of 100,000 events take seconds), and a small one says nothing.
func appendShowingProgress(_ events: [Event], to ledger: LedgerStore, expectSeq: Int64?, json: Bool) throws -> AppendResult {
    var progress = Progress(quiet: json || events.count < 10_000)
    progress.update("append: \(events.count) events read; checking and writing them, all or nothing", force: true)
    defer { progress.done() }
    return try ledger.append(events, expectSeq: expectSeq, recorded: recordedNow())
}

func report(_ result: AppendResult, json: Bool) {
    if json {
        var o: [String: JSONValue] = ["appended": .int(Int64(result.appended)), "skipped": .int(Int64(result.skipped)),
                                      "head": .object(["seq": .int(result.head.seq), "hash": .string(result.head.hash)])]
        if let f = result.firstSeq { o["firstSeq"] = .int(f) }
        printJSON(.object(o))
    } else {
        var line = "appended \(result.appended) event\(result.appended == 1 ? "" : "s")"
        if let f = result.firstSeq { line += " (seq \(f)–\(result.head.seq))" }
        if result.skipped > 0 { line += ", \(result.skipped) already recorded" }
        print(line + "; head \(result.head.seq) \(result.head.hash)")
    }
}
