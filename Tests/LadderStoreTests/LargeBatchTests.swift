import Foundation
import GRDB
import Testing
@testable import LadderStore
import LadderDemo
import LadderDomain

/// A batch of `EventRowWriter.concurrentFrom` events or more has its rows (canonical data, packed
/// values, chain) computed and inserted on a second thread while the rules run; a smaller one, after them.
@Suite struct LargeBatchTests {
    /// Two years of a small demo province: enrolments, evidence, windows, applications, voids.
    static let province = province(managers: 40, years: 2)

    /// Every event of a demo province of this size, in its order.
    static func province(managers: Int, years: Int) -> [Event] {
        var options = ProvinceDemo.Options()
        options.managers = managers
        options.years = years
        var demo = ProvinceDemo(options)
        var all: [Event] = []
        while let (_, events) = demo.nextBatch() { all += events }
        return all
    }

    static func rows(_ s: SQLiteStore) throws -> [[String?]] {
        var out: [[String?]] = []
        try s.scan(since: 0, through: nil, manager: nil) { e in
            out.append([String(e.seq), e.id, e.type, e.effective, e.recorded, e.actorID, e.actorRole, e.data, e.packed,
                        e.manager, e.prevHash, e.hash])
        }
        return out
    }

    /// A new store holding `events`, appended in batches of `size` (the reference a large batch is held to).
    static func inSmallBatches(_ events: [Event], of size: Int = 300, recorded: String = "r") throws -> SQLiteStore {
        let s = try tempStore()
        for start in stride(from: 0, to: events.count, by: size) {
            _ = try s.append(Array(events[start..<min(events.count, start + size)]), expectSeq: nil, recorded: recorded)
        }
        return s
    }

    /// A store holding the first `n` of `events`, opened anew (nothing cached), then the rest in one batch:
    /// read by need, as a large store is, unless `whole` (a store this small is then read whole).
    static func reopened(after n: Int, of events: [Event], whole: Bool = false) throws -> SQLiteStore {
        let first = try tempStore()
        _ = try first.append(Array(events[..<n]), expectSeq: 2, recorded: "r")
        let reopened = try SQLiteStore(path: first.path)
        reopened.readsSmallStoresWhole = whole
        #expect(try reopened.append(Array(events[n...]), expectSeq: Int64(n) + 2, recorded: "r").appended == events.count - n)
        return reopened
    }

    /// The managers' lists of seqs, in key order.
    static func managerLists(_ s: SQLiteStore) throws -> [Row] {
        try s.db.read { try Row.fetchAll($0, sql: "SELECT key, body FROM projection WHERE kind = 'manager-log' ORDER BY key") }
    }

    /// Every projection row, in key order.
    static func projection(_ s: SQLiteStore) throws -> [Row] {
        try s.db.read { try Row.fetchAll($0, sql: "SELECT kind, key, body FROM projection ORDER BY kind, key") }
    }

    /// An append to `s` whose second connection cannot open (its file does not exist): what it would read
    /// there is read on the append's own.
    static func appendWithoutSecond(_ events: [Event], to s: SQLiteStore) throws -> AppendResult {
        try s.db.writeWithoutTransaction { db in
            var result: AppendResult?
            try db.inTransaction(.immediate) {
                let broken = (path: s.path + "-missing", configuration: s.readOnlyConfiguration)
                var none: LoadedState?
                result = try SQLiteSession(db: db, prefetch: broken).append(events, expectSeq: nil, recorded: "r", cached: &none).0
                return .commit
            }
            return result!
        }
    }

    /// An event of another type under `e`'s id.
    static func other(withIDOf e: Event, by actor: Actor) -> Event {
        Event(seq: 0, id: e.id, type: .unitRegistered, effective: e.effective, actor: actor, values: [.text("u-x"), .text("x"), .text("city")])
    }

