import Crypto
import Foundation
import LadderDomain

/// A projection row as a rebuild writes it; a nil body means the row must not exist.
typealias ProjectionRow = (kind: String, key: String, body: Data?)

/// What `rewriteProjections` found: per row, whether the table held its key before; and
/// for each row it wrote or removed, a digest of what it replaced (nil: there was no row).
struct RowRewrite {
    var held: [Bool] = []
    var replaced: [(index: Int, old: SHA256Digest?)] = []
}

/// The rows a rebuild has written so far, and how they compare with the table it found.
private struct RebuildWrites {
    /// Every row (of the state's kinds) this rebuild has put in the table.
    var refs = Set<EntityRef>()
    /// How many rows the table held when the rebuild began, and how many of those keys it has met.
    let heldBefore: Int
    var heldMet = 0
    /// Each key a write changed: the row the rebuild found and the last one it wrote, as the first
    /// 8 bytes of their SHA-256 (0: no row). A row read back is written twice, its state then and
    /// its last one, so a row is out of step only if the two differ. Kept this small (24 bytes a
    /// key, keyed by the key's hash) because a store whose rows all differ has an entry per row;
    /// a collision could only miscount, never change what is written.
    private var changes: [Int: (found: UInt64, last: UInt64)] = [:]
    /// Rows the log does not give, removed at the end.
    var removed = 0

    init(heldBefore: Int) {
        self.heldBefore = heldBefore
        // Room for a change to every row held, so that the table never grows (old and new storage at once)
        // in a replay where they all differ; pages never written to cost no memory.
        changes.reserveCapacity(heldBefore)
    }

    /// Rows the store held otherwise than the log gives them, of the `produced` rows the log gives.
    /// From an empty table: every row (none is tracked).
    func rewritten(of produced: Int) -> Int {
        heldBefore == 0 ? produced : removed + changes.values.count(where: { $0.found != $0.last })
    }

    /// `refs` names the rows of the state's kinds (nil for the managers' lists, each written once).
    mutating func note(_ rows: [ProjectionRow], _ r: RowRewrite, refs: [EntityRef]?) {
        if let refs {
            for (ref, held) in zip(refs, r.held) where self.refs.insert(ref).inserted && held { heldMet += 1 }
        } else {
            heldMet += r.held.count(where: { $0 })
        }
        for (i, old) in r.replaced {
            var key = Hasher()
            key.combine(rows[i].kind)
            key.combine(rows[i].key)
            let last = RebuildWrites.short(rows[i].body.map { SHA256.hash(data: $0) })
            changes[key.finalize(), default: (found: RebuildWrites.short(old), last: last)].last = last
        }
    }

    private static func short(_ d: SHA256Digest?) -> UInt64 {
        guard let d else { return 0 }
        return max(1, d.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    }
}

extension LedgerSession {
    /// The default for a backend with round trips (PostgreSQL): the rows of each kind
    /// are read back in slices of keys, then the ones that differ are written.
    func rewriteProjections(_ rows: [ProjectionRow]) throws -> RowRewrite {
        var byKind: [String: [Int]] = [:]
        for (i, r) in rows.enumerated() { byKind[r.kind, default: []].append(i) }
        var out = RowRewrite(held: [Bool](repeating: false, count: rows.count))
        for (kind, indices) in byKind {
            var held: [String: Data] = [:]
            try projections(kind: kind, keys: indices.map { rows[$0].key }) { held[$0] = $1 }
            for i in indices {
                let old = held[rows[i].key]
                out.held[i] = old != nil
                if old != rows[i].body {
                    try saveProjection(kind: kind, key: rows[i].key, body: rows[i].body)
                    out.replaced.append((i, old.map { SHA256.hash(data: $0) }))
                }
            }
        }
        return out
    }

    /// Rebuilds every projection row from the log. Each time the fold has passed
    /// another `page` events, evidence and cohorts of half-years more than a year
    /// behind the log are written out and dropped from memory
    /// (LedgerState+Eviction.swift), so memory stays flat as the log grows; an event
    /// reaching back into them has them read back first. The fold notes no changes:
    /// everything it holds is written, when evicted or at the end. The log is read in
    /// one pass (on a second thread, for SQLite), eviction included.
    ///
    /// The table is not emptied first: each row is compared with the one the table
    /// holds under its key and written only if it differs, and the rows the rebuild did
    /// not produce are removed at the end. The result is the table a rebuild into an
    /// empty one gives, byte for byte; a store whose rows were in step (the usual replay)
    /// writes nothing but its checkpoint, and `rewritten` says how many rows were not.
    func rebuild(page: Int64 = RebuildTuning.page, progress: (_ folded: Int64, _ of: Int64) -> Void = { _, _ in })
        throws -> Rebuilt {
        let head = try head()
        var writes = RebuildWrites(heldBefore: try projectionCount())
        try clearCheckpoints()
        PhaseTrace.mark("open, rows counted")
        var state = LedgerState()
        state.indexesEvidence = false  // a void's owner comes from the log (Event.subject)
        state.tracksChanges = false
        var logs = ManagerLogBuilder()
        var latest: Day?
        var boundary = page
        try eventChunks(since: 0, through: head.seq, logs: &logs) { chunk in
            var i = 0
            while i < chunk.count {
                if chunk[i].seq > boundary {
                    while chunk[i].seq > boundary { boundary += page }
                    if let latest, case let cutoff = latest.halfYear.previous.previous.description,
                       cutoff > state.evictedBefore ?? "" {
                        try save(state.evict(before: cutoff), into: &writes)
                    }
                }
                let end = chunk[i...].firstIndex { $0.seq > boundary } ?? chunk.count
                i = state.apply(&chunk, from: i, to: end, latest: &latest)
                if i < end {  // an event reaching back into what was evicted
                    let e = chunk[i]
                    try readBack(for: e, into: &state, writes: &writes)
                    state.apply(e)
                    if latest.map({ e.effective > $0 }) ?? true { latest = e.effective }
                    i += 1
                }
            }
            progress(chunk.last?.seq ?? 0, head.seq)
        }
        PhaseTrace.mark("fold, evictions included")
        try save(state.allRefs(), of: state, into: &writes)
        PhaseTrace.mark("state's rows")
        let byManager = logs.logs
        let lists: [ProjectionRow] = byManager.sorted { $0.key < $1.key }.map { (ManagerLogs.kind, $0.key, Data($0.value.row)) }
        writes.note(lists, try put(lists, comparing: writes.heldBefore > 0), refs: nil)
        if writes.heldMet < writes.heldBefore { writes.removed = try removeRowsNotIn(writes.refs, lists: byManager) }
        try setCheckpoint(head)
        PhaseTrace.mark("managers' lists, checkpoint")
        let produced = writes.refs.count + byManager.count
        let rebuilt = Rebuilt(events: head.seq, entities: produced, rewritten: writes.rewritten(of: produced))
        // Freed on another thread, as evictions are: what the whole province's state holds takes a tenth
        // of a second to free, which the commit and the process's end need not wait for.
        DispatchQueue.global(qos: .utility).async { [state, logs, writes] in withExtendedLifetime((state, logs, writes)) {} }
        return rebuilt
    }

