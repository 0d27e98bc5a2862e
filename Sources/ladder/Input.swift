import Foundation
import LadderDomain

/// Reads a whole input: a file path, or standard input for `-` or nothing.
func readInput(_ path: String?) throws -> [UInt8] {
    if path == nil || path == "-" { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
    guard let h = FileHandle(forReadingAtPath: path!) else { throw UserError("cannot read \(path!): no such file or not readable") }
    defer { try? h.close() }
    return [UInt8](try h.readToEnd() ?? Data())
}

/// Splits JSON Lines and checks each envelope. Blank lines are skipped.
/// Every problem of every line is collected before anything is refused.
func parseJSONLines(_ bytes: [UInt8]) throws -> [Event] {
    var events: [Event] = []
    var problems: [Refusal] = []
    var lineNo = 0
    for var line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
        lineNo += 1
        if line.last == 0x0D { line = line.dropLast() }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
        switch Envelope.parse(Array(line), label: "line \(lineNo)") {
        case .success(let e): events.append(e)
        case .failure(let r): problems += r.all
        }
    }
    if !problems.isEmpty { throw Refusals(problems) }
    return events
}
