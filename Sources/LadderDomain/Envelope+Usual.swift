import Foundation  // memcmp

extension Envelope {
    /// One line to an `Event`: the usual line straight from its bytes, anything else through `general`.
    public static func parse(_ line: UnsafeBufferPointer<UInt8>, label: @autoclosure () -> String) -> Result<Event, Refusals> {
        var usual = UsualLine(line)
        if let e = usual.event() { return .success(e) }
        return general(Array(line), label: label())
    }
}

/// The usual event line read straight into an `Event`, with no JSON tree and no dictionaries: the
/// general parse spends most of an append's parse there. "Usual" is a flat event whose strings hold no
/// escape, whose keys are each the envelope's or the catalogue's once, and whose values the catalogue
/// accepts. Anything else (an escape, an unknown or repeated key, a bad value, a policy's object, a
/// syntax error) gives nil, and the line goes through the general parse, which accepts or refuses it
/// in its own words. So this path decides nothing: an event it returns is the one the general parse
/// builds from the same line (EnvelopeTests compares the two).
struct UsualLine {
    private let b: UnsafeBufferPointer<UInt8>
    private var i = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { b = bytes }

    /// A string with no escape or control character, between its quotes.
    private struct Text { let range: Range<Int>; let ascii: Bool }
    private enum Token { case text(Text), number(Range<Int>), bool(Bool), null }

    private static let envelopeKeys: [[UInt8]] = ["actor", "data", "effective", "id", "type"].map { Array($0.utf8) }
    private static let typeNames: [([UInt8], EventType)] = EventType.allCases.map { (Array($0.rawValue.utf8), $0) }
    private static let roleNames: [([UInt8], Role)] = Role.allCases.map { (Array($0.rawValue.utf8), $0) }

    mutating func event() -> Event? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var seen = 0, data = 0
        var id: String?, type: EventType?, effective: Day?, actor: Actor?
        repeat {
            guard let key = text(), take(UInt8(ascii: ":")),
                  let k = UsualLine.envelopeKeys.firstIndex(where: { equal(key.range, $0) }), seen & (1 << k) == 0
            else { return nil }
            seen |= 1 << k
            switch k {
            case 0: guard let a = actorObject() else { return nil }; actor = a
            case 1:  // read once `type` is known (canonical lines put it last): skipped here, parsed below
                space(); data = i
                guard skipFlatObject() else { return nil }
            case 2: guard let t = text(), let d = Day(utf8: slice(t.range)) else { return nil }; effective = d
            case 3: guard let t = text(), isCode(utf8: slice(t.range)) else { return nil }; id = string(t)
            default:
                guard let t = text(), let match = UsualLine.typeNames.first(where: { equal(t.range, $0.0) }) else { return nil }
                type = match.1
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), atEnd(), let id, let type, let effective, let actor else { return nil }
        i = data
        guard let values = dataObject(type) else { return nil }
        return Event(seq: 0, id: id, type: type, effective: effective, actor: actor, values: values)
    }

