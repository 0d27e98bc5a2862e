import LadderDomain

/// The checks `verify` makes of each stored row, shared by every backend.
enum ChainCheck {
    /// Why `row` breaks the log, or nil: its seq follows, its prev_hash is the
    /// previous hash, its hash covers its body, its packed column says what
    /// its hashed data says, and its manager column names whom it is about.
    static func check(_ row: StoredEvent, expected: Int64, prev: String, owners: [String: String],
                      managerOf: (String) -> String?) -> String? {
        if row.seq != expected { return "seq \(expected) is missing (next row is seq \(row.seq))" }
        if row.prevHash != prev { return "prev_hash does not match the hash of seq \(expected - 1)" }
        if Chain.hash(prev: prev, seq: row.seq, id: row.id, type: row.type, effective: row.effective, recorded: row.recorded,
                      actorID: row.actorID, actorRole: row.actorRole, data: row.data) != row.hash { return "the hash does not match the event's content" }
        guard let type = EventType.named[row.type], let packed = PackedRow(row.packed, type: type), Day(row.effective) != nil,
              Role(rawValue: row.actorRole) != nil else { return "the packed column cannot be read" }
        if !packed.matches(data: row.data) { return "the packed column disagrees with the hashed data" }
        var manager: String? = packed.text("manager")
        if manager == nil, let a = packed.text("application") { manager = owners[a] }
        if type == .eventVoided { manager = managerOf(packed.text("event") ?? "") }
        if manager != row.manager { return "the manager column disagrees with the event (\(row.manager ?? "none") for \(manager ?? "none"))" }
        return nil
    }

    /// A single pass over the whole log in seq order (the backend's scan).
    static func verify(guardIntact: Bool, scan: ((StoredEvent) throws -> Void) throws -> Void,
                       managerOf: @escaping (String) throws -> String?) throws -> VerifyReport {
        var expected: Int64 = 1
        var prev = Chain.genesis
        var owners: [String: String] = [:]
        var bad: (Int64, String)?
        try scan { row in
            guard bad == nil else { return }
            if row.type == EventType.applicationSubmitted.rawValue, let e = try? row.event() { owners[e.str("application")] = e.str("manager") }
            if let why = check(row, expected: expected, prev: prev, owners: owners, managerOf: { (try? managerOf($0)) ?? nil }) {
                bad = (expected, why)
                return
            }
            prev = row.hash
            expected += 1
        }
        var problem = bad?.1
        if problem == nil && !guardIntact { problem = "the append-only guard (its triggers) is missing" }
        return VerifyReport(ok: bad == nil && guardIntact, events: expected - 1, head: bad == nil ? prev : "",
                            firstBad: bad?.0, problem: problem, guardIntact: guardIntact)
    }
}

extension StoredEvent {
    /// The columns after seq, in the order `insertEvent` takes them.
    var columns: [String?] { [id, type, effective, recorded, actorID, actorRole, data, packed, manager, prevHash, hash] }
}
