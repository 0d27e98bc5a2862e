import GRDB
import LadderDomain

extension SQLiteStore {
    /// A large batch is appended optimistically (`AppendCheck.optimistic`), inside a savepoint: when the
    /// events table's unique index on `id` refuses a row, or the rules refuse the batch and some of its ids
    /// are recorded, it is rolled back to the savepoint and run again with the duplicate check first, in the
    /// same transaction (so the check still holds: no other writer came between).
    public func append(_ events: [Event], expectSeq: Int64?, recorded: String) throws -> AppendResult {
        try guarded {
            try db.writeWithoutTransaction { db in
                // A large batch dirties more pages than the usual cache holds (a 100,000-event batch into a
                // 1,000,000-event store: ~19,000, 78 MB), and SQLite spills the overflow into the WAL mid-transaction,
                // writing many pages twice. The cache grows with the batch for its transaction only.
                try SQLiteStore.withPageCache(kiB: SQLiteStore.cacheKiB(forBatchOf: events.count), db) {
                    var result: (AppendResult, LoadedState)?
                    // IMMEDIATE takes the write lock up front, so the head read
                    // inside cannot go stale before COMMIT (the single writer).
                    try db.inTransaction(.immediate) {
                        let session = SQLiteSession(db: db, prefetch: (path, readOnlyConfiguration))
                        let head = try session.head()
                        let cached = cache.flatMap { $0.head == head ? $0.loaded : nil }
                        func attempt(_ check: AppendCheck) throws {
                            result = try session.append(events, expectSeq: expectSeq, recorded: recorded, cached: cached,
                                                        smallStoreWhole: readsSmallStoresWhole, check: check)
                        }
                        guard events.count >= RebuildTuning.secondReaderFrom else { try attempt(.alongside); return .commit }
                        do {
                            try db.inSavepoint { try attempt(.optimistic); return .commit }
                        } catch let e as StoredDuplicate {
                            try attempt(.first(e.check))
                        } catch let e as DatabaseError where SQLiteStore.isDuplicateID(e) {
                            try attempt(.first(nil))
                        }
                        return .commit
                    }
                    self.cache = result!.1.worthKeeping ? (result!.1, result!.0.head) : nil
                    return result!.0
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
