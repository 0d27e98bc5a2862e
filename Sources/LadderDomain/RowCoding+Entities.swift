/// The binary rows of the keyed entities (RowCoding.swift). Field order is
/// the layout: change it only together with `RowCoding.checkpointName`.
extension ManagerState {
    /// The manager row: its evidence is kept apart, one record row per half-year.
    var row: [UInt8] {
        var w = RowWriter()
        for s in [manager, name, unit, grade, superior, skipSuperior, status] { w.str(s) }
        w.day(enrolled)
        w.opt(left) { $0.day($1) }
        w.opt(leftReason) { $0.str($1) }
        w.list(history) { w, h in
            w.str(h.grade); w.day(h.effective); w.int(h.seq); w.str(h.cause); w.opt(h.application) { $0.str($1) }
        }
        w.strings(applications)
        return w.bytes
    }

    init(row: [UInt8]) throws {
        var r = try RowReader(row, what: "manager row")
        self.init(manager: try r.str(), name: try r.str(), unit: try r.str(), grade: try r.str(), superior: try r.str(),
                  skipSuperior: try r.str(), status: try r.str(), enrolled: try r.day(), left: try r.opt { try $0.day() },
                  leftReason: try r.opt { try $0.str() },
                  history: try r.list { r in
                      GradeStep(grade: try r.str(), effective: try r.day(), seq: try r.int(), cause: try r.str(),
                                application: try r.opt { try $0.str() })
                  })
        applications = try r.strings()
        try r.end()
    }
}

extension EvidenceRecord {
    var row: [UInt8] {
        var w = RowWriter(capacity: 768)
        for items in [assessments, reviews, ratings, classes] {
            w.uint(UInt64(items.count))
            items.withUnsafeBufferPointer { buf in for i in buf.indices { EvidenceRecord.write(&w, buf[i]) } }
        }
        return w.bytes
    }

    /// The record row of one half-year of `m`'s evidence, written from its lists in
    /// place: `EvidenceRecord(…).row` without copying the pieces out first.
    static func row(of m: ManagerState, bucket b: String) -> [UInt8] {
        var w = RowWriter(capacity: 768)
        func put(_ list: [Evidence]) {
            // Through the buffer: each piece is read where it lies, not copied out (a retain
            // and a release of its five strings).
            list.withUnsafeBufferPointer { buf in
                var n: UInt64 = 0
                for i in buf.indices where buf[i].bucket == b { n += 1 }
                w.uint(n)
                for i in buf.indices where buf[i].bucket == b { write(&w, buf[i]) }
            }
        }
        put(m.assessments); put(m.reviews); put(m.ratings); put(m.classes)
        return w.bytes
    }

    static func write(_ w: inout RowWriter, _ e: borrowing Evidence) {
        w.str(e.event); w.int(e.seq); w.day(e.effective); w.str(e.key); w.str(e.cycle)
        w.opt(e.score) { $0.double($1) }; w.opt(e.value) { $0.str($1) }; w.bool(e.voided); w.str(e.bucket)
    }

    init(row: [UInt8]) throws {
        var r = try RowReader(row, what: "evidence row")
        func items(_ r: inout RowReader) throws -> [Evidence] {
            try r.list { r in
                Evidence(event: try r.str(), seq: try r.int(), effective: try r.day(), key: try r.str(), cycle: try r.str(),
                         score: try r.opt { try $0.double() }, value: try r.opt { try $0.str() }, voided: try r.bool(),
                         bucket: try r.str())
            }
        }
        self.init(assessments: try items(&r), reviews: try items(&r), ratings: try items(&r), classes: try items(&r))
        try r.end()
    }
}

extension WindowState {
    var row: [UInt8] {
        var w = RowWriter()
        w.str(unit); w.period(window); w.day(closes); w.day(opened); w.str(state)
        w.opt(closed) { $0.day($1) }; w.opt(decided) { $0.day($1) }
        for counts in [seats, granted, revoked] { w.list(counts.keys.sorted()) { w, g in w.str(g); w.int(counts[g]!) } }
        return w.bytes
    }