    /// Writes what an eviction took out of memory (encoded on every core, as `write` does).
    /// What was evicted is then freed on another thread: the writer is the busier one (as
    /// `EventPrefetch` hands spent chunks back to its reader).
    private func save(_ evicted: Evicted, into writes: inout RebuildWrites) throws {
        let encoded = try concurrentMap(Array(0..<evicted.count)) { evicted.row($0) }
        let rows: [ProjectionRow] = encoded.map { r in (r.ref.kind.rawValue, r.ref.key, r.body) }
        writes.note(rows, try put(rows, comparing: writes.heldBefore > 0), refs: encoded.map(\.ref))
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(evicted) {} }
    }

    /// The rows compared and written where they differ; into a table that was empty when the
    /// rebuild began there is nothing to compare with, so they are written as they come (a row
    /// written twice, when read back, is replaced in place).
    private func put(_ rows: [ProjectionRow], comparing: Bool) throws -> RowRewrite {
        if comparing { return try rewriteProjections(rows) }
        for row in rows { try saveProjection(kind: row.kind, key: row.key, body: row.body) }
        return RowRewrite(held: [Bool](repeating: false, count: rows.count))
    }

    private func save(_ refs: [EntityRef], of state: LedgerState, into writes: inout RebuildWrites) throws {
        let refs = EntityRef.inKeyOrder(refs)
        let bodies = try concurrentMap(refs) { try state.encode($0) }
        let rows: [ProjectionRow] = zip(refs, bodies).map { ref, body in (ref.kind.rawValue, ref.key, body) }
        writes.note(rows, try put(rows, comparing: writes.heldBefore > 0), refs: refs)
    }

    /// Removes the rows the table held that the rebuild did not produce (a row
    /// inserted by hand, an entity of an older format); returns how many.
    private func removeRowsNotIn(_ refs: Set<EntityRef>, lists: [String: SeqList]) throws -> Int {
        var stale: [(kind: String, key: String)] = []
        try projectionKeys { kind, key in
            let produced = kind == ManagerLogs.kind ? lists[key] != nil
                : EntityRef.Kind(rawValue: kind).map { refs.contains(EntityRef(kind: $0, key: key)) } ?? false
            if !produced { stale.append((kind, key)) }
        }
        for row in stale { try saveProjection(kind: row.kind, key: row.key, body: nil) }
        return stale.count
    }

    /// Reads back the manager rows and cohorts an event needs that a rebuild had
    /// dropped from memory. A manager is read back whole, so what is held of it is
    /// written first. Only rows this rebuild wrote are read: until it ends, the table
    /// may also hold rows from before it.
    private func readBack(for e: Event, into state: inout LedgerState, writes: inout RebuildWrites) throws {
        func reload(_ m: String) throws {
            try save(state.refs(ofManager: m), of: state, into: &writes)
            guard writes.refs.contains(EntityRef(kind: .manager, key: m)) else { return }
            try loadManager(m, into: &state) { writes.refs.contains(EntityRef(kind: .record, key: $0)) }
        }
        for _ in 0..<2 {
            for need in state.needs(for: e) {
                switch need {
                case .manager(let m): if state.managers[m] != nil { try reload(m) }
                case .cohort(let c):
                    if state.cohorts[c] == nil, writes.refs.contains(EntityRef(kind: .cohort, key: c)) {
                        try loadRow(kind: "cohort", key: c, into: &state)
                    }
                case .owner(let id):
                    if state.owner(ofEvidence: id) == nil, let m = try managerColumn(ofEvent: id) {
                        try reload(m)
                        state.indexEvidence(id, of: m)
                    }
                case .evidence(let m, _): if state.managers[m] != nil { try reload(m) }
                case .application, .managerRow, .windowApplications: break  // never dropped
                }
            }
        }
    }
}
