import Foundation

/// Results computed on several threads at once (`DispatchQueue.concurrentPerform`),
/// one slot each, read once all have joined: verify's two halves, a batch of
/// encoded rows. A failure is kept and thrown when its slot is read.
final class ThreadResults<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, Error>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<T, Error>) { lock.lock(); slots[i] = r; lock.unlock() }
    func get(_ i: Int) throws -> T { lock.lock(); defer { lock.unlock() }; return try slots[i]!.get() }
}

/// `transform` of every item, in order. From `threshold` items on, the items are cut into one
/// run per core and the runs computed at once; the first failure in item order is thrown.
/// (Public for the CLI's parse of JSON Lines, which splits its work the same way.)
public func concurrentMap<S: Sendable, T>(_ items: [S], threshold: Int = 512, _ transform: @Sendable (S) throws -> T) throws -> [T] {
    guard items.count >= threshold else { return try items.map(transform) }
    let parts = runsPerCore(items.count, threshold: threshold)
    let runs = ThreadResults<[T]>(count: parts.count)
    DispatchQueue.concurrentPerform(iterations: parts.count) { p in runs.set(p, Result { try items[parts[p]].map(transform) }) }
    var out: [T] = []
    out.reserveCapacity(items.count)
    for p in parts.indices { out += try runs.get(p) }
    return out
}

/// `[make(0), make(1), …]`, each element initialized in place by the thread that made it (no per-thread
/// arrays copied into one afterwards: an element's copy retains what it holds). From `threshold` on, the
/// indexes are cut into one run per core as `concurrentMap` cuts them.
public func concurrentFill<T>(count: Int, threshold: Int = 512, _ make: @Sendable (Int) -> T) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let parts = runsPerCore(count, threshold: threshold)
        nonisolated(unsafe) let slots = buffer  // each run writes its own range only
        DispatchQueue.concurrentPerform(iterations: parts.count) { p in
            for i in parts[p] { (slots.baseAddress! + i).initialize(to: make(i)) }
        }
        initialized = count
    }
}

/// `0..<count` cut into one run per core, or a single run under `threshold`.
private func runsPerCore(_ count: Int, threshold: Int) -> [Range<Int>] {
    let parts = count >= threshold ? ProcessInfo.processInfo.activeProcessorCount : 1, size = (count + parts - 1) / parts
    return (0..<parts).map { min(count, $0 * size)..<min(count, ($0 + 1) * size) }
}

/// A value another thread sets (`fulfil`) while the caller goes on; `value()` waits for it.
/// The first value set is kept: a job that fails part-way fulfils what it did not reach, and
/// may not know which.
final class Pending<T: Sendable>: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: T?

    func fulfil(_ value: T) {
        lock.lock()
        defer { lock.unlock() }
        guard result == nil else { return }
        result = value
        ready.signal()
    }

    func value() -> T {
        ready.wait()
        ready.signal()  // a second call does not wait forever
        lock.lock()
        defer { lock.unlock() }
        return result!
    }
}
