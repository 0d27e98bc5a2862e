import Foundation
import GRDB
import LadderDomain

extension SQLiteStore {
    public func state() throws -> (LedgerState, Head) {
        try guarded { try db.read { try SQLiteSession(db: $0).fullState(cached: cache) } }
    }

    public func stateWithoutEvidence() throws -> LedgerState {
        try guarded { try db.read { try SQLiteSession(db: $0).stateWithoutEvidence(cached: cache) } }
    }

    /// Only what `needs` names (asked again until it names nothing new), plus
    /// the small global entities: what a report reads, and no more.
    public func state(needing needs: @escaping (LedgerState) -> Set<Need>) throws -> LedgerState {
        try guarded { try db.read { try SQLiteSession(db: $0).state(needing: needs, cached: cache) } }
    }

    public func state(through: Int64?, asOf: Day?, evidence: ViewEvidence) throws -> LedgerState {
        if through == nil && asOf == nil { return try state().0 }
        return try guarded { try db.read { try SQLiteSession(db: $0).view(through: through, asOf: asOf, evidence: evidence) } }
    }

    public func rebuildProjections(progress: (_ folded: Int64, _ of: Int64) -> Void) throws -> Rebuilt {
        cache = nil
        // A replay reads the log once, in order: a small page cache serves it as well as
        // the appends' 64 MiB one, and keeps replay's memory down (docs/performance.md).
        let r = try guarded {
            try db.write { db in
                try SQLiteStore.withPageCache(kiB: 8_192, db) {
                    try SQLiteSession(db: db, prefetch: (path, readOnlyConfiguration)).rebuild(progress: progress)
                }
            }
        }
        PhaseTrace.mark("commit")
        return r
    }
}

extension SQLiteStore {
    public func copyIn(_ rows: [StoredEvent]) throws {
        cache = nil
        try guarded {
            try db.write { db in
                let s = SQLiteSession(db: db)
                for r in rows { try s.insertEvent(seq: r.seq, r.columns) }
            }
        }
    }
}
