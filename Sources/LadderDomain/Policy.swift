import Foundation

/// The rulebook as data: every value RULES.md marks [default] lives here, and
/// a `PolicyAdopted` event replaces the whole of it from its effective date.
/// Shape and default: docs/policy.md.
public struct Policy: Codable, Equatable, Sendable {
    /// The values themselves. A policy is behind one reference (`Box`, copied on write) because every
    /// rule check of every event binds the policy in force: a struct of a dozen collections costs a
    /// retain and a release per field at each binding, this costs one.
    private struct Values: Codable, Equatable, Sendable {
        /// The ordered ladder, lowest first.
        public var ladder: [String]
        /// People's names of the grades (e.g. 初级), for reports.
        public var labels: [String: String]
        /// The highest grade a unit of each kind may hold.
        public var ceilings: [String: String]
        public var instruments: [String: Instrument]
        /// Instruments whose latest results set the certified level.
        public var required: [String]
        /// Exam score bands, highest first: a score at or above `min` is in the band.
        public var examBands: [ExamBand]
        public var superiorWeights: SuperiorWeights
        public var eligibility: [String: Eligibility]
        public var passMark: Double
        public var finalWeights: FinalWeights
        /// Ranking keys in order (documentary: allocation ranks by final, exam, superior, then submission).
        public var tieBreak: [String]
        /// Target share of active managers per grade, in percent.
        public var targetMix: [String: Double]
    }

    private final class Box: @unchecked Sendable {  // changed only while uniquely referenced (`edit`)
        var values: Values
        init(_ values: Values) { self.values = values }
    }
    private var box: Box

    private init(_ values: Values) { box = Box(values) }

    init(ladder: [String], labels: [String: String], ceilings: [String: String], instruments: [String: Instrument],
         required: [String], examBands: [ExamBand], superiorWeights: SuperiorWeights, eligibility: [String: Eligibility],
         passMark: Double, finalWeights: FinalWeights, tieBreak: [String], targetMix: [String: Double]) {
        self.init(Values(ladder: ladder, labels: labels, ceilings: ceilings, instruments: instruments, required: required,
                         examBands: examBands, superiorWeights: superiorWeights, eligibility: eligibility, passMark: passMark,
                         finalWeights: finalWeights, tieBreak: tieBreak, targetMix: targetMix))
    }

