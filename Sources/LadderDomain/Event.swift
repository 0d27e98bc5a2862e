/// Who recorded an event, and in which role they claim to act.
public struct Actor: Hashable, Sendable, Codable {
    public let id: String
    public let role: Role
    public init(id: String, role: Role) { self.id = id; self.role = role }
}

/// One `data` field's value, typed by the catalogue.
public enum FieldValue: Equatable, Sendable {
    case absent
    case text(String)
    case number(Double)
    case bool(Bool)
    case object(JSONValue)
}

/// An event as the domain reads it: the envelope and `data` typed by the
/// catalogue, in catalogue field order. Built from a user's JSON at append
/// time, or from the store's packed columns at replay (no JSON parsing).
public struct Event: Sendable {
    public var seq: Int64
    public let id: String
    public let type: EventType
    public let effective: Day
    public let actor: Actor
    public let values: [FieldValue]
    /// The manager the store filed the event under (its `manager` column), when read
    /// back from the log: for a void, whose evidence it voids. Nil on a new event.
    public var subject: String?

    public init(seq: Int64, id: String, type: EventType, effective: Day, actor: Actor, values: [FieldValue]) {
        self.seq = seq; self.id = id; self.type = type; self.effective = effective; self.actor = actor
        self.values = values
    }

    public subscript(_ name: String) -> FieldValue {
        guard let i = type.index(of: name) else { return .absent }
        return values[i]
    }
    public func text(_ name: String) -> String? { if case .text(let s) = self[name] { return s }; return nil }
    /// A text field by catalogue position: the folds' hot path, without a name lookup.
    public func text(at i: Int) -> String { if case .text(let s) = values[i] { return s }; return "" }
    public func number(at i: Int) -> Double? { if case .number(let d) = values[i] { return d }; return nil }
    /// A required text field: the catalogue guarantees it is present once validated.
    public func str(_ name: String) -> String { text(name) ?? "" }
    public func number(_ name: String) -> Double? { if case .number(let d) = self[name] { return d }; return nil }
    public func bool(_ name: String) -> Bool? { if case .bool(let b) = self[name] { return b }; return nil }

    /// The event as a user writes it (a JSON Lines input's line; the demo's `--jsonl`).
    public var userJSON: JSONValue {
        ["id": .string(id), "type": .string(type.rawValue), "effective": .string(effective.description),
         "actor": ["id": .string(actor.id), "role": .string(actor.role.rawValue)], "data": dataJSON]
    }

    /// The `data` object as a JSON value (for `log` and exports).
    public var dataJSON: JSONValue {
        var o: [String: JSONValue] = [:]
        for (spec, v) in zip(type.fields, values) {
            switch v {
            case .absent: break
            case .text(let s): o[spec.name] = .string(s)
            case .number(let d): o[spec.name] = .number(d)
            case .bool(let b): o[spec.name] = .bool(b)
            case .object(let j): o[spec.name] = j
            }
        }
        return .object(o)
    }
}

// MARK: - Packed form

/// The compact column the store keeps beside the canonical JSON, so that
/// replay and rule checks never parse JSON: the values in catalogue order,
/// separated by U+001F, an absent one written as U+001E. Text fields cannot
/// hold these characters (validation refuses C0 controls but tab and newline),
/// and an object is canonical JSON, which escapes them.
public enum Packed {
    /// Decodes what `encode` wrote for `type`; nil if the text is not such.
    public static func decode(_ text: String, type: EventType) -> [FieldValue]? {
        var text = text
        return text.withUTF8 { decode($0, type: type) }
    }

    /// The same from the column's bytes as the store hands them over: split in one pass,
    /// with no copy of the whole text (a replay decodes every event of the log).
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, type: EventType) -> [FieldValue]? {
        let specs = type.fields
        var values: [FieldValue] = []
        values.reserveCapacity(specs.count)
        var valid = true
        forEachPart(bytes) { r in
            guard values.count < specs.count else { valid = false; return false }
            let part = UnsafeBufferPointer(rebasing: bytes[r])
            if isAbsent(part) { values.append(.absent); return true }
            switch specs[values.count].kind {
            case .number, .score100, .count:
                guard let d = number(part) else { valid = false; return false }
                values.append(.number(d))
            case .bool: values.append(.bool(part.count == 1 && part[0] == UInt8(ascii: "1")))
            case .object:
                guard let j = try? JSONParser.parse(String(decoding: part, as: UTF8.self)) else { valid = false; return false }
                values.append(.object(j))
            default: values.append(.text(String(decoding: part, as: UTF8.self)))
            }
            return true
        }
        return valid && values.count == specs.count ? values : nil
    }

    /// Calls `visit` with the byte range of each field of a packed column, in order (the text
    /// split at U+001F); `visit` returns false to stop. `decode` and `PackedRow` both read it so.
    static func forEachPart(_ bytes: UnsafeBufferPointer<UInt8>, _ visit: (Range<Int>) -> Bool) {
        var start = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x1F {
            guard visit(start..<i) else { return }
            start = i + 1
        }
    }

    /// Whether a field's bytes are the absent mark (U+001E alone).
    static func isAbsent<C: Collection>(_ part: C) -> Bool where C.Element == UInt8 { part.count == 1 && part.first == 0x1E }

    /// A canonical number's value. Most are small integers, read digit by digit (exact below
    /// 2^53); the rest (fractions, exponents, a negative zero) go through `Double(String)`.
    static func number(_ part: UnsafeBufferPointer<UInt8>) -> Double? {
        let negative = part.first == UInt8(ascii: "-")
        let digits = part.count - (negative ? 1 : 0)
        if digits > 0 && digits <= 15 {
            var n = 0, integral = true
            for b in part[(negative ? 1 : 0)...] {
                guard b >= 0x30 && b <= 0x39 else { integral = false; break }
                n = n * 10 + Int(b - 0x30)
            }
            if integral && !(negative && n == 0) { return Double(negative ? -n : n) }
        }
        return Double(String(decoding: part, as: UTF8.self))
    }
}
