import ArgumentParser
import LadderDomain
import LadderStore

extension Ladder {
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "log", abstract: "Print the events, in order.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only events after this seq.") var since: Int64 = 0
        @Option(help: "Only events about this manager (including their applications).") var manager: String?

        mutating func run() throws {
            try perform {
                let ledger = try store.open()
                var items: [JSONValue] = []
                var table = Table("seq", "effective", "type", "id", "actor", "data")
                try ledger.scan(since: since, through: nil, manager: manager) { row in
                    if output.json { items.append(row.json) } else {
                        // The table shows the start of long data (a policy); --json has it whole.
                        let data = row.data.count > 120 ? String(row.data.prefix(119)) + "…" : row.data
                        table.add(String(row.seq), row.effective, row.type, row.id, "\(row.actorID) (\(row.actorRole))", data)
                    }
                }
                if output.json { printJSON(.array(items)) } else { table.print() }
            }
        }
    }
}

extension StoredEvent {
    /// The event as `log --json` shows it: the envelope, data, and what the ledger added.
    var json: JSONValue {
        .object([
            "seq": .int(seq), "id": .string(id), "type": .string(type), "effective": .string(effective),
            "recorded": .string(recorded), "actor": .object(["id": .string(actorID), "role": .string(actorRole)]),
            "data": (try? JSONParser.parse(data)) ?? .string(data), "prevHash": .string(prevHash), "hash": .string(hash),
        ])
    }
}
