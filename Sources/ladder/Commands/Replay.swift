import ArgumentParser
import Foundation
import LadderDomain
import LadderStore

extension Ladder {
    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop and rebuild every projection from the log; print counts and time.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        mutating func run() throws {
            try perform {
                let ledger = try store.open()
                let start = Date()
                let r = try ledger.rebuildProjections()
                let seconds = Date().timeIntervalSince(start)
                let rate = seconds > 0 ? Double(r.events) / seconds : 0
                if output.json {
                    printJSON(.object(["events": .int(r.events), "entities": .int(Int64(r.entities)),
                                       "seconds": .double((seconds * 1000).rounded() / 1000),
                                       "eventsPerSecond": .int(Int64(rate))]))
                } else {
                    print("replayed \(r.events) events into \(r.entities) projection rows in \(String(format: "%.3f", seconds)) s (\(Int(rate)) events/s)")
                }
            }
        }
    }
}
