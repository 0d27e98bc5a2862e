import ArgumentParser
import LadderDomain
import LadderStore

extension Ladder {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a new ledger, grant system-admin to the first administrator and adopt the default policy.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The actor id of the first system administrator.") var admin = "admin"
        @Option(help: "The effective date of the first grant and the default policy (YYYY-MM-DD).")
        var effective = "2000-01-01"

        mutating func run() throws {
            try perform {
                guard isCode(admin) else { throw UserError("--admin must be 1–128 of A-Z a-z 0-9 . _ : -") }
                guard let day = Day(effective) else { throw UserError("--effective \(effective) is not a calendar date YYYY-MM-DD") }
                let ledger = try openStore(store.path, create: true)
                let result = try ledger.append(Bootstrap.events(admin: admin, effective: day), expectSeq: 0,
                                               recorded: recordedNow())
                if output.json {
                    printJSON(.object(["db": .string(store.path), "admin": .string(admin),
                                       "events": .int(Int64(result.appended)), "head": .string(result.head.hash)]))
                } else {
                    print("created \(store.path): \(admin) is system-admin, default policy adopted (\(result.appended) events)")
                }
            }
        }
    }
}
