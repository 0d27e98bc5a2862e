/// A calendar date `YYYY-MM-DD` (proleptic Gregorian, no time zone): the
/// effective date of a fact. Comparable by day.
public struct Day: Hashable, Comparable, Sendable, TextCodable {
    /// `yyyymmdd` in one word: days are a large part of the evidence a replay holds.
    private let ymd: Int32
    public var year: Int { Int(ymd / 10_000) }
    public var month: Int { Int(ymd / 100 % 100) }
    public var day: Int { Int(ymd % 100) }

    public init?(_ text: String) {
        var t = text
        guard let d = t.withUTF8({ Day(utf8: $0) }) else { return nil }
        self = d
    }

    public init?(utf8 u: UnsafeBufferPointer<UInt8>) {
        guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D,
              let y = Day.digits(u[0..<4]), let m = Day.digits(u[5..<7]), let d = Day.digits(u[8..<10]),
              y >= 1, (1...12).contains(m), d >= 1, d <= Day.daysIn(year: y, month: m)
        else { return nil }
        ymd = Int32(y * 10_000 + m * 100 + d)
    }

    public init(year: Int, month: Int, day: Int) { ymd = Int32(year * 10_000 + month * 100 + day) }

    static func digits<C: Collection>(_ s: C) -> Int? where C.Element == UInt8 {
        var v = 0
        for c in s {
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var description: String {
        guard (0...9999).contains(year), (0...99).contains(month), (0...99).contains(day) else {
            return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        }
        // Ten bytes written in place (a small string, no allocation): every appended event's date is
        // formatted for its row and its hash, and padding pieces cost ~2,500 instructions a date.
        return String(unsafeUninitializedCapacity: 10) { b in
            func put(_ i: Int, _ digit: Int) { b[i] = UInt8(ascii: "0") + UInt8(digit) }
            put(0, year / 1000); put(1, year / 100 % 10); put(2, year / 10 % 10); put(3, year % 10)
            b[4] = UInt8(ascii: "-"); put(5, month / 10); put(6, month % 10)
            b[7] = UInt8(ascii: "-"); put(8, day / 10); put(9, day % 10)
            return 10
        }
    }

    public var halfYear: Period { Period(year: year, half: month <= 6 ? 1 : 2) }

    public static func < (a: Day, b: Day) -> Bool { a.ymd < b.ymd }

}

/// A half-year `YYYYH1` (January–June) or `YYYYH2` (July–December): a
/// promotion window, a review period or an assessment cycle.
public struct Period: Hashable, Comparable, Sendable, TextCodable {
    public let year: Int, half: Int

    public init(year: Int, half: Int) { self.year = year; self.half = half }

    public init?(_ text: String) {
        var t = text
        guard let p = t.withUTF8({ Period(utf8: $0) }) else { return nil }
        self = p
    }

    public init?(utf8 u: UnsafeBufferPointer<UInt8>) {
        guard u.count == 6, u[4] == UInt8(ascii: "H"), let y = Day.digits(u[0..<4]), y >= 1,
              u[5] == UInt8(ascii: "1") || u[5] == UInt8(ascii: "2") else { return nil }
        year = y; half = Int(u[5] - 0x30)
    }

    public var description: String { pad(year, 4) + "H" + String(half) }
    /// The look-back of a window: the half-year before it.
    public var previous: Period { half == 2 ? Period(year: year, half: 1) : Period(year: year - 1, half: 2) }
    public var next: Period { half == 1 ? Period(year: year, half: 2) : Period(year: year + 1, half: 1) }
    public var months: [Month] { (1...6).map { Month(year: year, month: (half - 1) * 6 + $0) } }
    public var firstDay: Day { Day(year: year, month: half == 1 ? 1 : 7, day: 1) }
    public var lastDay: Day { half == 1 ? Day(year: year, month: 6, day: 30) : Day(year: year, month: 12, day: 31) }

    public static func < (a: Period, b: Period) -> Bool { (a.year, a.half) < (b.year, b.half) }

}

/// A calendar month `YYYY-MM`, the unit of performance ratings.
public struct Month: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int

    public init(year: Int, month: Int) { self.year = year; self.month = month }

    public init?(_ text: String) {
        var t = text
        guard let m = t.withUTF8({ Month(utf8: $0) }) else { return nil }
        self = m
    }

    public init?(utf8 u: UnsafeBufferPointer<UInt8>) {
        guard u.count == 7, u[4] == 0x2D, let y = Day.digits(u[0..<4]), let m = Day.digits(u[5..<7]),
              y >= 1, (1...12).contains(m) else { return nil }
        year = y; month = m
    }

    public var description: String { pad(year, 4) + "-" + pad(month, 2) }
    public var period: Period { Period(year: year, half: month <= 6 ? 1 : 2) }
    public static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }
}

func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// Values stored in JSON as their text form (`2026-07-31`, `2026H2`).
public protocol TextCodable: Codable, CustomStringConvertible {
    init?(_ text: String)
}

extension TextCodable {
    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let v = Self(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a \(Self.self): \(s)"))
        }
        self = v
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// An instant as RFC 3339 UTC with milliseconds (`2026-12-01T09:30:00.125Z`): the
/// `recorded` stamp. Pure arithmetic (the civil-from-days algorithm), because
/// Foundation's `ISO8601DateFormatter` spends more than a millisecond of every
/// append setting itself up.
public enum Timestamp {
    public static func rfc3339(millisecondsSinceEpoch ms: Int64) -> String {
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let inDay = ms - days * 86_400_000
        // Howard Hinnant's civil_from_days: days since 1970-01-01 → year, month, day.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        let h = inDay / 3_600_000, mi = inDay / 60_000 % 60, s = inDay / 1000 % 60, f = inDay % 1000
        return pad(Int(y), 4) + "-" + pad(Int(m), 2) + "-" + pad(Int(d), 2) + "T" + pad(Int(h), 2) + ":" + pad(Int(mi), 2) + ":"
            + pad(Int(s), 2) + "." + pad(Int(f), 3) + "Z"
    }
}
