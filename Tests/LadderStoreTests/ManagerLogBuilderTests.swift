import Testing
@testable import LadderStore
import LadderDomain

/// The managers' lists a replay gathers: whatever order the log names its managers in (runs repeated,
/// broken, new managers among known ones, events of no manager), each list is its manager's seqs in order.
@Suite struct ManagerLogBuilderTests {
    static func event(_ seq: Int64, _ manager: String?) -> Event {
        var e = Event(seq: seq, id: "e-\(seq)", type: .performanceRated, effective: Day(year: 2026, month: 1, day: 1),
                      actor: Actor(id: "hr", role: .hr), values: [.text(manager ?? ""), .text("2026-01"), .text("B")])
        e.subject = manager
        return e
    }

    @Test func everyListHoldsItsManagersSeqsInOrder() {
        var rng = SystemRandomNumberGenerator()
        let managers = (1...40).map { "M-\($0)" }
        var names: [String?] = []
        for round in 0..<12 {
            // A month's run in the usual order, then one shuffled, with gaps, newcomers and events of no manager.
            let run = round % 3 == 2 ? managers.shuffled(using: &rng) : managers
            for (k, m) in run.enumerated() where (k + round) % 7 != 0 { names.append(m) }
            names += [nil, "M-new-\(round)", managers[round]]
        }
        let events = names.enumerated().map { ManagerLogBuilderTests.event(Int64($0.offset + 1), $0.element) }
        var builder = ManagerLogBuilder()
        for start in stride(from: 0, to: events.count, by: 64) { builder.add(Array(events[start..<min(events.count, start + 64)])) }
        var want: [String: [Int64]] = [:]
        for e in events { if let m = e.subject { want[m, default: []].append(e.seq) } }
        let got = builder.logs
        #expect(got.count == want.count && want.count == 40 + 12)
        for (m, seqs) in want { #expect(got[m]?.seqs == seqs, "\(m)") }
    }
}
