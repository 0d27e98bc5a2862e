import Foundation
import LadderDomain

extension LedgerSession {
    /// The state at the checkpoint with only the global entities loaded (with `whole`,
    /// every entity and every manager's list), or, when the checkpoint is not at the
    /// head (a crash, a restore, tampering), the whole state caught up or rebuilt
    /// (`complete`).
    func openState(head: Head, whole: Bool = false) throws -> LoadedState {
        if let cp = try checkpoint(), cp == head {
            // A small store for its batch is read whole, with its managers' lists: cheaper than the batch's
            // looking up what each of its events needs (a new province's first import: ~10% of its time).
            if whole {
                var state = LedgerState(), lists: [String: SeqList] = [:]
                try loadRows(into: &state) { lists[$0] = try SeqList(row: [UInt8]($1)) }
                return LoadedState(state: state, complete: true, managerLogs: lists, allManagerLogs: true)
            }
            var state = LedgerState()
            try projections(kinds: ["policy", "unit", "actor", "window"]) { try state.load(kind: $0, key: $1, body: $2) }
            return LoadedState(state: state, complete: false)
        }
        return LoadedState(state: try loadState(head: head), complete: true)
    }

    /// What a report reads: the cached state if it is still at the head, else the
    /// checkpoint's global rows, plus whatever `needs` names.
    func state(needing needs: (LedgerState) -> Set<Need>, cached: (loaded: LoadedState, head: Head)?) throws -> LedgerState {
        let head = try head()
        var loaded = try cached.flatMap { $0.head == head ? $0.loaded : nil } ?? openState(head: head)
        try ensure(&loaded, needs)
        return loaded.state
    }

    /// Every entity: the cached state if complete and at the head, else every row.
    func fullState(cached: (loaded: LoadedState, head: Head)?) throws -> (LedgerState, Head) {
        let head = try head()
        if let cached, cached.head == head, cached.loaded.complete { return (cached.loaded.state, head) }
        return (try loadState(head: head), head)
    }

    /// Every row but the evidence's and the cohorts' (`LedgerStore.stateWithoutEvidence`). When the
    /// checkpoint is not at the head, the whole state, caught up (as `fullState`).
    func stateWithoutEvidence(cached: (loaded: LoadedState, head: Head)?) throws -> LedgerState {
        let head = try head()
        if let cached, cached.head == head, cached.loaded.complete { return cached.loaded.state }
        guard let cp = try checkpoint(), cp == head else { return try loadState(head: head) }
        var state = LedgerState()
        let kinds = EntityRef.Kind.allCases.filter { $0 != .record && $0 != .cohort }
        try projections(kinds: kinds.map(\.rawValue)) { try state.load(kind: $0, key: $1, body: $2) }
        state.finishLoading()
        return state
    }

    /// Loads what `needs` asks for until it asks for nothing new. Each round may name
    /// more: an application its manager and window, the window's list its applications,
    /// those their managers (four rounds); the bound only stops a runaway.
    func ensure(_ loaded: inout LoadedState, _ needs: (LedgerState) -> Set<Need>) throws {
        guard !loaded.complete else { return }
        for _ in 0..<8 {
            let wanted = needs(loaded.state)
            // The common case (a batch's evidence is loaded ahead by its feed): everything is here, and no set is built.
            if wanted.allSatisfy({ loaded.state.has($0) }) { return }
            let missing = wanted.filter { !loaded.state.has($0) && !loaded.probed.contains($0) }
            if missing.isEmpty { return }
            // Single rows by key go in one query per kind, before the managers loaded with their
            // evidence (a key range each), which then replace any bare manager row read here.
            var rows: [String: [String]] = [:]
            for need in missing {
                loaded.probed.insert(need)
                switch need {
                case .managerRow(let m):
                    rows["manager", default: []].append(m)
                    loaded.state.partialManagers[m] = []
                case .application(let a): rows["application", default: []].append(a)
                case .cohort(let c): rows["cohort", default: []].append(c)
                case .windowApplications(let w): rows[EntityRef.Kind.windowApplications.rawValue, default: []].append(w.description)
                case .manager, .owner, .evidence: break
                }
            }
            for (kind, keys) in rows {
                loaded.state.reserve(keys.count, more: kind)
                try projections(kind: kind, keys: keys) { try loaded.state.load(kind: kind, key: $0, body: $1) }
            }
            var evidence: [String: Set<String>] = [:]
            for case .evidence(let m, let b) in missing { evidence[m, default: []].insert(b) }
            try loadEvidence(evidence, into: &loaded.state)
            for need in missing {
                switch need {
                case .manager(let m): try completeManager(m, into: &loaded.state)
                case .owner(let id):
                    if let m = try managerColumn(ofEvent: id) {
                        if !loaded.state.has(.manager(m)) {
                            loaded.probed.insert(.manager(m))
                            try completeManager(m, into: &loaded.state)
                        }
                        loaded.state.indexEvidence(id, of: m)
                    }
                case .managerRow, .application, .cohort, .evidence, .windowApplications: break
                }
            }
        }
    }

    func loadRow(kind: String, key: String, into state: inout LedgerState) throws {
        if let body = try projection(kind: kind, key: key) { try state.load(kind: kind, key: key, body: body) }
    }

    /// Makes a manager whole: loads it, or, if only some of its evidence is here, the
    /// rest of it (never the row or half-years already loaded: this process may have changed them).
    func completeManager(_ m: String, into state: inout LedgerState) throws {
        guard state.managers[m] != nil, let have = state.partialManagers[m] else { return try loadManager(m, into: &state) }
        try projections(kind: "record", after: m + "|", before: m + "}") { key, body in
            if !have.contains(String(key.dropFirst(m.count + 1))) { try state.load(kind: "record", key: key, body: body) }
        }
        state.finishLoading(indexing: false)
        state.partialManagers[m] = nil
    }

