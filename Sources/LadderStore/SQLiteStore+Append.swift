import GRDB
import LadderDomain

extension SQLiteStore {
    /// A large batch is appended optimistically (`LedgerSession.append`): the events table's unique index
    /// on `id` finds a recorded id at insert, and the batch is then run again with the duplicate check.
    public func append(_ events: [Event], expectSeq: Int64?, recorded: String) throws -> AppendResult {
        try guarded {
            guard events.count >= RebuildTuning.secondReaderFrom else { return try append(events, expectSeq: expectSeq, recorded: recorded, optimistic: false) }
            do {
                return try append(events, expectSeq: expectSeq, recorded: recorded, optimistic: true)
            } catch let e where e is StoredDuplicate || SQLiteStore.isDuplicateID(e) {
                return try append(events, expectSeq: expectSeq, recorded: recorded, optimistic: false)
            }
        }
    }

    /// The unique index on `events.id` refused a row.
    static func isDuplicateID(_ e: Error) -> Bool {
        guard let e = e as? DatabaseError else { return false }
        return e.resultCode == .SQLITE_CONSTRAINT && e.message?.contains("events.id") == true
    }

    /// One attempt, in one transaction (rolled back on a throw).
    private func append(_ events: [Event], expectSeq: Int64?, recorded: String, optimistic: Bool) throws -> AppendResult {
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
                    result = try session.append(events, expectSeq: expectSeq, recorded: recorded,
                                                cached: cache.flatMap { $0.head == head ? $0.loaded : nil },
                                                smallStoreWhole: readsSmallStoresWhole, optimistic: optimistic)
                    return .commit
                }
                self.cache = result!.1.worthKeeping ? (result!.1, result!.0.head) : nil
                return result!.0
            }
        }
    }
}

extension SQLiteStore {
    /// Room for the pages a batch dirties: ~0.8 KiB an event measured on a large store, doubled, up to
    /// 512 MiB (a larger batch spills the rest into the WAL, as any batch did before: slower, not wrong).
    static func cacheKiB(forBatchOf n: Int) -> Int { max(cacheKiB, min(n, 262_144) * 2) }
}
