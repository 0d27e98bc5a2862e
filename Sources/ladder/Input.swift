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
/// Lines are independent, so large inputs are parsed on every core.
func parseJSONLines(_ bytes: [UInt8]) throws -> [Event] {
    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    let parts = lines.count < 2_000 ? 1 : ProcessInfo.processInfo.activeProcessorCount
    let size = (lines.count + parts - 1) / max(parts, 1)
    let results = ChunkResults(count: parts)
    DispatchQueue.concurrentPerform(iterations: parts) { p in
        var events: [Event] = [], problems: [Refusal] = []
        for n in (p * size)..<min(lines.count, (p + 1) * size) {
            var line = lines[n]
            if line.last == 0x0D { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            switch Envelope.parse(Array(line), label: "line \(n + 1)") {
            case .success(let e): events.append(e)
            case .failure(let r): problems += r.all
            }
        }
        results.set(p, events, problems)
    }
    let (events, problems) = results.joined()
    if !problems.isEmpty { throw Refusals(problems) }
    return events
}

/// Per-chunk results of a parallel parse, joined back in input order.
final class ChunkResults: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [([Event], [Refusal])]
    init(count: Int) { parts = Array(repeating: ([], []), count: count) }
    func set(_ i: Int, _ events: [Event], _ problems: [Refusal]) { lock.lock(); parts[i] = (events, problems); lock.unlock() }
    func joined() -> ([Event], [Refusal]) { (parts.flatMap(\.0), parts.flatMap(\.1)) }
}
