import Foundation
import LadderDomain

/// Writes a batch's new events as the rules accept them. Their rows (effective day, canonical data,
/// packed values, chain) depend on each event and the chain before it alone, since a batch is
/// all or nothing: event k of the candidates gets seq head + 1 + k. Only the manager column
/// waits for the rules (an application's or a void's manager is read from the state).
///
/// A large batch on a backend that allows it (`LedgerSession.writesRowsConcurrently`) is written
/// on a second thread, as far as the rules on this thread have accepted, while a third computes the rows a
/// chunk at a time, up to `ahead` chunks beyond those taken (`RowChunks`). The writer uses the session only
/// once an event is accepted; from then on the session is shared, one thread at a time, and every
/// other use of it goes through `exclusive`. Otherwise the rows are computed and inserted by
/// `finish`, after the rules, on the caller's thread.
final class EventRowWriter: @unchecked Sendable {
    private let events: [Event], candidates: [Int], head: Head, recorded: String
    private let session: any LedgerSession
    /// Whose turn it is at the session.
    private let turns = Turns()
    /// Guards the fields below it.
    private let progress = NSCondition()
    private var managers: [String?] = []
    private var allAccepted = false, cancelled = false
    /// The count of accepted candidates the waiting writer is woken at (none: it is not waiting).
    private var wakeAt = -1
    private var failure: Error?
    private var lastHash: String
    private let finished = DispatchSemaphore(value: 0)
    private let concurrent: Bool
    private var joined = false  // the caller's thread only
    /// The rows, computed on a thread of their own when the writer has one.
    private let chunks: RowChunks?

    /// Rows computed at a time, and chunks computed ahead of the inserts at most (~16 MB, `RowChunks`): enough
    /// for the writer to keep busy while this thread loads the state and waits for the first evidence.
    static let chunk = 1_024, ahead = 48
    /// From this many events on, on a second thread (where the backend allows it).
    static let concurrentFrom = 512
    /// Accepted candidates a waiting writer is woken for.
    static let wakeAfter = 256
    /// Rows the writer inserts in one turn at the session: the rules' thread, when it needs to read,
    /// waits for one turn at most (~0.1 ms).
    static let turnRows = 32

    init(_ events: [Event], candidates: [Int], after head: Head, recorded: String, session: any LedgerSession) throws {
        (self.events, self.candidates, self.head, self.recorded, self.session) = (events, candidates, head, recorded, session)
        lastHash = head.hash
        managers.reserveCapacity(candidates.count)
        concurrent = session.writesRowsConcurrently && candidates.count >= Self.concurrentFrom
        guard concurrent else { chunks = nil; return }
        try session.prepareInserts()  // here: the writer's thread must not prepare a statement
        chunks = RowChunks(events, candidates: candidates, after: head, recorded: recorded, chunk: Self.chunk, ahead: Self.ahead)
        // A thread of its own: it blocks while it waits for the rules, which a worker of the dispatch pool
        // (the one the projections are encoded on meanwhile) should not.
        Thread.detachNewThread { [self] in run(); finished.signal() }
    }

    /// Runs `body`, which uses the session, while the writer does not.
    func exclusive<T>(_ body: () throws -> T) rethrows -> T { try turns.caller(body) }

    /// The next candidate is accepted, with this manager column. Throws what stopped the writer, if anything has.
    func accept(manager: String?) throws {
        progress.lock()
        defer { progress.unlock() }
        if let failure { throw failure }
        managers.append(manager)
        if managers.count == wakeAt { progress.signal() }
    }

    /// Every candidate is accepted: the rows are written (here, or by the writer, waited for). The head after them.
    func finish() throws -> Head {
        tell { allAccepted = true }
        if concurrent { join() } else { run() }
        if let failure { throw failure }
        return Head(seq: head.seq + Int64(candidates.count), hash: lastHash)
    }

    /// The batch is refused, or the rules failed: the writer stops, and is waited for, before the caller
    /// rolls back. After `finish`, or for a writer never started, it returns at once.
    func cancel() {
        tell { cancelled = true }
        chunks?.stop()  // (a writer waiting for a chunk is woken)
        join()
    }