    @Test func oneLargeBatchWritesTheRowsSmallBatchesWrite() throws {
        let all = LargeBatchTests.province
        #expect(all.count > 3 * EventRowWriter.concurrentFrom)
        #expect(all.contains { $0.type == .eventVoided } && all.contains { $0.type == .applicationSubmitted })
        let one = try tempStore()
        #expect(try one.append(all, expectSeq: 2, recorded: "2026-12-01T00:00:00.000Z").appended == all.count)
        let small = try LargeBatchTests.inSmallBatches(all, recorded: "2026-12-01T00:00:00.000Z")
        let written = try LargeBatchTests.rows(one)
        #expect(written.count == all.count + 2)
        // Every column, the manager column and the chain included.
        #expect(written == (try LargeBatchTests.rows(small)))
        #expect(written.contains { $0[2] == "EventVoided" && $0[9] != nil })
        #expect(try one.verify().ok)
        #expect(try one.head() == small.head())
    }

    /// A refusal anywhere in a large batch, the first event or the last included, leaves the log as it
    /// was; every refusal is named, a void of the refused event among them.
    @Test(arguments: [0, 700, -1]) func aRefusalInALargeBatchWritesNothing(at position: Int) throws {
        var all = LargeBatchTests.province
        let i = position >= 0 ? position : all.count - 1
        let victim = all[i]
        all[i] = LargeBatchTests.other(withIDOf: victim, by: Actor(id: "nobody", role: .systemAdmin))
        let hr = try #require(all.first { $0.actor.role == .hr }).actor
        let void = Event(seq: 0, id: "void-of-refused", type: .eventVoided, effective: all[all.count - 1].effective,
                         actor: hr, values: [.text(victim.id), .text("test")])
        all.append(void)
        let s = try tempStore()
        let before = try LargeBatchTests.rows(s)
        let refused = #expect(throws: Refusals.self) { try s.append(all, expectSeq: nil, recorded: "t") }
        let all_ = refused?.all ?? []
        #expect(all_.contains { $0.event == victim.id && $0.rule == .notPermitted })
        // Refused, the event is unknown to a void later in the batch. (The first event is the HR grant,
        // without which the void's actor may record nothing.)
        #expect(all_.contains { $0.event == "void-of-refused" && $0.rule == (position == 0 ? .notPermitted : .unknownEvent) })
        #expect(try LargeBatchTests.rows(s) == before)
        #expect(try s.verify().ok)
        // The store goes on as before: the batch without the bad event is accepted.
        all[i] = victim
        all.removeLast()
        #expect(try s.append(all, expectSeq: 2, recorded: "t").appended == all.count)
    }

    /// A large batch onto a store opened anew (no cached state): the rules load what they need from the
    /// store (the applicants' evidence, a void's target) while the writer inserts, one at a time.
    @Test func aLargeBatchOntoAStoreReadFromDiskWritesWhatSmallBatchesWrite() throws {
        let all = LargeBatchTests.province, half = all.count / 5
        #expect(all.count - half > EventRowWriter.chunk)  // a chunk's last hash is the next one's prev
        let reopened = try LargeBatchTests.reopened(after: half, of: all), small = try LargeBatchTests.inSmallBatches(all)
        #expect(try LargeBatchTests.rows(reopened) == LargeBatchTests.rows(small))
        #expect(try reopened.verify().ok)
    }

    /// A batch large enough for its evidence to be prefetched (a run of events at a time, on a second
    /// connection) onto a store read by need writes the projection rows small batches write; so does the
    /// same batch when that connection cannot open (each run is then read on this one).
    @Test func aPrefetchedBatchWritesTheProjectionsSmallBatchesWrite() throws {
        let all = LargeBatchTests.province(managers: 130, years: 4), half = all.count / 2
        #expect(all.count - half >= max(RebuildTuning.secondReaderFrom, 2 * EvidencePrefetch.runLength))
        let small = try LargeBatchTests.inSmallBatches(all, of: 2_000)
        let prefetched = try LargeBatchTests.reopened(after: half, of: all)
        let broken = try tempStore()
        _ = try broken.append(Array(all[..<half]), expectSeq: 2, recorded: "r")
        #expect(try LargeBatchTests.appendWithoutSecond(Array(all[half...]), to: SQLiteStore(path: broken.path)).appended == all.count - half)
        for s in [prefetched, broken] {
            #expect(try LargeBatchTests.projection(s) == LargeBatchTests.projection(small))
            #expect(try LargeBatchTests.rows(s) == LargeBatchTests.rows(small))
        }
    }

