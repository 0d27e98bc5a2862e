import Foundation
import LadderDomain

/// A batch's rows (`EventRows`), computed chunk after chunk on a thread of their own for the row writer,
/// at most `ahead` chunks beyond the one it takes. The chain makes the rows sequential, but not the inserts:
/// the writer inserts while the next chunks are computed. (With both on the writer's thread, a fresh
/// 100,000-event append waited ~0.1 s for the writer after the rules, one core idle: the rows are a third
/// of its work.)
final class RowChunks: @unchecked Sendable {
    private let cond = NSCondition()
    /// Computed and not yet taken, in order.
    private var ready: [EventRows] = []
    private var stopped = false, done = false

    init(_ events: [Event], candidates: [Int], after head: Head, recorded: String, chunk: Int, ahead: Int) {
        Thread.detachNewThread { [self] in
            var computed = 0
            var prev = head.hash
            while computed < candidates.count {
                cond.lock()
                while !stopped && ready.count >= ahead { cond.wait() }
                let stop = stopped
                cond.unlock()
                if stop { break }
                let rows = EventRows.chunk(events, candidates, from: computed, size: chunk, after: head, prev: prev, recorded: recorded)
                prev = rows.hash(of: rows.end - rows.first - 1)
                computed = rows.end
                cond.lock()
                ready.append(rows)
                cond.broadcast()
                cond.unlock()
            }
            cond.lock()
            done = true
            cond.broadcast()
            cond.unlock()
        }
    }

    /// The next chunk, once it is computed; nil once stopped (or past the last).
    func next() -> EventRows? {
        cond.lock()
        defer { cond.unlock() }
        while ready.isEmpty && !stopped && !done { cond.wait() }
        if stopped || ready.isEmpty { return nil }
        cond.broadcast()  // room for one more
        return ready.removeFirst()
    }

    /// Stops the computing after the chunk under way and waits for its thread to end. Idempotent, from any thread.
    func stop() {
        cond.lock()
        stopped = true
        cond.broadcast()
        while !done { cond.wait() }
        cond.unlock()
    }
}
