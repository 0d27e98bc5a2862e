import Foundation
import LadderDomain

/// Writes one JSON document (sorted keys: stable for scripts) and a newline.
func printJSON(_ value: JSONValue) {
    var out = value.canonical
    out += "\n"
    FileHandle.standardOutput.write(Data(out.utf8))
}

/// A table for people, aligned by display width so that CJK names line up.
struct Table {
    let headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }
    init(_ headers: [String]) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }
    mutating func add(_ cells: [String]) { rows.append(cells) }

    func render() -> String {
        var widths = headers.map(displayWidth)
        for row in rows {
            for (i, c) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(c)) }
        }
        func line(_ cells: [String]) -> String {
            var s = ""
            for (i, c) in cells.enumerated() {
                let last = i == cells.count - 1
                s += c
                if !last { s += String(repeating: " ", count: widths[i] - displayWidth(c) + 2) }
            }
            return s
        }
        var out = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }

    func print() { Swift.print(render()) }
}

/// Terminal columns a string takes: East Asian wide and full-width characters take two.
func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { w, u in
        let v = u.value
        if v < 0x20 || (0x300...0x36F).contains(v) || v == 0x200B { return w }
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x20000...0x3FFFD).contains(v)
        return w + (wide ? 2 : 1)
    }
}

/// Progress on a terminal only: quiet when stderr is piped or under --json.
struct Progress {
    let enabled: Bool
    private var last = Date.distantPast

    init(quiet: Bool) { enabled = !quiet && isatty(STDERR_FILENO) == 1 }

    /// At most ten lines a second; `force` shows this one anyway (a step that will take a while).
    mutating func update(_ text: @autoclosure () -> String, force: Bool = false) {
        guard enabled, force || Date().timeIntervalSince(last) > 0.1 else { return }
        last = Date()
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text())".utf8))
    }

    /// A rebuild's line: how far the fold is, then (shown whatever the rate) its last step, writing
    /// the rows and the commit. What `replay` and `copy` pass as `rebuildProjections`'s progress.
    mutating func folding(_ folded: Int64, of total: Int64) {
        if folded < total {
            update("replay: \(folded) of \(total) events folded (\(total > 0 ? folded * 100 / total : 100)%)")
        } else {
            update("replay: \(total) events folded; writing the projection rows", force: true)
        }
    }

    func done() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// What a command holds when it is done (a large append's events and cached state) is left to the
/// process's exit: the OS takes the pages back at once, where freeing them piece by piece took ~50 ms
/// after a 100,000-event append. Only for what is no longer used; a store is closed first.
nonisolated(unsafe) private var keptUntilExit: [Any] = []

func keepUntilExit(_ things: Any...) { keptUntilExit.append(contentsOf: things) }
