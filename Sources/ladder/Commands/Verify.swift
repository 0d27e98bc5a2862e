import ArgumentParser
import LadderDomain
import LadderStore

extension Ladder {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Re-check the hash chain and the append-only guard; exit 1 on any break, naming the first bad seq.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "An anchored head SEQ:HASH (from `ladder head`) that the log must still hold.") var head: String?

        mutating func run() throws {
            try perform {
                var anchor: (Int64, String)?
                if let head {
                    let parts = head.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, let s = Int64(parts[0]), s >= 0 else {
                        throw UserError("--head must be SEQ:HASH, as `ladder head` prints it")
                    }
                    anchor = (s, String(parts[1]).lowercased())
                }
                let ledger = try store.open()
                let r = try ledger.verify()
                var ok = r.ok
                var firstBad = r.firstBad
                var problem = r.problem
                if ok, let (seq, hash) = anchor {
                    let held = seq == 0 ? Chain.genesis : try ledger.hash(at: seq)
                    if held != hash {
                        ok = false
                        firstBad = seq
                        problem = held == nil ? "the anchored head seq \(seq) is no longer in the log (truncated?)"
                            : "the log holds another event at the anchored seq \(seq)"
                    }
                }
                if output.json {
                    var o: [String: JSONValue] = ["ok": .bool(ok), "events": .int(r.events), "head": .string(r.head),
                                                  "guard": .bool(r.guardIntact)]
                    if let firstBad { o["firstBad"] = .int(firstBad) }
                    if let problem { o["problem"] = .string(problem) }
                    printJSON(.object(o))
                } else if ok {
                    print("ok: \(r.events) events, chain and guard intact; head \(r.head)")
                } else {
                    print("BROKEN at seq \(firstBad.map(String.init) ?? "?"): \(problem ?? "")")
                }
                if !ok { throw ExitCode(1) }
            }
        }
    }

    struct Head: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "head",
            abstract: "Print the log's last seq and hash, for an auditor to keep outside the store.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        mutating func run() throws {
            try perform {
                let h = try store.open().head()
                if output.json { printJSON(.object(["seq": .int(h.seq), "hash": .string(h.hash)])) }
                else { print("\(h.seq):\(h.hash)") }
            }
        }
    }
}
