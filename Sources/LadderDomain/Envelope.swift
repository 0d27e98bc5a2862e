/// Envelope validation: one JSON line to a typed `Event`, or every problem
/// found in it. Pure: state-dependent rules come later, in `Rules`.
public enum Envelope {
    public static let maxTextLength = 2_000
    static let envelopeKeys: Set<String> = ["id", "type", "effective", "actor", "data"]

    /// Parses and checks one line. `label` names the event in refusals until
    /// its id is known (e.g. "line 3").
    /// (`label` is built only for a refusal: a large file's lines are nearly all good.)
    public static func parse(_ bytes: [UInt8], label: @autoclosure () -> String) -> Result<Event, Refusals> {
        bytes.withUnsafeBufferPointer { parse($0, label: label()) }
    }

    /// The general parse of a line: a JSON tree, then the envelope's and the catalogue's checks, each
    /// problem found in words. `parse` takes the usual line a faster way (Envelope+Usual.swift).
    static func general(_ bytes: [UInt8], label: @autoclosure () -> String) -> Result<Event, Refusals> {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch {
            return .failure(Refusals([Refusal(.badField, event: label(), "not a JSON object: \(error.message) at byte \(error.offset + 1)")]))
        }
        guard case .object(let o) = json else {
            return .failure(Refusals([Refusal(.badField, event: label(), "expected one JSON object per line, found \(json.kindName)")]))
        }
        return from(object: o, label: label)
    }

    /// Checks an already-parsed event object (CSV import builds these).
    public static func from(object o: [String: JSONValue], label: String) -> Result<Event, Refusals> {
        from(object: o, label: { label })
    }

    static func from(object o: [String: JSONValue], label: () -> String) -> Result<Event, Refusals> {
        var problems: [Refusal] = []
        var id: String?
        // How refusals name the event: its id and where it was read (built only for a refusal).
        func name() -> String {
            let l = label()
            guard let id else { return l }
            return l == id ? id : "\(id) (\(l))"
        }
        if let v = o["id"] {
            if let s = v.stringValue, isCode(s) { id = s }
            else { problems.append(Refusal(.badField, event: label(), field: "id",
                                           "must be 1–128 of A-Z a-z 0-9 . _ : - (got \(preview(v)))")) }
        } else { problems.append(Refusal(.badField, event: label(), field: "id", "is missing")) }

        // Unknown members in key order; the keys are sorted only when there is one.
        for key in unknownKeys(o, known: envelopeKeys.contains) {
            problems.append(Refusal(.badField, event: name(), field: key, "is not an envelope field (id, type, effective, actor, data)"))
        }

        var type: EventType?
        switch o["type"] {
        case .none: problems.append(Refusal(.badField, event: name(), field: "type", "is missing"))
        case .string(let s)?:
            if let t = EventType(rawValue: s) { type = t }
            else { problems.append(Refusal(.unknownType, event: name(), field: "type", "\"\(s)\" is not in the catalogue")) }
        case let v?: problems.append(Refusal(.badField, event: name(), field: "type", "must be a string, found \(v.kindName)"))
        }

        var effective: Day?
        switch o["effective"] {
        case .none: problems.append(Refusal(.badField, event: name(), field: "effective", "is missing"))
        case .string(let s)?:
            if let d = Day(s) { effective = d }
            else { problems.append(Refusal(.badDate, event: name(), field: "effective", "\"\(s)\" is not a calendar date YYYY-MM-DD")) }
        case let v?: problems.append(Refusal(.badField, event: name(), field: "effective", "must be a YYYY-MM-DD string, found \(v.kindName)"))
        }

        var actor: Actor?
        switch o["actor"] {
        case .none: problems.append(Refusal(.badField, event: name(), field: "actor", "is missing"))
        case .object(let a)?:
            var aid: String?, role: Role?
            if let s = a["id"]?.stringValue, isCode(s) { aid = s }
            else { problems.append(Refusal(.badField, event: name(), field: "actor.id", "must be 1–128 of A-Z a-z 0-9 . _ : -")) }
            if let s = a["role"]?.stringValue, let r = Role(rawValue: s) { role = r }
            else {
                problems.append(Refusal(.badField, event: name(), field: "actor.role",
                                        "must be one of \(Role.allCases.map(\.rawValue).joined(separator: " "))"))
            }
            for k in unknownKeys(a, known: { $0 == "id" || $0 == "role" }) {
                problems.append(Refusal(.badField, event: name(), field: "actor.\(k)", "is not an actor field (id, role)"))
            }
            if let aid, let role { actor = Actor(id: aid, role: role) }
        case let v?: problems.append(Refusal(.badField, event: name(), field: "actor", "must be an object {id, role}, found \(v.kindName)"))
        }

        var values: [FieldValue]?
        switch o["data"] {
        case .none: problems.append(Refusal(.badField, event: name(), field: "data", "is missing"))
        case .object(let d)?:
            if let type { values = checkData(d, type: type, event: name, problems: &problems) }
        case let v?: problems.append(Refusal(.badField, event: name(), field: "data", "must be an object, found \(v.kindName)"))
        }

        guard problems.isEmpty, let id, let type, let effective, let actor, let values else {
            return .failure(Refusals(problems))
        }
        return .success(Event(seq: 0, id: id, type: type, effective: effective, actor: actor, values: values))
    }

