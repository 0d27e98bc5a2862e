import Foundation
import LadderDomain

/// What a backend does inside one transaction or read snapshot. The logic
/// above it (loading the state by need, appending a batch, rebuilding the
/// projections) is written once against this (LedgerSession+State.swift,
/// LedgerSession+Append.swift), so SQLite and PostgreSQL behave alike.
protocol LedgerSession {
    func head() throws -> Head
    func checkpoint() throws -> Head?
    func hash(at seq: Int64) throws -> String?
    /// Every projection row of these kinds.
    func projections(kinds: [String], _ visit: (String, String, Data) throws -> Void) throws
    func projection(kind: String, key: String) throws -> Data?
    /// The rows of `kind` with these keys (those that exist), in any order.
    func projections(kind: String, keys: [String], _ visit: (String, Data) throws -> Void) throws
    /// The rows of `kind` whose key lies strictly between `lower` and `upper`.
    func projections(kind: String, after lower: String, before upper: String, _ visit: (String, Data) throws -> Void) throws
    func managerColumn(ofEvent id: String) throws -> String?
    func type(ofEvent id: String) throws -> EventType?
    /// `LedgerContent.of` for each stored event among `ids`, by id, up to seq `through`.
    func storedContent(ids: [String], through: Int64) throws -> [String: String]
    /// The same for every stored event up to seq `through`: one pass over a small log.
    func allStoredContent(through: Int64) throws -> [String: String]
    /// What an append reads before it writes: the duplicate check (`storedContent(ids:)` of the batch's
    /// ids, then `DuplicateCheck`), then the lists of seqs (`ManagerLogs`) of the managers handed to
    /// `ReadAhead.readLogs`. A backend with a second connection does all this on another thread while this
    /// one goes on (the caller holds the write lock and has written nothing yet, so both connections see the
    /// same log); one without runs the check when asked for, and leaves the lists to `extendManagerLogs`.
    /// Without `checksIDs`, only the lists are read ahead (`LedgerSession.append`'s `optimistic`: the
    /// log's unique ids find a recorded one at insert); the check, if asked for, runs then, on this thread.
    func readAhead(_ events: [Event], checksIDs: Bool) -> ReadAhead
    /// A prefetch of what a batch's rules will ask for (`EvidenceFeed`), read on a second connection and
    /// thread; nil where the backend has none (the feed then reads it all up front on this session).
    func prefetchEvidence(_ events: [Event], planner: EvidencePlanner, names: @escaping @Sendable ([String]) -> Void) -> EvidencePrefetch?
    /// Folds events after `since` (through `through`) from their packed columns.
    func events(since: Int64, through: Int64?, _ visit: (Event) throws -> Void) throws
    /// The same events in chunks, for a fold that loops over them itself (a rebuild), the
    /// managers' lists of their seqs gathered into `logs` by the end.
    func eventChunks(since: Int64, through: Int64?, logs: inout ManagerLogBuilder, _ visit: (inout [Event]) throws -> Void) throws
    /// Columns after seq: id, type, effective, recorded, actor_id, actor_role, data, packed, manager, prev_hash, hash;
    /// a `.bytes` column is a range of `bytes`.
    func insertEvent(seq: Int64, _ columns: [RowText], in bytes: UnsafeBufferPointer<UInt8>) throws
    /// Whether `insertEvent` may be called from a second thread while this one uses the session too,
    /// one at a time (`EventRowWriter`), once `prepareInserts` has run on this thread.
    var writesRowsConcurrently: Bool { get }
    func prepareInserts() throws
    /// Writes a projection row, or removes it when `body` is nil.
    func saveProjection(kind: String, key: String, body: Data?) throws
    func setCheckpoint(_ head: Head) throws
    func clearCheckpoints() throws
    /// Writes each row unless the table holds it byte for byte already (LedgerSession+Rebuild.swift).
    func rewriteProjections(_ rows: [ProjectionRow]) throws -> RowRewrite
    func projectionCount() throws -> Int
    /// The kind and key of every projection row.
    func projectionKeys(_ visit: (String, String) throws -> Void) throws
}

/// `LedgerSession.readAhead`'s two answers, each waited for when asked for. The lists are read once the
/// caller names the managers (`readLogs`, which it must call on every path: the reader waits for it);
/// `managerLogs` then holds a list (empty when the store has none) for each it looked up, and may leave any out.
struct ReadAhead {
    let duplicateCheck: () throws -> DuplicateCheck
    var managerLogs: () -> [String: SeqList] = { [:] }
    var managers = Pending<[String]>()

    func readLogs(of managers: [String]) { self.managers.fulfil(managers) }
}

/// One text column of an event row as an append hands it over: a string, a range of the bytes
/// the append built its rows in, or null.
enum RowText {
    case text(String)
    case bytes(Range<Int>)
    case null
}

extension LedgerSession {
    var writesRowsConcurrently: Bool { false }
    func prepareInserts() throws {}
    func readAhead(_ events: [Event], checksIDs: Bool) -> ReadAhead { ReadAhead(duplicateCheck: { try checkDuplicates(events) }) }
    func prefetchEvidence(_ events: [Event], planner: EvidencePlanner, names: @escaping @Sendable ([String]) -> Void) -> EvidencePrefetch? { nil }