    /// A large batch onto a store with few rows for its size reads the store whole, its managers' lists
    /// included, and asks it for nothing more: the same rows and lists as small batches give.
    @Test func aLargeBatchOntoASmallStoreReadsItWhole() throws {
        let all = LargeBatchTests.province(managers: 130, years: 4), part = all.count / 10
        #expect(LoadedState.readsWhole(log: Int64(part) + 2, batch: all.count - part))
        let reopened = try LargeBatchTests.reopened(after: part, of: all, whole: true)
        let small = try LargeBatchTests.inSmallBatches(all, of: 2_000)
        #expect(try LargeBatchTests.rows(reopened) == LargeBatchTests.rows(small))
        let lists = try LargeBatchTests.managerLists(reopened), want = try LargeBatchTests.managerLists(small)
        #expect(lists.count > 100 && lists == want)
        #expect(try LargeBatchTests.projection(reopened) == LargeBatchTests.projection(small))
        #expect(try reopened.verify().ok)
    }

    /// A batch onto a log much shorter than itself checks its ids against the whole log, read in one
    /// pass: the events recorded already are skipped, and one changed under its id is refused.
    @Test func aBatchOntoAShortLogChecksItsIdsAgainstAllOfIt() throws {
        let all = LargeBatchTests.province, part = all.count / 10
        let s = try tempStore()
        _ = try s.append(Array(all[..<part]), expectSeq: 2, recorded: "r")
        #expect(try s.head().seq <= Int64(all.count / 4))
        var changed = all
        changed[part / 2] = LargeBatchTests.other(withIDOf: all[part / 2], by: all[0].actor)
        let before = try s.head()
        let refused = #expect(throws: Refusals.self) { try s.append(changed, expectSeq: nil, recorded: "r") }
        #expect(refused?.all.map(\.rule) == [.duplicateID] && refused?.all.first?.event == all[part / 2].id)
        #expect(try s.head() == before)
        let r = try s.append(all, expectSeq: nil, recorded: "r")
        #expect(r.appended == all.count - part && r.skipped == part)
        #expect(try LargeBatchTests.rows(s) == LargeBatchTests.rows(LargeBatchTests.inSmallBatches(all)))
    }

    /// A large batch whose first events are recorded already (skipped): the writer, started on every event,
    /// starts again on the rest, whose seqs follow the log's head.
    @Test func aLargeBatchPartlyRecordedWritesTheRest() throws {
        let all = LargeBatchTests.province, part = all.count / 3
        let s = try tempStore()
        _ = try s.append(Array(all[..<part]), expectSeq: 2, recorded: "r")
        let r = try s.append(all, expectSeq: Int64(part) + 2, recorded: "r")
        #expect(r.appended == all.count - part && r.skipped == part)
        let small = try LargeBatchTests.inSmallBatches(all)
        #expect(try LargeBatchTests.rows(s) == LargeBatchTests.rows(small))
        #expect(try s.verify().ok)
    }

    /// An insert that fails on the writer's thread (here a trigger of the test's, raising at one seq past
    /// the first chunk) fails the append with the store's error, writes nothing, and leaves the store usable.
    @Test func anInsertFailingOnTheWritersThreadWritesNothing() throws {
        let all = LargeBatchTests.province
        let s = try tempStore()
        let before = try LargeBatchTests.rows(s)
        let other = try DatabaseQueue(path: s.path)
        let failAt = EventRowWriter.chunk + 100
        try other.write { try $0.execute(sql: """
            CREATE TRIGGER test_fails BEFORE INSERT ON events WHEN NEW.seq = \(failAt)
            BEGIN SELECT RAISE(ABORT, 'test: this insert fails'); END
            """) }
        let failed = #expect(throws: StoreError.self) { try s.append(all, expectSeq: 2, recorded: "r") }
        #expect("\(failed.map { "\($0)" } ?? "")".contains("test: this insert fails"))
        #expect(try LargeBatchTests.rows(s) == before)
        try other.write { try $0.execute(sql: "DROP TRIGGER test_fails") }
        #expect(try s.append(all, expectSeq: 2, recorded: "r").appended == all.count)
        #expect(try s.verify().ok)
    }

