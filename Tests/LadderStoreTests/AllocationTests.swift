import Testing
@testable import LadderDomain

/// A decision's check asks the allocation for its own application only (`allocation(only:)`): that must be
/// the very decision the whole allocation makes, rank, score and reason, for every application of every window.
@Suite struct AllocationTests {
    @Test func oneApplicationsDecisionIsItsDecisionInTheWholeAllocation() throws {
        var state = LedgerState()
        let log = Bootstrap.events(admin: "admin", effective: Day(year: 2000, month: 1, day: 1)) + LargeBatchTests.province(managers: 150, years: 3)
        for (i, e) in log.enumerated() {
            var e = e
            e.seq = Int64(i + 1)
            state.apply(e)
        }
        var checked = 0, granted = 0, unranked = 0
        for (key, w) in state.windows {
            let policy = try #require(state.policy(on: w.opened)).policy
            for d in state.allocation(key, policy: policy) {
                #expect(state.allocation(key, policy: policy, only: d.application) == [d])
                checked += 1
                if d.granted { granted += 1 }
                if d.rank == nil { unranked += 1 }
            }
            #expect(state.allocation(key, policy: policy, only: "no-such-application").isEmpty)
        }
        // Granted, ranked below the line and not candidates at all: every kind of decision was compared.
        #expect(checked > granted && granted > 0 && unranked > 0 && checked > granted + unranked, "\(checked) \(granted) \(unranked)")
    }
}
