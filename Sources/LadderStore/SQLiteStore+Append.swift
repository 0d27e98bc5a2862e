import GRDB
import LadderDomain

extension SQLiteStore {
    /// A large batch is appended optimistically (`AppendCheck.optimistic`): when the events table's unique
    /// index on `id` refuses a row, or the rules refuse the batch and some of its ids are recorded, its
    /// transaction is rolled back and the batch runs again, in a new one, with the duplicate check first. Not
    /// inside a savepoint of one transaction: SQLite copies every page a savepoint's body changes into a
    /// statement journal first (8 MB more written for a batch into a 1,000,000-event store), and the check still
    /// holds in a new transaction, made again there unless the log's head is the one it was made at.
    public func append(_ events: [Event], expectSeq: Int64?, recorded: String) throws -> AppendResult {
        try guarded {
            try db.writeWithoutTransaction { db in
                // A large batch dirties more pages than the usual cache holds (a 100,000-event batch into a
                // 1,000,000-event store: ~19,000, 78 MB), and SQLite spills the overflow into the WAL mid-transaction,
                // writing many pages twice. The cache grows with the batch for its transaction only.
                try SQLiteStore.withPageCache(kiB: SQLiteStore.cacheKiB(forBatchOf: events.count), db) {
                    func transaction(_ check: AppendCheck, madeAt: Head? = nil) throws -> (AppendResult, LoadedState) {
                        var result: (AppendResult, LoadedState)?
                        // IMMEDIATE takes the write lock up front, so the head read
                        // inside cannot go stale before COMMIT (the single writer).
                        try db.inTransaction(.immediate) {
                            let session = SQLiteSession(db: db, prefetch: (path, readOnlyConfiguration))
                            let head = try session.head()
                            var cached = cache.flatMap { $0.head == head ? $0.loaded : nil }
                            cache = nil  // taken by this append (see `LedgerSession.append`)
                            var check = check
                            if case .first(_?) = check, madeAt != head { check = .first(nil) }  // another writer came between
                            result = try session.append(events, expectSeq: expectSeq, recorded: recorded, cached: &cached,
                                                        smallStoreWhole: readsSmallStoresWhole, check: check)
                            return .commit
                        }
                        return result!
                    }
                    let result: (AppendResult, LoadedState)
                    if events.count < RebuildTuning.secondReaderFrom {
                        result = try transaction(.alongside)
                    } else {
                        do {
                            result = try transaction(.optimistic)
                        } catch let e as StoredDuplicate {
                            try beforeRetry?(e)
                            result = try transaction(.first(e.check), madeAt: e.head)
                        } catch let e as DatabaseError where SQLiteStore.isDuplicateID(e) {
                            try beforeRetry?(e)
                            result = try transaction(.first(nil))
                        }
                    }
                    self.cache = result.1.worthKeeping ? (result.1, result.0.head) : nil
                    return result.0
                }
            }
        }
    }

    /// The unique index on `events.id` refused a row.
    static func isDuplicateID(_ e: DatabaseError) -> Bool {
        e.resultCode == .SQLITE_CONSTRAINT && e.message?.contains("events.id") == true
    }
}

extension SQLiteStore {
    /// Room for the pages a batch dirties: ~0.8 KiB an event measured on a large store, doubled, up to
    /// 512 MiB (a larger batch spills the rest into the WAL, as any batch did before: slower, not wrong).
    static func cacheKiB(forBatchOf n: Int) -> Int { max(cacheKiB, min(n, 262_144) * 2) }
}
