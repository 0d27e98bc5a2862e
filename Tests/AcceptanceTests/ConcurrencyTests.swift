import Foundation
import Testing
import LadderDomain

/// Eight writer processes at once, on either backend: no gap, no fork, every
/// accepted event exactly once, never "database is locked".
@Suite struct ConcurrencyTests {
    @Test func eightWritersNeverGapOrFork() throws {
        let s = try Sandbox()
        #expect(s.append(World.grants + [World.enrol("M-1", "李伟")]).status == 0)
        let before = s.run("head", "--json").json["seq"].intValue!
        let writers = 8, each = 10
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: writers) { w in
            for i in 0..<each {
                let e = World.e("w\(w)-\(i)", "ReviewSubmitted", "2030-06-30", "M-1", "examinee",
                                ["manager": "M-1", "period": .string("\(2030 + w * each + i)H1"), "relation": "self", "score": 80])
                let r = s.run("append", stdin: e)
                if r.status != 0 || r.stderr.contains("locked") { failures.add(r.stderr) }
            }
        }
        #expect(failures.values.isEmpty, "\(failures.values.prefix(3))")
        let log = s.log()
        #expect(log.map { $0["seq"] } == (1...log.count).map { .int(Int64($0)) })
        #expect(log.count == Int(before) + writers * each)
        let ids = log.compactMap { $0["id"].stringValue }.filter { $0.hasPrefix("w") }
        #expect(Set(ids).count == writers * each)
        #expect(s.run("verify").status == 0)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [String] = []
    func add(_ v: String) { lock.lock(); values.append(v); lock.unlock() }
}
