import Testing

@testable import KafkaDashboard

@Suite struct TextFormattingTests {
    @Test func compactNumbersFitFourCharacters() {
        #expect(Format.compact(0.0) == "0")
        #expect(Format.compact(999.0) == "999")
        #expect(Format.compact(1234.0) == "1.2k")
        #expect(Format.compact(12_345.0) == "12k")
        #expect(Format.compact(999_999.0) == "1.0M")
        #expect(Format.compact(3_400_000_000.0) == "3.4G")
        #expect(Format.compact(-1500.0) == "-1.5k")
    }

    @Test func bytesRatesAndDurations() {
        #expect(Format.bytes(512) == "512 B")
        #expect(Format.bytes(1536) == "1.5 KB")
        #expect(Format.bytes(32 * 1_048_576) == "32 MB")
        #expect(Format.millis(0.42) == "0.4 ms")
        #expect(Format.millis(1500) == "1.5 s")
        #expect(Format.age(millis: 59_000) == "59s")
        #expect(Format.age(millis: 7_200_000) == "2h")
        #expect(Format.grouped(-1_234_567) == "-1,234,567")
    }

    @Test func timesOfDayAndDates() {
        #expect(Format.timeOfDay(epochMillis: Fixtures.now + 3_723_004, utcOffsetSeconds: 0) == "13:02:03.004")
        #expect(Format.timeOfDay(epochMillis: Fixtures.now, utcOffsetSeconds: 2 * 3600) == "14:00:00.000")
        #expect(Format.dateTime(epochMillis: Fixtures.now, utcOffsetSeconds: 0) == "2024-05-01 12:00:00.000")
        #expect(Format.dateTime(epochMillis: 0, utcOffsetSeconds: -3600) == "1969-12-31 23:00:00.000")
    }

    @Test func typedTimesForTheTail() {
        let now = Fixtures.now
        func parse(_ text: String, offset: Int = 0) -> Int64? {
            TimeExpression.parse(text, nowMillis: now, utcOffsetSeconds: offset)
        }
        #expect(parse("-5m") == now - 300_000)
        #expect(parse("90s") == now - 90_000)
        #expect(parse("now") == now)
        #expect(parse("2024-05-01T12:00:00Z") == now)
        #expect(parse("2024-05-01 14:00", offset: 7200) == now)  // local time
        #expect(parse("2024-05-01T12:00:00.5+00:00") == now + 500)
        #expect(parse("2024-05-01T14:00:00+02:00") == now)
        #expect(parse("2024-05-01") == now - 12 * 3_600_000)
        #expect(parse("1714564800") == now)  // epoch seconds
        #expect(parse("1714564800000") == now)  // epoch milliseconds
        #expect(parse("yesterday") == nil)
        #expect(parse("2024-13-01") == nil)
        #expect(parse("2024-05-01T12:00:00.1234567Z") == now + 123)
    }

    @Test func jsonIsReindentedKeepingKeyOrder() {
        let json = Array(#"{"z":1,"a":{"b":[true,null,"x,y"]},"e":{},"s":"q\"}"}"#.utf8)
        #expect(JSONReformatter.reformat(json, indent: 2) == [
            "{", "  \"z\": 1,", "  \"a\": {", "    \"b\": [", "      true,", "      null,", "      \"x,y\"", "    ]",
            "  },", "  \"e\": {},", "  \"s\": \"q\\\"}\"", "}",
        ])
        #expect(JSONReformatter.reformat(Array(" [1, 2] ".utf8), indent: nil) == ["[1,2]"])
    }

    @Test func notJSONIsRecognised() {
        for text in ["plain text", "42", "{\"a\":1", "{\"a\":1}}", "[1,2] trailing", "{\"a\" 1 ]", "\"str\""] {
            #expect(JSONReformatter.reformat(Array(text.utf8), indent: 2) == nil, "\(text)")
        }
    }

    @Test func valuesBecomeSafeSingleLines() {
        #expect(ValueText.preview(Array("a\nb\tc".utf8), format: .text) == "a\\nb\\tc")
        #expect(ValueText.preview([0x66, 0xFF, 0x6F], format: .text) == "f\u{FFFD}o")
        #expect(ValueText.preview(nil, format: .text) == "null")
        #expect(ValueText.preview([0x00, 0xAB], format: .hex) == "00 ab")
        #expect(ValueText.hexDump(Array("Hello, world!\n".utf8)) == [
            "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a        |Hello, world!.|",
        ])
    }

    @Test func bigValuesAreCutInTheDetailView() {
        let lines = ValueText.lines([UInt8](repeating: 0x61, count: ValueText.detailLimit + 10), format: .text)
        #expect(lines.last == "… 10 more bytes")
    }
}