    private func tell(_ change: () -> Void) {
        progress.lock()
        change()
        progress.signal()
        progress.unlock()
    }

    private func join() {
        guard concurrent, !joined else { return }
        finished.wait()
        joined = true
    }

    /// The managers of the accepted candidates from `start` up to `end` (none yet: empty), or nil
    /// when the batch is cancelled. With `wait`, a writer with nothing else to do waits for a run of
    /// them, not for each one: a thread woken per event would cost more than the insert.
    /// (A copy: a slice would share the array's storage, and `accept` would copy the whole array to append.)
    private func accepted(from start: Int, upTo end: Int, wait: Bool) -> [String?]? {
        progress.lock()
        defer { progress.unlock() }
        if wait && !cancelled && managers.count <= start && !allAccepted {
            wakeAt = min(end, start + Self.wakeAfter)
            while !cancelled && managers.count < wakeAt && !allAccepted { progress.wait() }
            wakeAt = -1
        }
        if cancelled { return nil }
        return managers.count <= start ? [] : Array(managers[start..<min(end, managers.count)])
    }

    /// Computes the rows a chunk at a time and inserts them: on the writer's thread from `chunks`, as far as
    /// the rules have accepted; else (`finish`, every candidate accepted) here, each chunk as it is computed.
    private func run() {
        if let chunks { return insertAll(from: chunks) }
        var prev = head.hash
        do {
            for start in stride(from: 0, to: candidates.count, by: Self.chunk) {
                let rows = EventRows.chunk(events, candidates, from: start, size: Self.chunk, after: head, prev: prev, recorded: recorded)
                prev = rows.hash(of: rows.end - rows.first - 1)
                guard let managers = accepted(from: start, upTo: rows.end, wait: false) else { return }  // cancelled
                try insert(managers, from: start, of: rows)
            }
            lastHash = prev
        } catch {
            fail(error)
        }
    }

    /// `run` on its thread: the rows come from `chunks`, and are inserted as far as the rules have accepted.
    private func insertAll(from chunks: RowChunks) {
        defer { chunks.stop() }
        var inserted = 0
        do {
            while inserted < candidates.count {
                guard let chunk = chunks.next() else { return }  // cancelled
                while inserted < chunk.end {
                    guard let managers = accepted(from: inserted, upTo: chunk.end, wait: true) else { return }  // cancelled
                    // (Every candidate accepted, and fewer than were planned: a broken promise of the caller's.)
                    guard !managers.isEmpty else { throw StoreError.database(message: "internal: the rules accepted fewer events than the rows planned") }
                    try insert(managers, from: inserted, of: chunk)
                    inserted += managers.count
                }
                if inserted == candidates.count { lastHash = chunk.hash(of: chunk.end - chunk.first - 1) }
            }
        } catch {
            fail(error)
        }
    }

    private func fail(_ error: Error) {
        progress.lock()
        failure = error
        progress.unlock()
    }

    /// Inserts the rows of `chunk` from the candidate at `start`, with these managers, in turns at the session.
    private func insert(_ managers: [String?], from start: Int, of chunk: EventRows) throws {
        for turn in stride(from: 0, to: managers.count, by: Self.turnRows) {
            try turns.writer {
                try chunk.bytes.withUnsafeBufferPointer { bytes in
                    for j in turn..<min(managers.count, turn + Self.turnRows) {
                        try insert(start + j - chunk.first, of: chunk, bytes, manager: managers[j])
                    }
                }
            }
        }
    }

    /// Inserts row `r` of the chunk in `rows`.
    private func insert(_ r: Int, of rows: EventRows, _ bytes: UnsafeBufferPointer<UInt8>, manager: String?) throws {
        let e = events[rows.indexes[r]]
        func column(_ c: EventRows.Column) -> RowText { .bytes(rows.range(r, c)) }
        try session.insertEvent(seq: rows.firstSeq + Int64(r),
                                [.text(e.id), .text(e.type.rawValue), column(.effective), .text(recorded),
                                 .text(e.actor.id), .text(e.actor.role.rawValue), column(.data), column(.packed),
                                 manager.map(RowText.text) ?? .null,
                                 r == 0 ? .text(rows.prev) : .bytes(rows.range(r - 1, .hash)), column(.hash)],
                                in: bytes)
    }
}