    private mutating func edit(_ change: (inout Values) -> Void) {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.values) }
        change(&box.values)
    }

    public var ladder: [String] { get { box.values.ladder } set { edit { $0.ladder = newValue } } }
    public var labels: [String: String] { get { box.values.labels } set { edit { $0.labels = newValue } } }
    public var ceilings: [String: String] { get { box.values.ceilings } set { edit { $0.ceilings = newValue } } }
    public var instruments: [String: Instrument] { get { box.values.instruments } set { edit { $0.instruments = newValue } } }
    public var required: [String] { get { box.values.required } set { edit { $0.required = newValue } } }
    public var examBands: [ExamBand] { get { box.values.examBands } set { edit { $0.examBands = newValue } } }
    public var superiorWeights: SuperiorWeights { get { box.values.superiorWeights } set { edit { $0.superiorWeights = newValue } } }
    public var eligibility: [String: Eligibility] { get { box.values.eligibility } set { edit { $0.eligibility = newValue } } }
    public var passMark: Double { get { box.values.passMark } set { edit { $0.passMark = newValue } } }
    public var finalWeights: FinalWeights { get { box.values.finalWeights } set { edit { $0.finalWeights = newValue } } }
    public var tieBreak: [String] { get { box.values.tieBreak } set { edit { $0.tieBreak = newValue } } }
    public var targetMix: [String: Double] { get { box.values.targetMix } set { edit { $0.targetMix = newValue } } }

    // The JSON shape is the values' own (docs/policy.md): the box is not seen.
    public init(from decoder: Decoder) throws { self.init(try Values(from: decoder)) }
    public func encode(to encoder: Encoder) throws { try box.values.encode(to: encoder) }
    public static func == (a: Policy, b: Policy) -> Bool { a.box === b.box || a.box.values == b.box.values }

    public struct Instrument: Codable, Equatable, Sendable {
        public var max: Double
        /// Cut score per grade: the lowest score at that grade's level.
        public var cuts: [String: Double]
    }

    public struct ExamBand: Codable, Equatable, Sendable {
        public var min: Double
        public var band: String
        public var label: String
        public var rating: Int
    }

    public struct SuperiorWeights: Codable, Equatable, Sendable {
        public var direct: Double
        public var skip: Double
    }

    public struct FinalWeights: Codable, Equatable, Sendable {
        public var superior: Double
        public var exam: Double
    }

    /// What an application for a target grade needs, read from the look-back.
    public struct Eligibility: Codable, Equatable, Sendable {
        /// At least this many `A` ratings in the look-back months.
        public var minA: Int
        /// No rating in the look-back below this one.
        public var lowestRating: String
        /// Certified level at least this grade.
        public var certified: String?
        public var minSelfReview: Double
        public var minSuperiorReview: Double
        /// Customer class served at least this one (`A+` > `A` > `B` > `C`), if set.
        public var customerClass: String?

        public init(minA: Int, lowestRating: String, certified: String?, minSelfReview: Double,
                    minSuperiorReview: Double, customerClass: String?) {
            self.minA = minA; self.lowestRating = lowestRating; self.certified = certified
            self.minSelfReview = minSelfReview; self.minSuperiorReview = minSuperiorReview; self.customerClass = customerClass
        }
    }

    public func rank(of grade: String) -> Int? { ladder.firstIndex(of: grade) }

    /// The grade after `grade`, if any.
    public func next(after grade: String) -> String? {
        guard let i = rank(of: grade), i + 1 < ladder.count else { return nil }
        return ladder[i + 1]
    }

    /// The level an instrument score reaches: the highest grade whose cut it meets.
    public func level(instrument: String, score: Double) -> String? {
        guard let inst = instruments[instrument] else { return nil }
        return ladder.last { g in inst.cuts[g].map { score >= $0 } ?? false }
    }

    public func band(exam score: Double) -> ExamBand? { examBands.first { score >= $0.min } }
}

extension Policy {
    /// The shipped default (RULES.md): three grades, 000's instruments and cuts,
    /// 001's exam bands, 50/50 weights, pass mark 71, target mix 25/55/20.
    public static let standard: Policy = {
        func inst(_ max: Double, _ a: Double, _ b: Double, _ c: Double) -> Instrument {
            Instrument(max: max, cuts: ["junior": a, "intermediate": b, "senior": c])
        }
        return Policy(
            ladder: ["junior", "intermediate", "senior"],
            labels: ["junior": "初级", "intermediate": "中级", "senior": "高级"],
            ceilings: ["province": "senior", "city": "intermediate"],
            instruments: [
                "knowledge-80": inst(80, 45, 55, 75), "knowledge-20": inst(20, 12, 14, 16),
                "situational-10": inst(10, 5, 7, 8), "situational-15": inst(15, 8, 10, 12),
                "case-writing": inst(3, 1, 2, 3), "structured-interview": inst(3, 1, 2, 3),
                "product-presentation": inst(3, 1, 2, 3), "solution-presentation": inst(3, 1, 2, 3),
            ],
            required: ["knowledge-80", "situational-10", "structured-interview"],
            examBands: [
                ExamBand(min: 91, band: "exceeds", label: "超标", rating: 6),
                ExamBand(min: 81, band: "meets", label: "达标", rating: 5),
                ExamBand(min: 71, band: "basically-meets", label: "基本达标", rating: 4),
                ExamBand(min: 61, band: "mostly-meets", label: "大部分达标", rating: 3),
                ExamBand(min: 41, band: "clear-gap", label: "差距明显", rating: 2),
                ExamBand(min: 0, band: "large-gap", label: "差距很大", rating: 1),
            ],
            superiorWeights: SuperiorWeights(direct: 0.5, skip: 0.5),
            eligibility: [
                "intermediate": Eligibility(minA: 1, lowestRating: "B", certified: "intermediate",
                                            minSelfReview: 80, minSuperiorReview: 80, customerClass: nil),
                "senior": Eligibility(minA: 2, lowestRating: "B", certified: "senior",
                                      minSelfReview: 90, minSuperiorReview: 90, customerClass: "A"),
            ],
            passMark: 71,
            finalWeights: FinalWeights(superior: 0.5, exam: 0.5),
            tieBreak: ["final", "exam", "superior", "submitted"],
            targetMix: ["junior": 20, "intermediate": 55, "senior": 25])
    }()