    /// The duplicate check of `events` against this session's log. A log much shorter than the batch (a new
    /// store's first import) is read whole, in one pass, rather than looked up id by id (~1 µs each).
    /// `through`: the log's last seq before the batch, which its own rows, written in this transaction by a
    /// refused optimistic attempt, are not (counted as recorded, they would be skipped by the retry).
    func checkDuplicates(_ events: [Event], through: Int64? = nil) throws -> DuplicateCheck {
        let last = try through ?? head().seq
        let whole = LedgerContent.readsWholeLog(last, forBatchOf: events.count)
        return DuplicateCheck(events, stored: try whole ? allStoredContent(through: last) : storedContent(ids: events.map(\.id), through: last))
    }

    /// A row whose columns are all strings or null (an import's).
    func insertEvent(seq: Int64, _ columns: [String?]) throws {
        try insertEvent(seq: seq, columns.map { $0.map(RowText.text) ?? .null }, in: UnsafeBufferPointer(start: nil, count: 0))
    }

    func eventChunks(since: Int64, through: Int64?, logs: inout ManagerLogBuilder, _ visit: (inout [Event]) throws -> Void) throws {
        try chunked(since: since, through: through, logs: &logs, visit)
    }

    /// `events` gathered into chunks of the prefetch's size.
    func chunked(since: Int64, through: Int64?, logs: inout ManagerLogBuilder, _ visit: (inout [Event]) throws -> Void) throws {
        var chunk: [Event] = []
        chunk.reserveCapacity(EventPrefetch.chunkSize)
        func pass() throws { logs.add(chunk); try visit(&chunk); chunk.removeAll(keepingCapacity: true) }
        try events(since: since, through: through) { e in
            chunk.append(e)
            if chunk.count == EventPrefetch.chunkSize { try pass() }
        }
        if !chunk.isEmpty { try pass() }
    }
}

extension EntityRef {
    /// Rows in the store's key order: new rows then lie in the table in the order a replay
    /// asks for them (half-year by half-year, key by key), so that its look-ups read the
    /// table's pages in sequence rather than at random (docs/performance.md).
    static func inKeyOrder(_ refs: some Sequence<EntityRef>) -> [EntityRef] {
        refs.sorted { ($0.kind.rawValue, $0.key) < ($1.kind.rawValue, $1.key) }
    }
}

/// What makes two events with the same id the same event.
enum LedgerContent {
    static func of(_ type: String, _ effective: String, _ actorID: String, _ role: String, _ data: String) -> String {
        [type, effective, actorID, role, data].joined(separator: "\u{1F}")
    }

    /// Whether the duplicate check reads a log of `log` events whole rather than looking up a batch's ids:
    /// when the log is at most a quarter the batch's length (its content is then held in memory at once).
    static func readsWholeLog(_ log: Int64, forBatchOf n: Int) -> Bool { log <= Int64(n / 4) }

    /// `ids` in slices of at most `size`: one `IN (…)` lookup per slice rather than one query per event.
    static func slices(_ ids: [String], of size: Int) -> [[String]] {
        stride(from: 0, to: ids.count, by: size).map { Array(ids[$0..<min(ids.count, $0 + size)]) }
    }
}

/// A state and what of it has been read from the projection rows.
struct LoadedState {
    var state: LedgerState
    /// Every entity is present (a full load or a rebuild).
    var complete: Bool
    /// Needs already looked up, found or not.
    var probed: Set<Need> = []
    /// The managers' lists of seqs read or written so far (LedgerSession+ManagerLogs.swift).
    var managerLogs: [String: SeqList] = [:]
    /// `managerLogs` holds every list the store has: a manager it has none of has none in the store.
    var allManagerLogs = false
}

extension LoadedState {
    /// Whether a store whose log holds `log` events is read whole for a batch of `batch` rather than by need:
    /// when the log is no longer than the batch. What a whole read costs grows with the evidence held, so with
    /// the log: a 100,000-event batch onto a store of 100,000 took 1.11–1.30 s read whole against 1.27–1.55 s
    /// by need, onto one of 1,000,000 3.9–4.5 s (and 620 MB) against 1.2–1.6 s.
    static func readsWhole(log: Int64, batch: Int) -> Bool { log <= Int64(batch) }

    /// Whether a store keeps this state for its next append or report (it stays valid while the
    /// log's head is the one it reflects): only while it holds at most `cacheLimit` pieces of
    /// evidence. A state grows with every batch, by what the batch loads and adds, and is never
    /// cut down, so a process making many appends (the demo: 1,300,000 events, 500 MB of cached
    /// state) would hold ever more; a batch that large gains nothing from it, as its evidence's feed
    /// reads what it needs in a few queries (the demo's time was the same without it).
    var worthKeeping: Bool {
        var pieces = 0
        for m in state.managers.values {
            pieces += m.evidenceCount
            if pieces > LoadedState.cacheLimit { return false }
        }
        return true
    }

    static let cacheLimit = 200_000
}

/// How `replay` goes through the log: events between eviction steps (a page), and
/// from how many events the log is read on a second connection and thread
/// (`EventPrefetch`); and from how many events an append reads its ids on a second
/// connection. `LADDER_REPLAY_PAGE`, `LADDER_REPLAY_PREFETCH` and
/// `LADDER_APPEND_SECOND_READER` override them (tests use small values to exercise them).
enum RebuildTuning {
    static let page = setting("LADDER_REPLAY_PAGE") ?? 100_000
    static let prefetchAbove = setting("LADDER_REPLAY_PREFETCH") ?? 20_000
    /// From how many events an append looks up its ids on a second connection (its cost: ~2 ms to open).
    static let secondReaderFrom = Int(setting("LADDER_APPEND_SECOND_READER") ?? 5_000)

    private static func setting(_ name: String) -> Int64? {
        ProcessInfo.processInfo.environment[name].flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
    }
}