    /// Managers' rows (those not yet here) and the named half-year record rows of their
    /// evidence (`Need.evidence`), read by key (`projections(kind:keys:)`). A manager already
    /// whole, or unknown to the store, is left as it is.
    func loadEvidence(_ wanted: [String: Set<String>], into state: inout LedgerState) throws {
        guard !wanted.isEmpty else { return }
        var run = EvidenceRun()
        run.rows = wanted.keys.filter { !state.managers.keys.contains($0) }
        run.buckets = wanted
        state.merge(try run.read(from: self), buckets: wanted, whole: [])
    }

    /// A manager's row and its evidence rows (`M|period`: a key range), those `only` keeps.
    func loadManager(_ m: String, into state: inout LedgerState, only keep: (String) -> Bool = { _ in true }) throws {
        try loadRow(kind: "manager", key: m, into: &state)
        state.partialManagers[m] = nil
        guard state.managers[m] != nil else { return }
        try projections(kind: "record", after: m + "|", before: m + "}") { key, body in
            if keep(key) { try state.load(kind: "record", key: key, body: body) }
        }
        state.finishLoading(indexing: false)
    }

    /// The whole state, caught up with `head`. A checkpoint ahead of the log,
    /// or one whose hash the log no longer holds at its seq, is distrusted:
    /// the state is rebuilt from seq 1.
    func loadState(head: Head) throws -> LedgerState {
        var state = LedgerState()
        var from: Int64 = 0
        if let cp = try checkpoint() {
            let logHash = cp.seq == 0 ? Chain.genesis : try hash(at: cp.seq)
            if cp.seq <= head.seq && logHash == cp.hash {
                try loadRows(into: &state)
                from = cp.seq
            }
        }
        if from < head.seq {
            try events(since: from, through: nil) { state.apply($0) }
            if from == 0 { state.markAllDirty() }
        }
        return state
    }

    /// Every row of the state's kinds at a trusted checkpoint, in one pass; with `lists`, each manager's list
    /// of seqs too (the store's rows, not the state's), handed over by manager.
    private func loadRows(into state: inout LedgerState, lists: ((String, Data) throws -> Void)? = nil) throws {
        let kinds = EntityRef.Kind.allCases.map(\.rawValue) + (lists == nil ? [] : [ManagerLogs.kind])
        try projections(kinds: kinds) { kind, key, body in
            if kind == ManagerLogs.kind { try lists?(key, body) } else { try state.load(kind: kind, key: key, body: body) }
        }
        state.finishLoading()
    }

    /// Writes the entities a fold changed and moves the checkpoint to `head`.
    func saveProjections(_ state: inout LedgerState, head: Head) throws {
        try saveProjections(ProjectionRows.changed(in: &state), head: head)
    }

    /// Writes rows encoded beforehand (an append encodes them while its rows are still being written), then the checkpoint.
    func saveProjections(_ rows: ProjectionRows, head: Head) throws {
        for (ref, body) in zip(rows.refs, rows.bodies) { try saveProjection(kind: ref.kind.rawValue, key: ref.key, body: body) }
        try setCheckpoint(head)
    }

    /// Whether the checkpoint is not at the head (cheap: two indexed reads).
    func needsRepair() throws -> Bool {
        let head = try head()
        let cp = try checkpoint()
        return !(cp == head || (cp == nil && head.seq == 0))
    }

    /// Brings the persisted projections back in step with the log when the
    /// checkpoint is not at the head (a crash cannot cause that, a restore or an
    /// edit can): catches up from a checkpoint behind the head, or rebuilds from
    /// seq 1 when it is ahead or its hash is not the log's. Returns whether it did.
    func repairCheckpoint() throws -> Bool {
        guard try needsRepair() else { return false }
        let head = try head()
        let cp = try checkpoint()
        if let cp, cp.seq < head.seq, try (cp.seq == 0 ? Chain.genesis : hash(at: cp.seq)) == cp.hash {
            var state = try loadState(head: head)
            try saveProjections(&state, head: head)
            var caughtUp: [(manager: String, seq: Int64)] = []
            try events(since: cp.seq, through: nil) { e in if let m = e.subject { caughtUp.append((m, e.seq)) } }
            var logs: [String: SeqList] = [:]
            try extendManagerLogs(caughtUp, cache: &logs)
        } else {
            _ = try rebuild()
        }
        return true
    }

    /// An explicit view: as known after seq `through`, effective on or before `asOf`, with the
    /// evidence `evidence` names. Evidence is nine events in ten, and most of the memory a whole fold
    /// holds; no other event's fold reads it (a void of evidence left out changes nothing).
    func view(through: Int64?, asOf: Day?, evidence: ViewEvidence) throws -> LedgerState {
        var state = LedgerState()
        try events(since: 0, through: through) { e in
            if let asOf, e.effective > asOf { return }
            if evidence.folds(e) { state.apply(e) }
        }
        return state
    }
}

/// Projection rows encoded, to be written in this order (the store's key order); a nil body removes its row.
struct ProjectionRows {
    let refs: [EntityRef]
    let bodies: [Data?]

    /// The rows of the entities changed since the last save, encoded on every core (each row reads the state
    /// only); the state is then clean.
    static func changed(in state: inout LedgerState) throws -> ProjectionRows {
        let refs = EntityRef.inKeyOrder(state.dirty)
        let bodies = try concurrentMap(refs) { [state] in try state.encode($0) }
        state.clearDirty()
        return ProjectionRows(refs: refs, bodies: bodies)
    }
}