    private mutating func actorObject() -> Actor? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var id: String?, role: Role?
        repeat {
            guard let key = text(), take(UInt8(ascii: ":")), let value = text() else { return nil }
            if equal(key.range, Array("id".utf8)), id == nil, isCode(utf8: slice(value.range)) { id = string(value) }
            else if equal(key.range, Array("role".utf8)), role == nil,
                    let r = UsualLine.roleNames.first(where: { equal(value.range, $0.0) }) { role = r.1 }
            else { return nil }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), let id, let role else { return nil }
        return Actor(id: id, role: role)
    }

    /// `data`'s members in catalogue order, each checked as `Envelope.checkData` checks it.
    private mutating func dataObject(_ type: EventType) -> [FieldValue]? {
        let table = Catalogue.byType[type.ordinal]
        var values = [FieldValue](repeating: .absent, count: table.fields.count)
        var seen = 0
        guard take(UInt8(ascii: "{")) else { return nil }
        if !take(UInt8(ascii: "}")) {
            repeat {
                // `keys` holds each name as `"name":`, so the name is its bytes but the first and the last two.
                guard let key = text(), take(UInt8(ascii: ":")),
                      let f = table.keys.first(where: { k in key.range.count == k.1.count - 3 && k.1.withUnsafeBufferPointer {
                          memcmp(b.baseAddress! + key.range.lowerBound, $0.baseAddress! + 1, key.range.count) == 0 } })?.0,
                      seen & (1 << f) == 0, let token = token()
                else { return nil }
                seen |= 1 << f
                if case .null = token { continue }  // as absent, as the general parse takes it
                guard let v = value(token, table.fields[f].kind) else { return nil }
                values[f] = v
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
        }
        for (f, spec) in table.fields.enumerated() where spec.required {
            if case .absent = values[f] { return nil }
        }
        return values
    }

    private func value(_ token: Token, _ kind: FieldKind) -> FieldValue? {
        switch (token, kind) {
        case (.text(let t), .code), (.text(let t), .grade), (.text(let t), .instrument):
            return isCode(utf8: slice(t.range)) ? string(t).map(FieldValue.text) : nil
        case (.text(let t), .text):
            guard let s = string(t), !s.isEmpty, t.range.count <= Envelope.maxTextLength
                    || s.unicodeScalars.count <= Envelope.maxTextLength else { return nil }
            return .text(s)  // no control character: `text()` took none, and escapes go the general way
        case (.text(let t), .oneOf(let options)):
            guard let s = string(t), options.contains(s) else { return nil }
            return .text(s)
        case (.text(let t), .period): return Period(utf8: slice(t.range)) != nil ? string(t).map(FieldValue.text) : nil
        case (.text(let t), .month): return Month(utf8: slice(t.range)) != nil ? string(t).map(FieldValue.text) : nil
        case (.text(let t), .date): return Day(utf8: slice(t.range)) != nil ? string(t).map(FieldValue.text) : nil
        case (.number(let r), .number): return number(r).map(FieldValue.number)
        case (.number(let r), .score100):
            guard let n = number(r), n >= 0, n <= 100 else { return nil }
            return .number(n)
        case (.number(let r), .count):
            guard let n = number(r), b[r.lowerBound] != UInt8(ascii: "-"), isInteger(r) else { return nil }
            return .number(n)
        case (.bool(let v), .bool): return .bool(v)
        default: return nil
        }
    }

    // MARK: - Tokens

    private func slice(_ r: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: b[r]) }

    private func equal(_ r: Range<Int>, _ word: [UInt8]) -> Bool {
        r.count == word.count && word.withUnsafeBufferPointer { memcmp(b.baseAddress! + r.lowerBound, $0.baseAddress!, r.count) == 0 }
    }

    private mutating func space() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    private mutating func take(_ c: UInt8) -> Bool {
        space()
        guard i < b.count, b[i] == c else { return false }
        i += 1
        return true
    }

    private mutating func atEnd() -> Bool { space(); return i == b.count }

    private mutating func text() -> Text? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = i
        var ascii = true
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") { i += 1; return Text(range: start..<(i - 1), ascii: ascii) }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            if c >= 0x80 { ascii = false }
            i += 1
        }
        return nil
    }

    /// The string, if its bytes are valid UTF-8 (decoding, which repairs, leaves them as they are).
    private func string(_ t: Text) -> String? {
        let s = String(decoding: slice(t.range), as: UTF8.self)
        return t.ascii || s.utf8.elementsEqual(slice(t.range)) ? s : nil
    }

    private mutating func token() -> Token? {
        space()
        guard i < b.count else { return nil }
        switch b[i] {
        case UInt8(ascii: "\""): return text().map(Token.text)
        case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return word("null") ? .null : nil
        default: return numberToken().map(Token.number)
        }
    }

    private mutating func word(_ w: StaticString) -> Bool {
        let n = w.utf8CodeUnitCount
        guard i + n <= b.count, memcmp(b.baseAddress! + i, w.utf8Start, n) == 0 else { return false }
        i += n
        return true
    }

    /// RFC 8259's number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func numberToken() -> Range<Int>? {
        let start = i
        func digits() -> Bool {
            let from = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            return i > from
        }
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        if i < b.count, b[i] == UInt8(ascii: "0") { i += 1 } else if !digits() { return nil }
        if i < b.count, b[i] == UInt8(ascii: ".") { i += 1; guard digits() else { return nil } }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() else { return nil }
        }
        return start..<i
    }

    /// The number's value as the general parse finds it: a short integer digit by digit (exact), the rest
    /// by `Double`'s own reading, a literal out of range refused (the general parse refuses it too).
    private func number(_ r: Range<Int>) -> Double? {
        guard let d = Packed.number(slice(r)), d.isFinite else { return nil }
        return d == 0 && isInteger(r) ? 0 : d  // "-0" is the integer 0 to the general parse, not -0.0
    }

    /// Whether a number literal has no fraction and no exponent.
    private func isInteger(_ r: Range<Int>) -> Bool {
        !b[r].contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// Past a `{…}` of string keys and scalar values (`data` before its type is known): nil if nested or not JSON.
    private mutating func skipFlatObject() -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            guard text() != nil, take(UInt8(ascii: ":")), token() != nil else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }
}
