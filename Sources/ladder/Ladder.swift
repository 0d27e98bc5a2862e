import ArgumentParser
import Foundation
import LadderDomain
import LadderStore

@main
struct Ladder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ladder",
        abstract: "An event-sourced, hash-chained ledger of customer-manager certification and promotion.",
        discussion: "The store is --db PATH, else $LADDER_DB, else ./ladder.sqlite. Exit codes: 0 done, 1 refused or verification failed, 64 usage error, 70 internal error.",
        subcommands: [Init.self, Append.self, Import.self, Log.self, Verify.self, Head.self, Replay.self, Manager.self, Window.self, Quota.self,
                      Allocate.self, Explain.self, Audit.self, Compliance.self, Demo.self, Copy.self])

    static func main() {
        MallocPolicy.apply()
        main(nil)
    }
}

/// Runs a command body, turning every failure into `error: …` lines and an
/// exit code, so that no input ever ends in a trap or a stack trace.
func perform(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let r as Refusals {
        for refusal in r.all { printError(refusal.description) }
        throw ExitCode(1)
    } catch let r as Refusal {
        printError(r.description)
        throw ExitCode(1)
    } catch let e as StoreError {
        printError("error: \(e)")
        if case .database = e { throw ExitCode(70) }
        throw ExitCode(1)
    } catch let e as ExitCode {
        throw e
    } catch let e as UserError {
        printError("error: \(e.message)")
        throw ExitCode(1)
    } catch {
        printError("error: internal: \(error)")
        throw ExitCode(70)
    }
}

/// A problem with what the user asked for, outside the refusal rules.
struct UserError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
