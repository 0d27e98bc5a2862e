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
