import ArgumentParser
import LadderDomain
import Foundation
import LadderStore

/// Where the ledger lives; shared by every command.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The ledger: an SQLite file, or postgres://USER@HOST:PORT/DB (default: $LADDER_DB, else ./ladder.sqlite).")
    var db: String?

    var path: String { db ?? ProcessInfo.processInfo.environment["LADDER_DB"] ?? "ladder.sqlite" }

    func open() throws -> LedgerStore { try openStore(path) }
}

/// Output format; shared by every report.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON document on stdout instead of a table.")
    var json = false
}

/// The append time stamp: RFC 3339 UTC with milliseconds.
func recordedNow() -> String {
    Timestamp.rfc3339(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
}
