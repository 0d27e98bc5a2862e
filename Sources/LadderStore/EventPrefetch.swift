import Foundation
import GRDB
import LadderDomain

/// A replay's reader: a second, read-only connection reads and decodes the log
/// on another thread while the writer folds it, so that a replay uses both
/// cores. Events are handed over in chunks through a bounded queue, so memory
/// stays flat however far the reader runs ahead.
///
/// Only a rebuild uses it: it runs under the write lock, so the reader's
/// snapshot holds exactly the events the writer's does.
final class EventPrefetch: @unchecked Sendable {
    private let cond = NSCondition()
    private var chunks: [[Event]] = []
    /// Chunks the writer has folded, handed back so that the reader frees them: freeing
    /// thousands of small allocations is real work, and the writer is the busier thread.
    private var spent: [[Event]] = []
    private var finished = false
    private var stopped = false
    private var failure: Error?
    /// The managers' lists, gathered on the reader's thread as it reads (the writer is the
    /// busier one); the writer takes them once the reader has finished.
    private var logs = ManagerLogBuilder()
    static let chunkSize = 4096, depth = 8

    private struct Stopped: Error {}

    init(path: String, configuration: Configuration, since: Int64, through: Int64?) {
        Thread.detachNewThread { [self] in
            let r = Result {
                try DatabaseQueue(path: path, configuration: configuration).read { db in
                    var chunk: [Event] = []
                    chunk.reserveCapacity(EventPrefetch.chunkSize)
                    var logs = ManagerLogBuilder()
                    try SQLiteStore.events(db, since: since, through: through) { e in
                        chunk.append(e)
                        if chunk.count == EventPrefetch.chunkSize {
                            logs.add(chunk)
                            // Handed over whole, the reader keeping no reference: a chunk still shared when the
                            // writer folds it in place is copied first, a retain per field of every event.
                            var full: [Event] = []
                            full.reserveCapacity(EventPrefetch.chunkSize)
                            swap(&full, &chunk)
                            try push(consume full)
                        }
                    }
                    if !chunk.isEmpty { logs.add(chunk); try push(consume chunk) }
                    cond.lock()
                    self.logs = logs
                    cond.unlock()
                }
            }
            cond.lock()
            if case .failure(let e) = r, !(e is Stopped) { failure = e }
            finished = true
            cond.broadcast()
            cond.unlock()
        }
    }

    private func push(_ chunk: consuming [Event]) throws {
        var done: [[Event]] = []
        defer { done.removeAll() }  // freed here, on the reader's thread, outside the lock
        cond.lock(); defer { cond.unlock() }
        while chunks.count >= EventPrefetch.depth && !stopped { cond.wait() }
        if stopped { throw Stopped() }
        chunks.append(consume chunk)
        swap(&done, &spent)
        cond.broadcast()
    }

    /// Replaces `chunk` (folded) with the next one in log order; false at the end, when
    /// `logs` gets the lists of every event read. Throws what the reader hit, after the
    /// events before it.
    func next(_ chunk: inout [Event], logs: inout ManagerLogBuilder) throws -> Bool {
        cond.lock(); defer { cond.unlock() }
        if !chunk.isEmpty { spent.append(chunk); chunk = [] }
        while chunks.isEmpty && !finished { cond.wait() }
        if !chunks.isEmpty { cond.broadcast(); chunk = chunks.removeFirst(); return true }
        if let failure { throw failure }
        swap(&logs, &self.logs)
        return false
    }

    /// Stops the reader and waits for it to close its connection.
    func stop() {
        cond.lock(); defer { cond.unlock() }
        stopped = true
        cond.broadcast()
        while !finished { cond.wait() }
    }
}
