import Foundation

/// A compact text form for a half-year of evidence, the bulk of the persisted
/// state: Codable JSON spends most of a replay encoding it. Every field is a
/// code, a date, a number or a fixed word, so the ASCII separators U+001C–U+001F
/// never occur inside one.
extension EvidenceRecord {
    static let field: Character = "\u{1F}", entry: Character = "\u{1E}", list: Character = "\u{1D}"

    public var compact: Data {
        var out = ""
        for (i, items) in [assessments, reviews, ratings, classes].enumerated() {
            if i > 0 { out.append(EvidenceRecord.list) }
            for (j, e) in items.enumerated() {
                if j > 0 { out.append(EvidenceRecord.entry) }
                out += e.event; out.append(EvidenceRecord.field)
                out += String(e.seq); out.append(EvidenceRecord.field)
                out += e.effective.description; out.append(EvidenceRecord.field)
                out += e.key; out.append(EvidenceRecord.field)
                out += e.cycle; out.append(EvidenceRecord.field)
                out += e.score.map(JSONValue.canonicalNumber) ?? ""; out.append(EvidenceRecord.field)
                out += e.value ?? ""; out.append(EvidenceRecord.field)
                out += e.voided ? "1" : "0"; out.append(EvidenceRecord.field)
                out += e.bucket
            }
        }
        return Data(out.utf8)
    }

    public init?(compact data: Data) {
        // Split on bytes: the separators are ASCII, and Character-wise splitting is slow.
        let bytes = [UInt8](data)
        let lists = bytes.split(separator: 0x1D, omittingEmptySubsequences: false)
        guard lists.count == 4 else { return nil }
        func str(_ s: ArraySlice<UInt8>) -> String { String(decoding: s, as: UTF8.self) }
        var parsed: [[Evidence]] = []
        for l in lists {
            var items: [Evidence] = []
            for entry in l.split(separator: 0x1E) {
                let f = entry.split(separator: 0x1F, omittingEmptySubsequences: false)
                guard f.count == 9, let seq = Int64(str(f[1])), let day = Day(str(f[2])) else { return nil }
                items.append(Evidence(event: str(f[0]), seq: seq, effective: day, key: str(f[3]), cycle: str(f[4]),
                                      score: f[5].isEmpty ? nil : Double(str(f[5])), value: f[6].isEmpty ? nil : str(f[6]),
                                      voided: f[7].first == UInt8(ascii: "1"), bucket: str(f[8])))
            }
            parsed.append(items)
        }
        self.init(assessments: parsed[0], reviews: parsed[1], ratings: parsed[2], classes: parsed[3])
    }
}

/// A cohort (manager → standing score of one instrument and cycle) as
/// `manager U+001F score` entries separated by U+001E, sorted by manager.
enum CohortCoding {
    static func encode(_ c: [String: Double]) -> Data {
        var out = ""
        for (i, m) in c.keys.sorted().enumerated() {
            if i > 0 { out += "\u{1E}" }
            out += m; out += "\u{1F}"; out += JSONValue.canonicalNumber(c[m]!)
        }
        return Data(out.utf8)
    }

    static func decode(_ data: Data) -> [String: Double]? {
        var out: [String: Double] = [:]
        let bytes = [UInt8](data)
        for entry in bytes.split(separator: 0x1E) {
            let f = entry.split(separator: 0x1F, omittingEmptySubsequences: false)
            guard f.count == 2, let score = Double(String(decoding: f[1], as: UTF8.self)) else { return nil }
            out[String(decoding: f[0], as: UTF8.self)] = score
        }
        return out
    }
}