    /// The policy as the JSON object a `PolicyAdopted` event carries.
    public var json: JSONValue {
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        // Encoding plain Codable structs of strings and numbers cannot fail.
        return try! JSONParser.parse([UInt8](try! enc.encode(self)))
    }

    /// Reads and checks a policy object; every problem as a `policy-invalid` message.
    public static func from(_ json: JSONValue) -> (policy: Policy?, problems: [String]) {
        let policy: Policy
        do {
            policy = try JSONDecoder().decode(Policy.self, from: Data(json.canonical.utf8))
        } catch let DecodingError.keyNotFound(key, ctx) {
            return (nil, ["\((ctx.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")) is missing"])
        } catch let DecodingError.typeMismatch(_, ctx) {
            return (nil, ["\(ctx.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"])
        } catch {
            return (nil, ["the policy object does not have the documented shape (docs/policy.md)"])
        }
        let problems = policy.problems
        return (problems.isEmpty ? policy : nil, problems)
    }

    /// Why this policy cannot be adopted (empty when it can).
    public var problems: [String] {
        var p: [String] = []
        let grades = Set(ladder)
        if ladder.isEmpty { p.append("the ladder is empty") }
        if grades.count != ladder.count { p.append("the ladder lists a grade twice") }
        for (kind, g) in ceilings.sorted(by: { $0.key < $1.key }) where !grades.contains(g) {
            p.append("ceilings.\(kind) names \(g), which is not on the ladder")
        }
        for (name, inst) in instruments.sorted(by: { $0.key < $1.key }) {
            var last = -Double.infinity
            for g in ladder {
                guard let cut = inst.cuts[g] else { continue }
                if cut <= last { p.append("instruments.\(name): cut scores must increase up the ladder (\(g) is \(JSONValue.canonicalNumber(cut)))") }
                if cut > inst.max || cut < 0 { p.append("instruments.\(name): the \(g) cut \(JSONValue.canonicalNumber(cut)) is outside 0–\(JSONValue.canonicalNumber(inst.max))") }
                last = cut
            }
            for g in inst.cuts.keys.sorted() where !grades.contains(g) { p.append("instruments.\(name) has a cut for \(g), which is not on the ladder") }
        }
        for r in required where instruments[r] == nil { p.append("required names \(r), which is not an instrument") }
        for (g, e) in eligibility.sorted(by: { $0.key < $1.key }) {
            if !grades.contains(g) { p.append("eligibility names \(g), which is not on the ladder") }
            if let c = e.certified, !grades.contains(c) { p.append("eligibility.\(g).certified names \(c), which is not on the ladder") }
            if !["A", "B", "C", "D"].contains(e.lowestRating) { p.append("eligibility.\(g).lowestRating must be A, B, C or D") }
            if let c = e.customerClass, !["A+", "A", "B", "C"].contains(c) { p.append("eligibility.\(g).customerClass must be A+, A, B or C") }
        }
        if abs(superiorWeights.direct + superiorWeights.skip - 1) > 1e-9 { p.append("superiorWeights must sum to 1") }
        if abs(finalWeights.superior + finalWeights.exam - 1) > 1e-9 { p.append("finalWeights must sum to 1") }
        if abs(targetMix.values.reduce(0, +) - 100) > 1e-9 { p.append("targetMix must sum to 100%, not \(JSONValue.canonicalNumber(targetMix.values.reduce(0, +)))%") }
        for g in targetMix.keys.sorted() where !grades.contains(g) { p.append("targetMix names \(g), which is not on the ladder") }
        if passMark < 0 || passMark > 100 { p.append("passMark must be within 0–100") }
        return p
    }
}
