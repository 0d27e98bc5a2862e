import GRDB
import LadderDomain

extension SQLiteStore {
    public func append(_ events: [Event], expectSeq: Int64?, recorded: String) throws -> AppendResult {
        try guarded {
            try db.writeWithoutTransaction { db in
                var result: (AppendResult, LoadedState)?
                // IMMEDIATE takes the write lock up front, so the head read
                // inside cannot go stale before COMMIT (the single writer).
                try db.inTransaction(.immediate) {
                    let session = SQLiteSession(db: db)
                    let head = try session.head()
                    result = try session.append(events, expectSeq: expectSeq, recorded: recorded,
                                                cached: cache.flatMap { $0.head == head ? $0.loaded : nil })
                    return .commit
                }
                self.cache = (result!.1, result!.0.head)
                return result!.0
            }
        }
    }
}