    static func checkData(_ d: [String: JSONValue], type: EventType, event: () -> String,
                          problems: inout [Refusal]) -> [FieldValue] {
        let specs = type.fields
        for key in unknownKeys(d, known: { type.index(of: $0) != nil }) {
            problems.append(Refusal(.badField, event: event(), field: "data.\(key)",
                                    "is not a field of \(type.rawValue) (its fields: \(specs.map(\.name).joined(separator: ", ")))"))
        }
        var values: [FieldValue] = []
        values.reserveCapacity(specs.count)
        for spec in specs {
            guard let v = d[spec.name], v != .null else {
                if spec.required { problems.append(Refusal(.badField, event: event(), field: "data.\(spec.name)", "is required for \(type.rawValue)")) }
                values.append(.absent)
                continue
            }
            func bad(_ m: String, rule: Rule = .badField) {
                problems.append(Refusal(rule, event: event(), field: "data.\(spec.name)", m)); values.append(.absent)
            }
            switch spec.kind {
            case .code, .grade, .instrument:
                guard let s = v.stringValue else { bad("must be a string, found \(v.kindName)"); continue }
                guard isCode(s) else { bad("must be 1–128 of A-Z a-z 0-9 . _ : - (got \(preview(v)))"); continue }
                values.append(.text(s))
            case .text:
                guard let s = v.stringValue else { bad("must be a string, found \(v.kindName)"); continue }
                if s.isEmpty { bad("must not be empty"); continue }
                if s.unicodeScalars.count > maxTextLength { bad("is longer than \(maxTextLength) characters"); continue }
                if s.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" }) {
                    bad("holds a control character"); continue
                }
                values.append(.text(s))
            case .oneOf(let options):
                guard let s = v.stringValue, options.contains(s) else {
                    bad("must be one of \(options.joined(separator: " ")) (got \(preview(v)))"); continue
                }
                values.append(.text(s))
            case .period:
                guard let s = v.stringValue, Period(s) != nil else { bad("must be a half-year YYYYH1 or YYYYH2 (got \(preview(v)))"); continue }
                values.append(.text(s))
            case .month:
                guard let s = v.stringValue, Month(s) != nil else { bad("must be a month YYYY-MM (got \(preview(v)))"); continue }
                values.append(.text(s))
            case .date:
                guard let s = v.stringValue else { bad("must be a YYYY-MM-DD string, found \(v.kindName)"); continue }
                guard Day(s) != nil else { bad("\"\(s)\" is not a calendar date YYYY-MM-DD", rule: .badDate); continue }
                values.append(.text(s))
            case .number:
                guard let n = v.numberValue else { bad("must be a number, found \(v.kindName)"); continue }
                values.append(.number(n))
            case .score100:
                guard let n = v.numberValue else { bad("must be a number, found \(v.kindName)"); continue }
                guard n >= 0, n <= 100 else { bad("\(JSONValue.canonicalNumber(n)) is outside 0–100", rule: .scoreRange); continue }
                values.append(.number(n))
            case .count:
                guard let n = v.intValue, n >= 0 else { bad("must be a whole number ≥ 0 (got \(preview(v)))"); continue }
                values.append(.number(Double(n)))
            case .bool:
                guard let b = v.boolValue else { bad("must be true or false, found \(v.kindName)"); continue }
                values.append(.bool(b))
            case .object:
                guard case .object = v else { bad("must be an object, found \(v.kindName)"); continue }
                values.append(.object(v))
            }
        }
        return values
    }

    /// The members `known` does not accept, in key order (sorted only when there is one).
    static func unknownKeys(_ o: [String: JSONValue], known: (String) -> Bool) -> [String] {
        guard o.keys.contains(where: { !known($0) }) else { return [] }
        return JSONValue.sortedKeys(o).filter { !known($0) }
    }

    /// A short, safe rendering of a bad value for messages.
    static func preview(_ v: JSONValue) -> String {
        let s = v.canonical
        return s.count > 40 ? String(s.prefix(40)) + "…" : s
    }
}
