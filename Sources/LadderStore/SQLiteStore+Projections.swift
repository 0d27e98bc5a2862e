import Foundation
import GRDB
import LadderDomain

extension SQLiteStore {
    static let checkpointName = "state"

    public func state() throws -> (LedgerState, Head) {
        try guarded {
            try db.read { db in
                let head = try SQLiteStore.head(db)
                if let cache, cache.head == head { return (cache.state, head) }
                return (try loadState(db, head: head), head)
            }
        }
    }

    /// The persisted projections, caught up with `head`. A checkpoint ahead of
    /// the log, or one whose hash the log no longer holds at its seq (a store
    /// restored or tampered with), is distrusted: the state is rebuilt from seq 1.
    func loadState(_ db: Database, head: Head) throws -> LedgerState {
        var state = LedgerState()
        var from: Int64 = 0
        if let cp = try Row.fetchOne(db, sql: "SELECT seq, hash FROM checkpoint WHERE name = ?",
                                     arguments: [SQLiteStore.checkpointName]) {
            let seq: Int64 = cp[0], hash: String = cp[1]
            let logHash = seq == 0 ? Chain.genesis
                : try String.fetchOne(db, sql: "SELECT hash FROM events WHERE seq = ?", arguments: [seq])
            if seq <= head.seq && logHash == hash {
                let rows = try Row.fetchCursor(db, sql: "SELECT kind, key, body FROM projection")
                while let row = try rows.next() {
                    let body: Data = row[2]
                    try state.load(kind: row[0], key: row[1], body: body)
                }
                state.finishLoading()
                from = seq
            }
        }
        if from < head.seq {
            try SQLiteStore.events(db, since: from, through: nil) { state.apply($0) }
            if from == 0 { state.markAllDirty() }
        }
        return state
    }

    /// Writes the entities a fold changed and moves the checkpoint to `head`.
    func saveProjections(_ db: Database, _ state: inout LedgerState, head: Head) throws {
        let upsert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO projection (kind, key, body) VALUES (?, ?, ?)")
        let remove = try db.cachedStatement(sql: "DELETE FROM projection WHERE kind = ? AND key = ?")
        for ref in state.dirty {
            if let body = try state.encode(ref) {
                try upsert.execute(arguments: [ref.kind.rawValue, ref.key, body])
            } else {
                try remove.execute(arguments: [ref.kind.rawValue, ref.key])
            }
        }
        state.dirty.removeAll()
        try db.execute(sql: "INSERT OR REPLACE INTO checkpoint (name, seq, hash) VALUES (?, ?, ?)",
                       arguments: [SQLiteStore.checkpointName, head.seq, head.hash])
    }

    public func rebuildProjections() throws -> (events: Int64, entities: Int) {
        try guarded {
            try db.write { db in
                try db.execute(sql: "DELETE FROM projection; DELETE FROM checkpoint")
                let head = try SQLiteStore.head(db)
                var state = try loadState(db, head: head)
                let count = state.dirty.count
                try saveProjections(db, &state, head: head)
                return (head.seq, count)
            }
        }
    }
}

extension SQLiteStore {
    /// The state as the ledger knew it after `through` (seq), counting only
    /// events effective on or before `asOf`: an explicit view, folded from the log.
    public func state(through: Int64?, asOf: Day?) throws -> LedgerState {
        if through == nil && asOf == nil { return try state().0 }
        return try guarded {
            try db.read { db in
                var state = LedgerState()
                try SQLiteStore.events(db, since: 0, through: through) { e in
                    if let asOf, e.effective > asOf { return }
                    state.apply(e)
                }
                return state
            }
        }
    }
}
