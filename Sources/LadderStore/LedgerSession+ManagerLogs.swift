import Foundation
import LadderDomain

/// Each manager's events as one projection row of seqs (`SeqList`, kind
/// `manager-log`): what `log --manager` reads. It replaces an index on the log's
/// manager column, whose entries went into one B-tree leaf per manager, so that a
/// 100,000-event batch into a large store wrote back nearly every leaf of it
/// (docs/performance.md). Like every projection row it is written in the append's
/// transaction, caught up by a repair and rebuilt by a replay.
enum ManagerLogs {
    static let kind = "manager-log"
}

extension LedgerSession {
    /// Adds each seq to its manager's list (lists not in `cache` are read first, in one
    /// query per slice of keys, unless it holds `all` the store has) and writes the lists
    /// it changed, in key order.
    func extendManagerLogs(_ entries: [(manager: String, seq: Int64)], cache: inout [String: SeqList], all: Bool = false) throws {
        guard !entries.isEmpty else { return }
        var touched = Set<String>()
        for (m, _) in entries { touched.insert(m) }
        let absent = all ? [] : touched.filter { cache[$0] == nil }
        if !absent.isEmpty {
            try projections(kind: ManagerLogs.kind, keys: Array(absent)) { key, body in cache[key] = try SeqList(row: [UInt8](body)) }
        }
        for (m, seq) in entries { cache[m, default: SeqList()].append(seq) }
        try writeManagerLogs(touched, of: cache)
    }

    /// The lists of these managers (each named once), an empty one for each the store has no list of.
    func managerLogs(of managers: [String]) throws -> [String: SeqList] {
        var out: [String: SeqList] = [:]
        out.reserveCapacity(managers.count)
        try projections(kind: ManagerLogs.kind, keys: managers) { key, body in out[key] = try SeqList(row: [UInt8](body)) }
        for m in managers where out[m] == nil { out[m] = SeqList() }
        return out
    }

    /// Writes the lists of these managers, in key order.
    func writeManagerLogs(_ managers: some Collection<String>, of logs: [String: SeqList]) throws {
        for m in managers.sorted() { try saveProjection(kind: ManagerLogs.kind, key: m, body: Data(logs[m]!.row)) }
    }

    /// Writes every list a rebuild gathered.
    func writeManagerLogs(_ logs: [String: SeqList]) throws { try writeManagerLogs(logs.keys, of: logs) }

    /// The seqs of `manager`'s events, or nil when the projection rows are not in step
    /// with the log (a store this process could not repair): the caller then filters
    /// the whole log by its manager column instead.
    func managerSeqs(_ manager: String) throws -> [Int64]? {
        guard try !needsRepair() else { return nil }
        guard let body = try projection(kind: ManagerLogs.kind, key: manager) else { return [] }
        return try SeqList(row: [UInt8](body)).seqs
    }
}

/// Gathers the lists as a rebuild reads the log (the subject is the log's manager column). The
/// lists are kept in the order their managers first came, and the next event's manager is looked
/// for first just after the last one's: the log names its managers in runs of the same order (a
/// month's ratings, manager by manager, as the month before), so most events are one comparison
/// of two short strings rather than a dictionary look-up (on the replay's reader, a busy thread).
struct ManagerLogBuilder {
    private var managers: [String] = []
    private var lists: [SeqList] = []
    private var position: [String: Int] = [:]
    /// Where the next event's manager most likely is: after the last event's.
    private var next = 0

    mutating func add(_ chunk: [Event]) {
        // Two fields read in place: `for e in chunk` copied each event whole (a retain and a release
        // of every reference it holds).
        chunk.withUnsafeBufferPointer { events in
            for i in events.indices { if let m = events[i].subject { add(m, events[i].seq) } }
        }
    }

    private mutating func add(_ m: String, _ seq: Int64) {
        let i: Int
        if next < managers.count && managers[next] == m {
            i = next
        } else if let p = position[m] {
            i = p
        } else {
            i = managers.count
            managers.append(m)
            lists.append(SeqList())
            position[m] = i
        }
        lists[i].append(seq)
        next = i + 1
    }

    /// Every list, by manager (built at each call: a rebuild asks once, at its end).
    var logs: [String: SeqList] { Dictionary(uniqueKeysWithValues: zip(managers, lists)) }
}
