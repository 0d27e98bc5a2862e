import Foundation
import Testing
@testable import LadderDomain

/// The `recorded` stamp: the same text as Foundation's ISO 8601 formatter, without its set-up cost.
@Suite struct TimestampTests {
    @Test func knownInstants() {
        #expect(Timestamp.rfc3339(millisecondsSinceEpoch: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.rfc3339(millisecondsSinceEpoch: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.rfc3339(millisecondsSinceEpoch: 1_796_125_853_125) == "2026-12-01T11:50:53.125Z")
        #expect(Timestamp.rfc3339(millisecondsSinceEpoch: -1) == "1969-12-31T23:59:59.999Z")
    }

    /// A day is written digit by digit; outside four-digit years it falls back to padding.
    @Test func daysPrintAsTenCharacters() {
        #expect(Day(year: 2026, month: 1, day: 5).description == "2026-01-05")
        #expect(Day(year: 7, month: 12, day: 31).description == "0007-12-31")
        #expect(Day(year: 12026, month: 10, day: 9).description == "12026-10-09")
        #expect(Day("2031-06-30")?.description == "2031-06-30")
    }

    @Test func agreesWithFoundationOverCenturies() {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        var ms: Int64 = -2_208_988_800_000  // 1900-01-01
        while ms < 7_258_118_400_000 {  // 2200-01-01
            #expect(Timestamp.rfc3339(millisecondsSinceEpoch: ms) == f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)))
            ms += 86_400_000 * 37 + 3_723_457  // a stride that visits every month, hour and millisecond pattern
        }
    }
}
