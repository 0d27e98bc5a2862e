import Foundation
import LadderDomain
import LadderStore

/// Reads a whole input: a file path, or standard input for `-` or nothing.
/// Plain `read(2)` into one buffer: Foundation's `readToEnd` and the copy out of its `Data` took
/// ~30 ms of a 20 MB file (now ~12 ms), alone on the main thread before the parse can start.
func readInput(_ path: String?) throws -> [UInt8] {
    if path == nil || path == "-" { return try readAll(STDIN_FILENO, name: "standard input") }
    let fd = open(path!, O_RDONLY)
    guard fd >= 0 else { throw UserError("cannot read \(path!): no such file or not readable") }
    defer { close(fd) }
    return try readAll(fd, name: path!)
}

/// A file's bytes go straight into the array (its size from `fstat`); a pipe, or a file that grew, in chunks after.
private func readAll(_ fd: Int32, name: String) throws -> [UInt8] {
    func fail() -> UserError { UserError("cannot read \(name): \(String(cString: strerror(errno)))") }
    var st = stat()
    let size = fstat(fd, &st) == 0 && st.st_size > 0 ? Int(st.st_size) : 0
    var bytes = try [UInt8](unsafeUninitializedCapacity: size) { buf, count in
        while count < size {
            let n = read(fd, buf.baseAddress! + count, size - count)
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw fail() }
            if n == 0 { break }
            count += n
        }
    }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0, errno == EINTR { continue }
        if n < 0 { throw fail() }
        if n == 0 { return bytes }
        bytes.append(contentsOf: chunk[0..<n])
    }
}

/// Splits JSON Lines and checks each envelope. Blank lines are skipped.
/// Every problem of every line is collected before anything is refused.
/// Lines are independent, so large inputs are parsed on every core, each event
/// written straight into its place in the result.
func parseJSONLines(_ bytes: [UInt8]) throws -> [Event] {
    try bytes.withUnsafeBufferPointer { whole in
        nonisolated(unsafe) let input = whole  // read-only while the runs parse it
        let lines = lineRanges(whole)
        let failures = LineFailures()
        let events = concurrentFill(count: lines.count, threshold: 2_000) { k in
            switch Envelope.parse(UnsafeBufferPointer(rebasing: input[lines[k].bytes]), label: "line \(lines[k].number)") {
            case .success(let e): return e
            case .failure(let r): failures.add(k, r.all); return placeholder
            }
        }
        if let problems = failures.inLineOrder { throw Refusals(problems) }
        return events
    }
}

/// Each non-blank line's number (from 1) and bytes, without its newline or a CR before it.
private func lineRanges(_ b: UnsafeBufferPointer<UInt8>) -> [(number: Int, bytes: Range<Int>)] {
    var out: [(number: Int, bytes: Range<Int>)] = []
    out.reserveCapacity(b.count / 128)
    var start = 0, number = 0
    while start <= b.count {
        number += 1
        let rest = b.count - start
        let nl = rest == 0 ? nil : memchr(b.baseAddress! + start, 0x0A, rest)
        var end = nl.map { start + (UnsafeRawPointer($0) - UnsafeRawPointer(b.baseAddress! + start)) } ?? b.count
        let next = end + 1
        if end > start, b[end - 1] == 0x0D { end -= 1 }
        if b[start..<end].contains(where: { $0 != 0x20 && $0 != 0x09 }) { out.append((number, start..<end)) }
        start = next
    }
    return out
}

/// What stands in a refused line's place until the refusals are thrown.
private let placeholder = Event(seq: 0, id: "", type: .unitRegistered, effective: Day(year: 1, month: 1, day: 1),
                                actor: Actor(id: "", role: .auditor), values: [])

/// The refusals of the lines that failed, from whichever thread parsed them.
private final class LineFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var found: [(line: Int, refusals: [Refusal])] = []
    func add(_ line: Int, _ r: [Refusal]) { lock.lock(); found.append((line, r)); lock.unlock() }
    var inLineOrder: [Refusal]? { found.isEmpty ? nil : found.sorted { $0.line < $1.line }.flatMap(\.refusals) }
}