    /// A batch from `RebuildTuning.secondReaderFrom` events on has its ids looked up on a second
    /// connection: a re-append of it is a no-op, and one event changed under its id is refused.
    @Test func aLargeBatchsIdsAreCheckedOnASecondConnection() throws {
        let all = LargeBatchTests.province(managers: 130, years: 2)
        #expect(all.count >= RebuildTuning.secondReaderFrom)
        let s = try tempStore()
        #expect(try s.append(all, expectSeq: 2, recorded: "r").appended == all.count)
        let again = try s.append(all, expectSeq: nil, recorded: "r")
        #expect(again.appended == 0 && again.skipped == all.count)
        var changed = all
        let i = all.count / 2
        changed[i] = LargeBatchTests.other(withIDOf: all[i], by: all[0].actor)
        let before = try s.head()
        let refused = #expect(throws: Refusals.self) { try s.append(changed, expectSeq: nil, recorded: "r") }
        #expect(refused?.all.map(\.rule) == [.duplicateID])
        #expect(refused?.all.first?.event == all[i].id)
        #expect(try s.head() == before)
    }

    /// A large batch's ids are not looked up before its rules: the log's unique index finds a recorded one
    /// at insert, and the batch is run again with the check. So an event the rules accept under an id the
    /// log holds is refused as a duplicate, with nothing written; recorded events resent with new ones are
    /// skipped; and a batch the rules refuse is refused as before.
    @Test func aLargeBatchFindsARecordedIdAtInsert() throws {
        let all = LargeBatchTests.province(managers: 130, years: 4), half = all.count / 2
        #expect(all.count - half >= RebuildTuning.secondReaderFrom)
        let s = try tempStore()
        _ = try s.append(Array(all[..<half]), expectSeq: 2, recorded: "r")
        let before = try s.head()
        // A new rating (accepted by the rules) under the id of one recorded before.
        var reused = Array(all[half...])
        let i = try #require(reused.indices.last { reused[$0].type == .performanceRated })
        let e = reused[i]
        reused[i] = Event(seq: 0, id: all[0].id, type: e.type, effective: e.effective, actor: e.actor, values: e.values)
        let refused = #expect(throws: Refusals.self) { try s.append(reused, expectSeq: nil, recorded: "r") }
        #expect(refused?.all.map(\.rule) == [.duplicateID])
        #expect(refused?.all.first?.event == all[0].id)
        #expect(try s.head() == before)
        // A rating of a manager the ledger does not know: refused by its rule (the batch holds no recorded id), nothing written.
        var unknown = Array(all[half...])
        let j = try #require(unknown.indices.first { unknown[$0].type == .performanceRated })
        let r = unknown[j]
        unknown[j] = Event(seq: 0, id: r.id, type: r.type, effective: r.effective, actor: r.actor, values: [.text("M-99999")] + r.values.dropFirst())
        let ruled = #expect(throws: Refusals.self) { try s.append(unknown, expectSeq: nil, recorded: "r") }
        #expect(ruled?.all.count == 1 && ruled?.all.first?.event == r.id && ruled?.all.first?.rule != .duplicateID)
        #expect(try s.head() == before)
        // The same near the batch's end, when its rows before the refusal are written (in the transaction): its
        // duplicate check counts the log before the batch only, so the refusal stands, not a retry that skips them.
        var late = Array(all[half...])
        let k = try #require(late.indices.last { late[$0].type == .performanceRated })
        let l = late[k]
        late[k] = Event(seq: 0, id: l.id, type: l.type, effective: l.effective, actor: l.actor, values: [.text("M-99999")] + l.values.dropFirst())
        let lateRuled = #expect(throws: Refusals.self) { try s.append(late, expectSeq: nil, recorded: "r") }
        #expect(lateRuled?.all.count == 1 && lateRuled?.all.first?.event == l.id && lateRuled?.all.first?.rule == .unknownManager)
        #expect(try s.head() == before)
        // The last 20 recorded events, resent ahead of the new ones: skipped, the rest appended.
        let resent = Array(all[(half - 20)...])
        let result = try s.append(resent, expectSeq: nil, recorded: "r")
        #expect(result.skipped == 20 && result.appended == all.count - half)
        #expect(try LargeBatchTests.rows(s) == LargeBatchTests.rows(LargeBatchTests.inSmallBatches(all, of: 2_000, recorded: "r")))
        #expect(try s.verify().ok)
    }