/// Turns at a session shared by the rules' thread (the caller) and the writer. The caller, whose
/// reads hold up the rules, goes first: a writer waits while the caller waits.
private final class Turns: @unchecked Sendable {
    private let state = NSCondition()
    private var busy = false, callerWaiting = false

    func caller<T>(_ body: () throws -> T) rethrows -> T {
        state.lock()
        callerWaiting = true
        while busy { state.wait() }
        callerWaiting = false
        busy = true
        state.unlock()
        defer { release() }
        return try body()
    }

    func writer(_ body: () throws -> Void) rethrows {
        state.lock()
        while busy || callerWaiting { state.wait() }
        busy = true
        state.unlock()
        defer { release() }
        try body()
    }

    private func release() {
        state.lock()
        busy = false
        state.broadcast()
        state.unlock()
    }
}

/// The columns of a run of new events that depend on each event alone and on the chain before it: the
/// effective day's text, canonical data, packed values and hash (each `prev` is the hash before it).
/// They are written as bytes, back to back in one buffer, with no `String` per column: the data is
/// written once, into the chain's body, and copied from there.
struct EventRows {
    enum Column: Int { case effective, data, packed, hash }
    /// Every row's columns, in order.
    private(set) var bytes: [UInt8] = []
    /// Where each column ends in `bytes`, four per row; each starts where the one before it ends.
    private var ends: [Int] = []
    /// The events' places in their batch, the first row's place among the candidates and the place after
    /// the last, the first row's seq, and the hash before it.
    let indexes: [Int]
    let first: Int, end: Int
    let firstSeq: Int64
    let prev: String

    func range(_ row: Int, _ c: Column) -> Range<Int> {
        let i = row * 4 + c.rawValue
        return (i == 0 ? 0 : ends[i - 1])..<ends[i]
    }
    func hash(of row: Int) -> String { String(decoding: bytes[range(row, .hash)], as: UTF8.self) }

    /// The chunk of candidates from `start` (at most `size`), their seqs following `head`'s, after hash `prev`.
    static func chunk(_ events: [Event], _ candidates: [Int], from start: Int, size: Int, after head: Head, prev: String,
                      recorded: String) -> EventRows {
        let end = min(candidates.count, start + size)
        return EventRows(events, candidates[start..<end], first: start, firstSeq: head.seq + 1 + Int64(start), prev: prev, recorded: recorded)
    }

    /// The rows of `events[indexes]`, candidates `first…`, the first at `firstSeq` after `prev`.
    init(_ events: [Event], _ indexes: ArraySlice<Int>, first: Int, firstSeq: Int64, prev: String, recorded: String) {
        (self.indexes, self.first, self.end, self.firstSeq, self.prev) = (Array(indexes), first, first + indexes.count, firstSeq, prev)
        bytes.reserveCapacity(indexes.count * 320)
        ends.reserveCapacity(indexes.count * 4)
        var body: [UInt8] = []  // prev ‖ body, hashed in one update
        body.reserveCapacity(1024)
        var seq = firstSeq
        for (k, i) in indexes.enumerated() {
            let e = events[i], effective = e.effective.description
            body.removeAll(keepingCapacity: true)
            if k == 0 { body.appendUTF8(prev) } else { body += bytes[range(k - 1, .hash)] }
            var data = 0..<0
            Chain.writeBody(&body, seq: seq, id: e.id, type: e.type.rawValue, effective: effective, recorded: recorded,
                            actorID: e.actor.id, actorRole: e.actor.role.rawValue) { b in
                let start = b.count
                e.writeData(to: &b)
                data = start..<b.count
            }
            bytes.appendUTF8(effective); ends.append(bytes.count)
            bytes += body[data]; ends.append(bytes.count)
            Packed.write(e.values, to: &bytes); ends.append(bytes.count)
            Chain.appendSHA256Hex(of: body[...], to: &bytes); ends.append(bytes.count)
            seq += 1
        }
    }
}
