import LadderDomain

/// A small province for rule and report tests: grants, two city units and a
/// province centre, managers with a half-year of evidence, and an open window.
enum World {
    static func e(_ id: String, _ type: String, _ eff: String, _ actor: String, _ role: String, _ data: JSONValue) -> String {
        event(id, type, eff, actor: actor, role: role, data.objectValue!)
    }

    static let grants = [
        e("g-hr", "RoleGranted", "2026-01-01", "admin", "system-admin", ["actor": "hr-zhang", "role": "hr"]),
        e("g-pa", "RoleGranted", "2026-01-01", "admin", "system-admin", ["actor": "perf-li", "role": "performance-admin"]),
        e("u-cs", "UnitRegistered", "2026-01-01", "admin", "system-admin", ["unit": "changsha", "name": "长沙分公司", "kind": "city"]),
        e("u-zz", "UnitRegistered", "2026-01-01", "admin", "system-admin", ["unit": "zhuzhou", "name": "株洲分公司", "kind": "city"]),
        e("u-pv", "UnitRegistered", "2026-01-01", "admin", "system-admin", ["unit": "hunan", "name": "省公司集客中心", "kind": "province"]),
        e("g-ca", "RoleGranted", "2026-01-01", "admin", "system-admin", ["actor": "ca-cs", "role": "city-admin", "unit": "changsha"]),
        e("g-cz", "RoleGranted", "2026-01-01", "admin", "system-admin", ["actor": "ca-zz", "role": "city-admin", "unit": "zhuzhou"]),
        e("g-au", "RoleGranted", "2026-01-01", "admin", "system-admin", ["actor": "aud-wu", "role": "auditor"]),
    ]

    static func enrol(_ m: String, _ name: String, unit: String = "changsha", grade: String = "junior",
                      superior: String = "S-1", skip: String = "S-9") -> String {
        e("enrol-\(m)", "ManagerEnrolled", "2026-01-05", "hr-zhang", "hr",
          ["manager": .string(m), "name": .string(name), "unit": .string(unit), "grade": .string(grade),
           "superior": .string(superior), "skipSuperior": .string(skip)])
    }

    /// A half-year of evidence: six monthly ratings, both reviews, the three required instruments.
    static func evidence(_ m: String, period: String = "2026H1", ratings: [String] = ["A", "A", "B", "B", "B", "B"],
                         selfScore: Int64 = 85, superiorScore: Int64 = 88, superior: String = "S-1",
                         knowledge: Int64 = 60, situational: Int64 = 7, interview: Int64 = 2) -> [String] {
        let year = String(period.prefix(4)), first = period.hasSuffix("H1") ? 1 : 7
        var out: [String] = []
        for (i, r) in ratings.enumerated() {
            let month = "\(year)-\(first + i < 10 ? "0" : "")\(first + i)"
            out.append(e("rate-\(m)-\(month)", "PerformanceRated", "\(month)-28", "perf-li", "performance-admin",
                         ["manager": .string(m), "month": .string(month), "rating": .string(r)]))
        }
        let end = period.hasSuffix("H1") ? "\(year)-06-30" : "\(year)-12-31"
        out.append(e("rev-self-\(m)-\(period)", "ReviewSubmitted", end, m, "examinee",
                     ["manager": .string(m), "period": .string(period), "relation": "self", "score": .int(selfScore)]))
        out.append(e("rev-sup-\(m)-\(period)", "ReviewSubmitted", end, superior, "superior",
                     ["manager": .string(m), "period": .string(period), "relation": "superior", "score": .int(superiorScore)]))
        for (inst, score) in [("knowledge-80", knowledge), ("situational-10", situational), ("structured-interview", interview)] {
            out.append(e("as-\(m)-\(period)-\(inst)", "AssessmentRecorded", end, "perf-li", "performance-admin",
                         ["manager": .string(m), "cycle": .string(period), "instrument": .string(inst), "score": .int(score)]))
        }
        return out
    }

    static func openWindow(_ unit: String = "changsha", _ window: String = "2026H2", seats: Int64 = 1,
                           actor: String = "hr-zhang", role: String = "hr") -> [String] {
        [e("open-\(unit)-\(window)", "WindowOpened", "2026-07-01", actor, role,
           ["unit": .string(unit), "window": .string(window), "closes": "2026-07-31"]),
         e("quota-\(unit)-\(window)", "QuotaSet", "2026-07-01", actor, role,
           ["unit": .string(unit), "window": .string(window), "grade": "intermediate", "seats": .int(seats)])]
    }

    static func apply(_ a: String, _ m: String, window: String = "2026H2", grade: String = "intermediate",
                      effective: String = "2026-07-05") -> String {
        e(a, "ApplicationSubmitted", effective, m, "examinee",
          ["application": .string(a), "manager": .string(m), "window": .string(window), "grade": .string(grade)])
    }

    /// Every step up to the exam, by the actors entitled to them.
    static func steps(_ a: String, direct: Int64 = 80, skip: Int64 = 90, exam: Int64? = 85,
                      superior: String = "S-1", skipSuperior: String = "S-9", cityAdmin: String = "ca-cs") -> [String] {
        var out = [
            e("\(a)-ev-d", "SuperiorEvaluated", "2026-07-10", superior, "superior", ["application": .string(a), "relation": "direct", "score": .int(direct)]),
            e("\(a)-ev-s", "SuperiorEvaluated", "2026-07-11", skipSuperior, "superior", ["application": .string(a), "relation": "skip", "score": .int(skip)]),
            e("\(a)-rd", "RegionalDecision", "2026-07-12", cityAdmin, "city-admin", ["application": .string(a), "approved": true]),
            e("\(a)-qc", "QualificationChecked", "2026-07-13", "hr-zhang", "hr", ["application": .string(a), "passed": true]),
        ]
        if let exam {
            out.append(e("\(a)-ex", "ExamScored", "2026-07-20", "hr-zhang", "hr", ["application": .string(a), "score": .int(exam)]))
        }
        return out
    }

    static func close(_ unit: String = "changsha", _ window: String = "2026H2") -> String {
        e("close-\(unit)-\(window)", "WindowClosed", "2026-07-31", "hr-zhang", "hr", ["unit": .string(unit), "window": .string(window)])
    }

    /// Grants, units, M-1 (李伟) with eligible evidence, M-2 (王芳) with thin evidence, and an open changsha window.
    static var base: [String] {
        grants + [enrol("M-1", "李伟"), enrol("M-2", "王芳"), enrol("M-3", "欧阳娜", unit: "zhuzhou", superior: "S-2", skip: "S-8")]
            + evidence("M-1") + evidence("M-2", ratings: ["B", "B", "C"], selfScore: 70) + openWindow()
    }
}

extension Sandbox {
    /// Appends lines; returns the run.
    @discardableResult
    func append(_ lines: [String]) -> Run { run("append", stdin: lines.joined(separator: "\n")) }
}