    /// An optimistic attempt that meets recorded ids is rolled back and the batch runs again in a new
    /// transaction. Another writer may come between: the retry makes its duplicate check again (the first
    /// attempt's no longer holds), so an event that writer recorded meanwhile is skipped, not inserted twice.
    @Test func anotherWriterBetweenAnOptimisticAttemptAndItsRetry() throws {
        let all = LargeBatchTests.province(managers: 130, years: 4), half = all.count / 2
        #expect(all.count - half >= RebuildTuning.secondReaderFrom)
        let s = try tempStore()
        _ = try s.append(Array(all[..<half]), expectSeq: 2, recorded: "r")
        // A recorded unit first: its rule refuses it before any row is written, so the attempt stops on
        // that refusal with the duplicate check it made (`StoredDuplicate`), not on the unique index.
        let unit = try #require(all[..<half].first { $0.type == .unitRegistered })
        let other = try SQLiteStore(path: s.path)
        var between: [Error] = []
        s.beforeRetry = { e in
            between.append(e)
            _ = try other.append([all[half]], expectSeq: nil, recorded: "r")
        }
        let result = try s.append([unit] + all[half...], expectSeq: nil, recorded: "r")
        #expect(between.count == 1 && between.first is StoredDuplicate)
        #expect(result.skipped == 2 && result.appended == all.count - half - 1)
        #expect(try LargeBatchTests.rows(s) == LargeBatchTests.rows(LargeBatchTests.inSmallBatches(all, of: 2_000, recorded: "r")))
        #expect(try s.verify().ok)
    }

    /// The managers' lists of seqs a large batch extends are read on the second connection while the
    /// evidence is preloaded: onto a store opened anew (nothing cached), each list keeps the seqs the
    /// store held and gains the batch's, as small batches give them.
    @Test func aLargeBatchExtendsTheListsReadOnASecondConnection() throws {
        let all = LargeBatchTests.province(managers: 130, years: 4), half = all.count / 2
        #expect(all.count - half >= RebuildTuning.secondReaderFrom)
        let reopened = try LargeBatchTests.reopened(after: half, of: all)
        let small = try LargeBatchTests.inSmallBatches(all, of: 2_000)
        let got = try LargeBatchTests.managerLists(reopened), want = try LargeBatchTests.managerLists(small)
        #expect(got.count > 100 && got == want)
        // And each list is its manager's events in the log.
        var byManager: [String: [Int64]] = [:]
        try reopened.scan(since: 0, through: nil, manager: nil) { e in if let m = e.manager { byManager[m, default: []].append(e.seq) } }
        let m = try #require(byManager.keys.sorted().last)
        #expect(try reopened.db.read { try SQLiteSession(db: $0).managerSeqs(m) } == byManager[m])
    }

    /// A second connection that cannot open (here a file that does not exist) costs only its time: the
    /// duplicate check and the managers' lists are read on this connection instead, with the same result.
    @Test func aSecondConnectionThatCannotOpenLeavesTheWorkToThisOne() throws {
        let all = LargeBatchTests.province(managers: 130, years: 4), half = all.count / 2
        #expect(all.count - half >= RebuildTuning.secondReaderFrom)
        let s = try tempStore(), normal = try tempStore()
        normal.readsSmallStoresWhole = false  // (as the session below: the lists are read by need)
        func appendWithoutSecond(_ events: [Event]) throws -> AppendResult { try LargeBatchTests.appendWithoutSecond(events, to: s) }
        for (store, append) in [(normal, { (e: [Event]) in try normal.append(e, expectSeq: nil, recorded: "r") }), (s, appendWithoutSecond)] {
            #expect(try append(Array(all[..<half])).appended == half)
            #expect(try append(Array(all[half...])).appended == all.count - half)
            #expect(try store.verify().ok)
        }
        let got = try LargeBatchTests.managerLists(s), want = try LargeBatchTests.managerLists(normal)
        #expect(got.count > 100 && got == want)
        // The duplicate check on this connection: a re-append is a no-op, a changed event is refused.
        let again = try appendWithoutSecond(Array(all[half...]))
        #expect(again.appended == 0 && again.skipped == all.count - half)
        var changed = Array(all[half...])
        changed[10] = LargeBatchTests.other(withIDOf: changed[10], by: all[0].actor)
        let refused = #expect(throws: Refusals.self) { try appendWithoutSecond(changed) }
        #expect(refused?.all.map(\.rule) == [.duplicateID])
    }
}
