import Testing

@testable import KafkaDashboard

/// Every view and overlay on a classic 80x24 terminal, with ASCII glyphs and no colour
/// (`--ascii`, `NO_COLOR`): it fits, it is all ASCII, and it still says what it shows.
@Suite struct SmallTerminalTests {
    static func loaded() -> DashboardState {
        var state = Fixtures.state(columns: 80, rows: 24)
        state.press(.character("8"))  // asks for the configuration, which arrives below
        state.apply(
            .consumed(generation: state.tail.request!.generation, messages: [
                ConsumedMessage(topic: "orders", partition: 0, offset: 7, timestampMillis: Fixtures.now,
                                key: Array("k".utf8), value: Array(#"{"a":[1,2]}"#.utf8),
                                headers: [.init(key: "h", value: [0xFF])]),
            ], received: 1),
            .brokers([BrokerActivity(id: 1, address: "127.0.0.1:9092", state: .up, roundTripP99Millis: 3),
                      BrokerActivity(id: 2, address: "127.0.0.1:9093", state: .down, lastFailure: "connection refused")]),
            .groups(ClusterViewsTests.groups(), atMillis: Fixtures.now),
            .topicConfig(TopicConfig(topic: "orders", entries: [
                .init(name: "retention.ms", value: "123456", source: "topic", isDefault: false),
            ])))
        state.press(.character("1"))
        return state
    }

    static func check(_ state: DashboardState, shows needles: [String], _ what: String) {
        let canvas = render(state, theme: .builtinMono, glyphs: .ascii)
        let lines = canvas.renderedText()
        #expect(lines.count == 24, "\(what)")
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 80 }, "\(what)")
        #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) }, "\(what): \(lines.joined(separator: "\n"))")
        for needle in needles {
            #expect(canvas.screenText.contains(needle), "\(what) lacks \(needle):\n\(canvas.screenText)")
        }
        for y in 0..<canvas.rows {
            for x in 0..<canvas.columns {
                let style = canvas.cell(x: x, y: y).style
                #expect(style.foreground == .default && style.background == .default, "\(what): colour at \(x),\(y)")
                if style.foreground != .default || style.background != .default { return }
            }
        }
    }

    @Test func everyPaneReadsAt80x24InASCIIWithoutColour() {
        var state = Self.loaded()
        let expected: [(Character, [String])] = [
            ("1", ["1 Topics (3)", "orders"]),
            ("2", ["2 Partitions: orders (3)"]),
            ("3", ["3 Offsets: orders", "press c"]),
            ("4", ["4 Send to orders", "Key"]),
            ("5", ["5 Tail: orders", "{\"a\":[1,2]}"]),
            ("6", ["6 Consumer groups (3)", "billing", "4,242"]),
            ("7", ["7 Brokers (2)", "down", "127.0.0.1:9093"]),
            ("8", ["8 Config: orders", "retention.ms", "123456"]),
        ]
        for (key, needles) in expected {
            state.press(.character(key))
            Self.check(state, shows: needles, "pane \(key)")
        }
    }

    @Test func everyOverlayReadsAt80x24InASCIIWithoutColour() {
        var state = Self.loaded()
        state.press(.character("5"), .enter)
        Self.check(state, shows: ["Headers    1", "ff (1 byte, hex)"], "message detail")
        state.press(.character("v"), .character("v"))
        Self.check(state, shows: ["\"a\": ["], "message detail JSON")
        state.press(.escape, .character("6"), .character("j"), .enter)
        state.apply(.groupDetail(GroupDetail(group: "billing", state: "Stable", members: [
            .init(memberId: "m", clientId: "billing-1", host: "/10.0.0.7", assignment: [TopicPartition("orders", 0)]),
        ], partitions: [.init(topic: "orders", partition: 0, committed: 5, end: 9)]), atMillis: Fixtures.now))
        Self.check(state, shows: ["billing-1", "orders[0]"], "group detail")
        state.press(.character("R"))
        Self.check(state, shows: ["Reset offsets of group billing", "< earliest >"], "reset form")
        state.press(.escape, .escape, .character("3"), .character("c"))
        Self.check(state, shows: ["audit", "billing"], "group picker")
        state.press(.escape, .character("?"))
        Self.check(state, shows: ["Keys (Esc closes)"], "help")
    }
}
