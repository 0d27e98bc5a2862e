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
    }

    @Test func trailingGarbageAndBadNumbersAreRefused() {
        for text in ["{} x", "01", "1.", "-", "1e", "tru", "\"abc", "[1,]", "{\"a\" 1}", "1e999"] {
            #expect(throws: JSONParseError.self, "\(text)") { try JSONParser.parse(text) }
        }
    }
}