    /// The application list's own row (`EntityRef.Kind.windowApplications`).
    var applicationsRow: [UInt8] {
        var w = RowWriter()
        w.strings(applications)
        return w.bytes
    }

    static func applications(row: [UInt8]) throws -> [String] {
        var r = try RowReader(row, what: "window applications row")
        let list = try r.strings()
        try r.end()
        return list
    }

    init(row: [UInt8]) throws {
        var r = try RowReader(row, what: "window row")
        self.init(unit: try r.str(), window: try r.period(), closes: try r.day(), opened: try r.day(), state: try r.str(),
                  closed: try r.opt { try $0.day() }, decided: try r.opt { try $0.day() })
        func counts(_ r: inout RowReader) throws -> [String: Int] {
            var out: [String: Int] = [:]
            for (g, n) in try r.list({ r in (try r.str(), try r.int() as Int) }) { out[g] = n }
            return out
        }
        seats = try counts(&r); granted = try counts(&r); revoked = try counts(&r)
        try r.end()
    }
}

extension ApplicationState {
    var row: [UInt8] {
        var w = RowWriter()
        for s in [application, manager, unit] { w.str(s) }
        w.period(window)
        for s in [grade, from, stage] { w.str(s) }
        w.int(submittedSeq); w.day(submitted)
        for d in [direct, skip] { w.opt(d) { $0.double($1) } }
        w.opt(approved) { $0.bool($1) }; w.opt(regionalReason) { $0.str($1) }
        w.opt(qualified) { $0.bool($1) }; w.opt(qualificationReason) { $0.str($1) }; w.opt(override) { $0.str($1) }
        w.opt(exam) { $0.double($1) }; w.opt(rank) { $0.int($1) }; w.opt(score) { $0.double($1) }
        w.opt(decisionReason) { $0.str($1) }; w.opt(revokedReason) { $0.str($1) }
        w.list(steps) { w, s in
            w.int(s.seq); w.str(s.event); w.str(s.type); w.str(s.actor); w.str(s.role); w.day(s.effective)
        }
        return w.bytes
    }

    init(row: [UInt8]) throws {
        var r = try RowReader(row, what: "application row")
        self.init(application: try r.str(), manager: try r.str(), unit: try r.str(), window: try r.period(),
                  grade: try r.str(), from: try r.str(), stage: try r.str(), submittedSeq: try r.int(), submitted: try r.day())
        direct = try r.opt { try $0.double() }; skip = try r.opt { try $0.double() }
        approved = try r.opt { try $0.bool() }; regionalReason = try r.opt { try $0.str() }
        qualified = try r.opt { try $0.bool() }; qualificationReason = try r.opt { try $0.str() }
        override = try r.opt { try $0.str() }
        exam = try r.opt { try $0.double() }; rank = try r.opt { try $0.int() as Int }; score = try r.opt { try $0.double() }
        decisionReason = try r.opt { try $0.str() }; revokedReason = try r.opt { try $0.str() }
        steps = try r.list { r in
            Step(seq: try r.int(), event: try r.str(), type: try r.str(), actor: try r.str(), role: try r.str(), effective: try r.day())
        }
        try r.end()
    }
}

/// A cohort row: (score, count) pairs in score order.
enum CohortCoding {
    static func encode(_ c: Cohort) -> [UInt8] {
        var w = RowWriter()
        w.list(c.counts.keys.sorted()) { w, s in w.double(s); w.uint(UInt64(c.counts[s]!)) }
        return w.bytes
    }

    static func decode(_ row: [UInt8]) throws -> Cohort {
        var r = try RowReader(row, what: "cohort row")
        var counts: [Double: Int] = [:]
        for (s, n) in try r.list({ r in (try r.double(), try r.uint()) }) {
            guard n > 0, counts[s] == nil else { throw RowCodingError(description: "cohort row: a score listed twice or with no count") }
            counts[s] = Int(n)
        }
        try r.end()
        return Cohort(counts: counts)
    }
}

