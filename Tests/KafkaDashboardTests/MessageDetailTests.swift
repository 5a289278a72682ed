import Testing

@testable import KafkaDashboard

/// Enter on a tail row: every field and header, the value three ways, scrolling and copying.
@Suite struct MessageDetailTests {
    static let json = #"{"order":{"id":42,"paid":true,"note":null},"items":["a","b"],"price":-12.5e1}"#

    static func opened(_ message: ConsumedMessage, rows: Int = 40) -> DashboardState {
        var state = Fixtures.state(columns: 120, rows: rows)
        state.apply(.consumed(generation: state.tail.request!.generation, messages: [message], received: 1))
        state.press(.character("5"), .enter)
        return state
    }

    static let message = ConsumedMessage(
        topic: "orders", partition: 2, offset: 1234, timestampMillis: Fixtures.now, timestampType: .logAppend,
        key: Array("order-42".utf8), value: Array(json.utf8),
        headers: [.init(key: "trace-id", value: Array("abc-123".utf8)), .init(key: "bin", value: [0x00, 0xFF, 0x10]),
                  .init(key: "empty", value: nil)])

    @Test func everyFieldAndHeaderShowsBinaryAsHex() {
        let state = Self.opened(Self.message)
        #expect(state.keyContext == .messageDetail)
        let text = render(state).renderedText()
        func line(_ needle: String) -> String { text.first { $0.contains(needle) } ?? "" }
        #expect(line("Partition").contains("2"))
        #expect(line("Offset").contains("1,234"))
        #expect(line("Timestamp").contains("2024-05-01 12:00:00.000") && line("Timestamp").contains("log append time"))
        #expect(line("Key").contains("order-42"))
        #expect(line("Headers").contains("3"))
        #expect(line("trace-id").contains("= abc-123"))
        #expect(line("  bin =").contains("00 ff 10 (3 bytes, hex)"))
        #expect(line("  empty =").contains("null"))
    }

    @Test func vCyclesTextHexDumpAndColouredPrettyJSON() throws {
        var state = Self.opened(Self.message)
        #expect(render(state).screenText.contains(Self.json))
        state.press(.character("v"))
        let hex = render(state).renderedText()
        #expect(hex.contains { $0.contains("00000000  7b 22 6f 72 64 65 72 22") && $0.contains(#"|{"order":{"id":4|"#) })
        #expect(hex.contains { $0.contains("00000010  ") })
        state.press(.character("v"))
        let canvas = render(state)
        let lines = canvas.renderedText()
        for expected in [#"  "order": {"#, #"    "id": 42,"#, #"    "paid": true,"#, #"    "note": null"#,
                         #"  "items": ["#, #"    "a","#, #"  "price": -12.5e1"#] {
            #expect(lines.contains { $0.contains(expected) }, "\(expected)")
        }
        let keyRow = try #require(lines.firstIndex { $0.contains(#""paid": true"#) })
        let theme = Theme.builtinDefault
        #expect(canvas.style(ofFirst: #""paid""#, inRow: keyRow) == theme[.jsonKey])
        #expect(canvas.style(ofFirst: "true", inRow: keyRow) == theme[.jsonLiteral])
        let numberRow = try #require(lines.firstIndex { $0.contains(#""id": 42"#) })
        #expect(canvas.style(ofFirst: "42", inRow: numberRow) == theme[.jsonNumber])
        let stringRow = try #require(lines.firstIndex { $0.contains(#""a","#) })
        #expect(canvas.style(ofFirst: #""a""#, inRow: stringRow) == theme[.jsonString])
        // Without colours the keys are still set apart, by weight.
        let mono = render(state, theme: .builtinMono)
        #expect(mono.style(ofFirst: #""paid""#, inRow: keyRow)?.attributes.contains(.bold) == true)
        #expect(mono.style(ofFirst: #""paid""#, inRow: keyRow)?.foreground == .default)
    }

    @Test func longValuesScrollAndTheFrameSaysWhere() {
        let long = (0..<200).map { "line \($0)" }.joined(separator: "\n")
        var state = Self.opened(ConsumedMessage(topic: "orders", partition: 0, offset: 1, timestampMillis: Fixtures.now,
                                                key: nil, value: Array(long.utf8)), rows: 30)
        #expect(!render(state).screenText.contains("line 150"))
        state.press(.character("G"))
        let text = render(state).screenText
        #expect(text.contains("line 199"))
        #expect(text.contains("/208"))  // "first-last/total" on the frame: 8 lines above the value's 200
        state.press(.character("g"))
        #expect(render(state).screenText.contains("Topic      orders"))
    }

    @Test func yCopiesTheValueAndEscGoesBack() {
        var state = Self.opened(Self.message)
        #expect(state.press(.character("y")) == [.copyToClipboard(Array(Self.json.utf8))])
        #expect(state.status?.message == "copied \(Self.json.utf8.count) bytes to the clipboard (OSC 52)")
        state.press(.escape)
        #expect(state.overlay == nil && state.focus == .tail)
        // A null value, or one too large for the escape, is said, not copied.
        var empty = Self.opened(ConsumedMessage(topic: "orders", partition: 0, offset: 1, timestampMillis: 0, key: nil, value: nil))
        #expect(empty.press(.character("y")) == [])
        #expect(empty.status?.message == "the value is null: nothing to copy")
        var huge = Self.opened(ConsumedMessage(topic: "orders", partition: 0, offset: 1, timestampMillis: 0, key: nil,
                                               value: [UInt8](repeating: 65, count: 100_000)))
        #expect(huge.press(.character("y")) == [])
        #expect(huge.status?.message.contains("too large for the clipboard escape") == true)
    }
}
