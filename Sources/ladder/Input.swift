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
/// Lines are independent, so large inputs are parsed on every core.
func parseJSONLines(_ bytes: [UInt8]) throws -> [Event] {
    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    let parsed = try concurrentMap(Array(lines.enumerated()), threshold: 2_000) { (n, line) -> Result<Event, Refusals>? in
        var line = line
        if line.last == 0x0D { line = line.dropLast() }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
        return line.withUnsafeBufferPointer { Envelope.parse($0, label: "line \(n + 1)") }
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