extension RowWriter {
    mutating func map<V>(_ m: [String: V], _ write: (inout RowWriter, V) -> Void) {
        list(m.keys.sorted()) { w, k in w.str(k); write(&w, m[k]!) }
    }
}

extension RowReader {
    mutating func map<V>(_ read: (inout RowReader) throws -> V) throws -> [String: V] {
        var out: [String: V] = [:]
        for (k, v) in try list({ r in (try r.str(), try read(&r)) }) { out[k] = v }
        return out
    }
}

extension PolicyVersion {
    var row: [UInt8] {
        var w = RowWriter()
        w.int(seq); w.str(event); w.day(effective)
        let p = policy
        w.strings(p.ladder); w.map(p.labels) { $0.str($1) }; w.map(p.ceilings) { $0.str($1) }
        w.map(p.instruments) { w, i in w.double(i.max); w.map(i.cuts) { $0.double($1) } }
        w.strings(p.required)
        w.list(p.examBands) { w, b in w.double(b.min); w.str(b.band); w.str(b.label); w.int(b.rating) }
        w.double(p.superiorWeights.direct); w.double(p.superiorWeights.skip)
        w.map(p.eligibility) { w, e in
            w.int(e.minA); w.str(e.lowestRating); w.opt(e.certified) { $0.str($1) }
            w.double(e.minSelfReview); w.double(e.minSuperiorReview); w.opt(e.customerClass) { $0.str($1) }
        }
        w.double(p.passMark); w.double(p.finalWeights.superior); w.double(p.finalWeights.exam)
        w.strings(p.tieBreak); w.map(p.targetMix) { $0.double($1) }
        return w.bytes
    }

    init(row: [UInt8]) throws {
        var r = try RowReader(row, what: "policy row")
        let seq: Int64 = try r.int(), event = try r.str(), effective = try r.day()
        let p = Policy(
            ladder: try r.strings(), labels: try r.map { try $0.str() }, ceilings: try r.map { try $0.str() },
            instruments: try r.map { r in Policy.Instrument(max: try r.double(), cuts: try r.map { try $0.double() }) },
            required: try r.strings(),
            examBands: try r.list { r in Policy.ExamBand(min: try r.double(), band: try r.str(), label: try r.str(), rating: try r.int()) },
            superiorWeights: Policy.SuperiorWeights(direct: try r.double(), skip: try r.double()),
            eligibility: try r.map { r in
                Policy.Eligibility(minA: try r.int(), lowestRating: try r.str(), certified: try r.opt { try $0.str() },
                                   minSelfReview: try r.double(), minSuperiorReview: try r.double(), customerClass: try r.opt { try $0.str() })
            },
            passMark: try r.double(), finalWeights: Policy.FinalWeights(superior: try r.double(), exam: try r.double()),
            tieBreak: try r.strings(), targetMix: try r.map { try $0.double() })
        try r.end()
        self.init(seq: seq, event: event, effective: effective, policy: p)
    }
}

extension UnitState {
    var row: [UInt8] { var w = RowWriter(); w.str(unit); w.str(name); w.str(kind); return w.bytes }

    init(row: [UInt8]) throws {
        var r = try RowReader(row, what: "unit row")
        self.init(unit: try r.str(), name: try r.str(), kind: try r.str())
        try r.end()
    }
}

/// An actor's grants, sorted by role then unit.
enum GrantCoding {
    static func encode(_ grants: Set<Grant>) -> [UInt8] {
        var w = RowWriter()
        w.list(grants.sorted { ($0.role.rawValue, $0.unit ?? "") < ($1.role.rawValue, $1.unit ?? "") }) { w, g in
            w.str(g.role.rawValue); w.opt(g.unit) { $0.str($1) }
        }
        return w.bytes
    }

    static func decode(_ row: [UInt8]) throws -> Set<Grant> {
        var r = try RowReader(row, what: "actor row")
        let grants = try r.list { r in
            let name = try r.str()
            guard let role = Role(rawValue: name) else { throw RowCodingError(description: "actor row: unknown role \(name)") }
            return Grant(role: role, unit: try r.opt { try $0.str() })
        }
        try r.end()
        return Set(grants)
    }
}
