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
        var w = RowWriter()
        for items in [assessments, reviews, ratings, classes] {
            w.list(items) { w, e in
                w.str(e.event); w.int(e.seq); w.day(e.effective); w.str(e.key); w.str(e.cycle)
                w.opt(e.score) { $0.double($1) }; w.opt(e.value) { $0.str($1) }; w.bool(e.voided); w.str(e.bucket)
            }
        }
        return w.bytes
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
        w.list(seats.keys.sorted()) { w, g in w.str(g); w.int(seats[g]!) }
        w.strings(applications)
        return w.bytes
    }

    init(row: [UInt8]) throws {
        var r = try RowReader(row, what: "window row")
        self.init(unit: try r.str(), window: try r.period(), closes: try r.day(), opened: try r.day(), state: try r.str(),
                  closed: try r.opt { try $0.day() }, decided: try r.opt { try $0.day() })
        for (g, n) in try r.list({ r in (try r.str(), try r.int() as Int) }) { seats[g] = n }
        applications = try r.strings()
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

/// A cohort (manager → standing score of one instrument and cycle), sorted by manager.
enum CohortCoding {
    static func encode(_ c: [String: Double]) -> [UInt8] {
        var w = RowWriter()
        w.list(c.keys.sorted()) { w, m in w.str(m); w.double(c[m]!) }
        return w.bytes
    }

    static func decode(_ row: [UInt8]) throws -> [String: Double] {
        var r = try RowReader(row, what: "cohort row")
        var out: [String: Double] = [:]
        let n = try r.count()
        out.reserveCapacity(n)
        for _ in 0..<n { out[try r.str()] = try r.double() }
        try r.end()
        return out
    }
}
