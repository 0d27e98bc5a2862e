import ArgumentParser
import Foundation
import LadderDomain
import LadderStore
import SwiftCSV

extension Ladder {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Append the rows of a CSV file as events of one type, all or nothing.",
            discussion: "The header names the type's data fields plus id, effective, actor_id and actor_role. UTF-8; an empty cell is an absent optional field.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The event type of every row, e.g. PerformanceRated.") var type: String
        @Argument(help: "The CSV file.") var file: String

        mutating func run() throws {
            try perform {
                guard let t = EventType(rawValue: type) else {
                    throw Refusal(.unknownType, event: file, field: "--type", "\"\(type)\" is not in the catalogue")
                }
                let ledger = try store.open()
                let bytes = try readInput(file)
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw Refusal(.badField, event: file, "the file is not valid UTF-8")
                }
                let events = try CSVRows.events(text: text, type: t)
                let result = try appendShowingProgress(events, to: ledger, expectSeq: nil, json: output.json)
                report(result, json: output.json)
            }
        }
    }
}

/// CSV rows to checked events: each row becomes the JSON object a user would
/// have written, then goes through the same envelope checks as `append`.
enum CSVRows {
    static let envelopeColumns: Set<String> = ["id", "effective", "actor_id", "actor_role"]

    static func events(text: String, type: EventType) throws -> [Event] {
        let csv: CSV<Enumerated>
        do { csv = try CSV<Enumerated>(string: text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text) } catch {
            throw Refusal(.badField, event: "csv", "the file is not valid CSV: \(error)")
        }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespaces) }
        var problems: [Refusal] = []
        for col in envelopeColumns.sorted() where !header.contains(col) {
            problems.append(Refusal(.badField, event: "header", field: col, "the CSV header needs a \(col) column"))
        }
        if !problems.isEmpty { throw Refusals(problems) }
        var events: [Event] = []
        for (n, row) in csv.rows.enumerated() {
            let label = "row \(n + 2)"
            if row.allSatisfy({ $0.isEmpty }) { continue }
            guard row.count == header.count else {
                problems.append(Refusal(.badField, event: label, "has \(row.count) cells, the header has \(header.count)"))
                continue
            }
            var data: [String: JSONValue] = [:]
            var env: [String: String] = [:]
            for (col, cell) in zip(header, row) {
                if envelopeColumns.contains(col) { env[col] = cell; continue }
                if cell.isEmpty { continue }
                data[col] = typed(cell, kind: type.index(of: col).map { type.fields[$0].kind })
            }
            let object: [String: JSONValue] = [
                "id": .string(env["id"] ?? ""), "type": .string(type.rawValue), "effective": .string(env["effective"] ?? ""),
                "actor": .object(["id": .string(env["actor_id"] ?? ""), "role": .string(env["actor_role"] ?? "")]),
                "data": .object(data),
            ]
            switch Envelope.from(object: object, label: label) {
            case .success(let e): events.append(e)
            case .failure(let r): problems += r.all
            }
        }
        if !problems.isEmpty { throw Refusals(problems) }
        return events
    }

    /// A cell as the JSON value its field expects; left a string when it is
    /// not one, so that the envelope check names the problem.
    static func typed(_ cell: String, kind: FieldKind?) -> JSONValue {
        switch kind {
        case .number?, .score100?, .count?:
            if let i = Int64(cell) { return .int(i) }
            if let d = Double(cell), d.isFinite { return .double(d) }
        case .bool?:
            if cell == "true" { return .bool(true) }
            if cell == "false" { return .bool(false) }
        case .object?:
            if let j = try? JSONParser.parse(cell) { return j }
        default: break
        }
        return .string(cell)
    }
}
