import Foundation
import GRDB
import LadderDomain

extension SQLiteStore {
    static let checkpointName = "state"

    public func state() throws -> (LedgerState, Head) {
        try guarded {
            try db.read { db in
                let head = try SQLiteStore.head(db)
                if let cache, cache.head == head, cache.loaded.complete { return (cache.loaded.state, head) }
                return (try loadState(db, head: head), head)
            }
        }
    }

    /// Only what `needs` names (asked again until it names nothing new), plus
    /// the small global entities: what a report reads, and no more.
    public func state(needing needs: @escaping (LedgerState) -> Set<Need>) throws -> LedgerState {
        try guarded {
            try db.read { db in
                let head = try SQLiteStore.head(db)
                var loaded = try cache.flatMap { $0.head == head ? $0.loaded : nil } ?? openState(db, head: head)
                try ensure(db, &loaded, needs)
                return loaded.state
            }
        }
    }

    /// The state at the checkpoint with only the global entities loaded, or,
    /// when the checkpoint is not at the head (a crash, a restore, tampering),
    /// the whole state caught up or rebuilt (`complete`).
    func openState(_ db: Database, head: Head) throws -> LoadedState {
        if let cp = try Row.fetchOne(db, sql: "SELECT seq, hash FROM checkpoint WHERE name = ?", arguments: [SQLiteStore.checkpointName]),
           (cp[0] as Int64) == head.seq, (cp[1] as String) == head.hash {
            var state = LedgerState()
            let rows = try Row.fetchCursor(db, sql: "SELECT kind, key, body FROM projection WHERE kind IN ('policy', 'unit', 'actor', 'window')")
            while let row = try rows.next() {
                let body: Data = row[2]
                try state.load(kind: row[0], key: row[1], body: body)
            }
            return LoadedState(state: state, complete: false)
        }
        return LoadedState(state: try loadState(db, head: head), complete: true)
    }

    /// Loads what `needs` asks for until it asks for nothing new.
    func ensure(_ db: Database, _ loaded: inout LoadedState, _ needs: (LedgerState) -> Set<Need>) throws {
        guard !loaded.complete else { return }
        for _ in 0..<4 {
            let missing = needs(loaded.state).filter { !loaded.probed.contains($0) && !loaded.state.has($0) }
            if missing.isEmpty { return }
            for need in missing {
                loaded.probed.insert(need)
                switch need {
                case .manager(let m): try loadManager(db, m, into: &loaded.state)
                case .application(let a): try loadRow(db, kind: "application", key: a, into: &loaded.state)
                case .cohort(let c): try loadRow(db, kind: "cohort", key: c, into: &loaded.state)
                case .owner(let id):
                    if let m = try String.fetchOne(db, sql: "SELECT manager FROM events WHERE id = ?", arguments: [id]),
                       loaded.state.managers[m] == nil {
                        loaded.probed.insert(.manager(m))
                        try loadManager(db, m, into: &loaded.state)
                    }
                }
            }
        }
    }

    func loadRow(_ db: Database, kind: String, key: String, into state: inout LedgerState) throws {
        let stmt = try db.cachedStatement(sql: "SELECT body FROM projection WHERE kind = ? AND key = ?")
        if let body = try Data.fetchOne(stmt, arguments: [kind, key]) { try state.load(kind: kind, key: key, body: body) }
    }

    /// A manager's row and its evidence rows (`M|period`, a key range of the primary key).
    func loadManager(_ db: Database, _ m: String, into state: inout LedgerState) throws {
        try loadRow(db, kind: "manager", key: m, into: &state)
        guard state.managers[m] != nil else { return }
        let stmt = try db.cachedStatement(sql: "SELECT key, body FROM projection WHERE kind = 'record' AND key > ? AND key < ?")
        let rows = try Row.fetchCursor(stmt, arguments: [m + "|", m + "}"])
        while let row = try rows.next() {
            let body: Data = row[1]
            try state.load(kind: "record", key: row[0], body: body)
        }
        state.finishLoading()
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
