import Foundation
import LadderDomain
import LadderStore

/// Reads a whole input: a file path, or standard input for `-` or nothing.
func readInput(_ path: String?) throws -> [UInt8] {
    if path == nil || path == "-" { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
    guard let h = FileHandle(forReadingAtPath: path!) else { throw UserError("cannot read \(path!): no such file or not readable") }
    defer { try? h.close() }
    return [UInt8](try h.readToEnd() ?? Data())
}

/// Splits JSON Lines and checks each envelope. Blank lines are skipped.
/// Every problem of every line is collected before anything is refused.
/// Lines are independent, so large inputs are parsed on every core.
func parseJSONLines(_ bytes: [UInt8]) throws -> [Event] {
    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    let parsed = try concurrentMap(Array(lines.enumerated()), threshold: 2_000) { (n, line) -> Result<Event, Refusals>? in
        var line = line
        if line.last == 0x0D { line = line.dropLast() }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
        return Envelope.parse(Array(line), label: "line \(n + 1)")
    }
    var events: [Event] = [], problems: [Refusal] = []
    events.reserveCapacity(parsed.count)
    for case let r? in parsed {
        switch r {
        case .success(let e): events.append(e)
        case .failure(let r): problems += r.all
        }
    }
    if !problems.isEmpty { throw Refusals(problems) }
    return events
}
