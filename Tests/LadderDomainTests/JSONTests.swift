import Testing
@testable import LadderDomain

@Suite struct JSONTests {
    @Test func canonicalSortsKeysAndDropsSpace() throws {
        let v = try JSONParser.parse(#" { "b" : [1, 2.5, true, null], "a" : "李伟\n\"x\"" } "#)
        #expect(v.canonical == #"{"a":"李伟\n\"x\"","b":[1,2.5,true,null]}"#)
    }

    @Test func integralDoublesPrintAsIntegers() throws {
        #expect(try JSONParser.parse("72.0").canonical == "72")
        #expect(try JSONParser.parse("7.25e1").canonical == "72.5")
        #expect(try JSONParser.parse("-0.5").canonical == "-0.5")
    }

    @Test func controlCharactersAreEscapedLikePython() throws {
        #expect(JSONValue.string("a\u{01}b\tc").canonical == #""a\u0001b\tc""#)
    }

    @Test func surrogatePairsDecode() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#""\ud83d""#) }
    }

    @Test func duplicateKeysAreRefused() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"a":1,"a":2}"#) }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func invalidUTF8IsRefused() {
        let bytes: [UInt8] = [0x22, 0xFF, 0xFE, 0x22]
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        // A truncated sequence whose repair is as long as itself, before and after an escape; an invalid
        // byte that decodes to a valid-looking replacement; a lone continuation byte.
        for bad: [UInt8] in [[0xF0, 0x9F, 0x98], [0xF0, 0x9F, 0x98, 0x5C, 0x6E], [0x5C, 0x6E, 0xF0, 0x9F, 0x98], [0xEF, 0xBF], [0x80]] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSONParser.parse([0x22] + bad + [0x22]) }
        }
    }

    @Test func stringsWithAndWithoutEscapesReadTheSame() throws {
        #expect(try JSONParser.parse(#""长沙分公司 \u957f ok\n""#) == .string("长沙分公司 长 ok\n"))
        #expect(try JSONParser.parse(#"{"name":"李伟","id":"M-1","note":"a\"b"}"#) == .object(["name": "李伟", "id": "M-1", "note": "a\"b"]))
        #expect(try JSONParser.parse([0x22, 0xEF, 0xBF, 0xBD, 0x22]) == .string("\u{FFFD}"))  // U+FFFD itself is valid
        #expect(throws: JSONParseError.self) { try JSONParser.parse("\"tab\there\"") }
    }

    @Test func trailingGarbageAndBadNumbersAreRefused() {
        for text in ["{} x", "01", "1.", "-", "1e", "tru", "\"abc", "[1,]", "{\"a\" 1}", "1e999"] {
            #expect(throws: JSONParseError.self, "\(text)") { try JSONParser.parse(text) }
        }
    }
}
