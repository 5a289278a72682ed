import Testing

@testable import KafkaDashboard

/// `/` in the tail: which messages match, the rows shown, n/N, arriving messages, Esc; and `w`.
@Suite struct TailSearchTests {
    static func message(_ offset: Int64, key: String? = nil, value: String?, headers: [(String, String?)] = []) -> ConsumedMessage {
        ConsumedMessage(
            topic: "orders", partition: 0, offset: offset, timestampMillis: Fixtures.now, key: key.map { Array($0.utf8) },
            value: value.map { Array($0.utf8) }, headers: headers.map { .init(key: $0.0, value: $0.1.map { Array($0.utf8) }) })
    }

    static func tailing(_ messages: [ConsumedMessage]) -> DashboardState {
        var state = Fixtures.state(columns: 140, rows: 40)
        let generation = state.tail.request!.generation
        state.apply(.consumed(generation: generation, messages: messages, received: messages.count))
        state.press(.character("5"))
        return state
    }

    static let sample = [
        message(0, key: "k-0", value: "Alpha one"),
        message(1, key: "k-1", value: "beta"),
        message(2, key: "ALPHA-key", value: "gamma"),
        message(3, key: nil, value: nil, headers: [("trace", "alpha-trace")]),
        message(4, key: "k-4", value: "delta", headers: [("alphabet", nil)]),
        message(5, key: "k-5", value: "epsilon"),
    ]

    @Test func textMatchesKeyValueAndHeadersWithoutCase() {
        var state = Self.tailing(Self.sample)
        state.press(.character("/"))
        #expect(state.keyContext == .textEntry)
        state.type("alpha")
        state.press(.enter)
        #expect(state.tail.search?.matches.map { $0 } == [0, 2, 3, 4])  // value, key, header value, header name
        #expect(state.status?.message.hasPrefix("4 of 6 kept messages match \"alpha\"") == true)
        let rows = Self.tailOffsets(render(state))
        #expect(rows == [0, 2, 3, 4])
        #expect(render(state).screenText.contains("search \"alpha\": 4 matches"))
        // The shown messages are what `w` writes.
        #expect(state.tail.shownMessages.map(\.offset) == [0, 2, 3, 4])
    }

    @Test func aTildeMakesARegularExpression() {
        var state = Self.tailing(Self.sample)
        state.press(.character("/"))
        state.type("~^k-[0-4]$")
        state.press(.enter)
        #expect(state.tail.search?.matcher.isRegex == true)
        #expect(state.tail.shownMessages.map(\.offset) == [0, 1, 4])
        state.press(.character("/"), .control("u"))
        state.type("~([")
        state.press(.enter)
        #expect(state.status?.message.hasPrefix("not a regular expression: ([") == true)
        #expect(state.tail.shownMessages.map(\.offset) == [0, 1, 4])  // the last good search stays
    }

    @Test func nextAndPreviousStepThroughMatchesAndWrap() {
        var state = Self.tailing(Self.sample)
        state.press(.character("n"))
        #expect(state.status?.message == "no search: / searches the kept messages")
        state.press(.character("/"))
        state.type("alpha")
        state.press(.enter)
        state.press(.character("n"))
        #expect(state.tail.selectedMessage?.offset == 0)
        #expect(state.status?.message == "match 1 of 4 for \"alpha\"")
        state.press(.character("n"), .character("n"), .character("n"))
        #expect(state.tail.selectedMessage?.offset == 4)
        state.press(.character("n"))
        #expect(state.tail.selectedMessage?.offset == 0)  // wrapped
        state.press(.character("N"))
        #expect(state.tail.selectedMessage?.offset == 4)
        #expect(state.status?.message == "match 4 of 4 for \"alpha\"")
    }

    @Test func messagesArrivingWhileSearchingAreFilteredTooAndEscClears() {
        var state = Self.tailing(Self.sample)
        state.press(.character("/"))
        state.type("alpha")
        state.press(.enter)
        state.apply(.consumed(generation: state.tail.request!.generation,
                              messages: [Self.message(6, value: "zeta"), Self.message(7, value: "alpha late")], received: 2))
        #expect(state.tail.shownMessages.map(\.offset) == [0, 2, 3, 4, 7])
        #expect(Self.tailOffsets(render(state)) == [0, 2, 3, 4, 7])
        state.press(.escape)
        #expect(state.tail.search == nil)
        #expect(Self.tailOffsets(render(state)) == Array(0...7))
    }

    @Test func matchesLeaveWithTheMessagesTheRingDrops() {
        var state = Fixtures.state(columns: 140, rows: 40, tailCapacity: 10)
        let generation = state.tail.request!.generation
        state.press(.character("5"), .character("/"))
        state.type("hit")
        state.press(.enter)
        let messages = (0..<25).map { Self.message(Int64($0), value: $0 % 5 == 0 ? "hit \($0)" : "miss") }
        state.apply(.consumed(generation: generation, messages: messages, received: messages.count))
        // Only the newest 10 are kept: 15 and 20 are the matches among them.
        #expect(state.tail.shownMessages.map(\.offset) == [15, 20])
    }

    @Test func wWritesTheShownMessagesToTheFileTyped() {
        var state = Self.tailing(Self.sample)
        state.press(.character("/"))
        state.type("alpha")
        state.press(.enter)
        state.press(.character("w"))
        #expect(state.textEntry?.purpose == .savePath)
        #expect(state.textEntry?.text == "kfast-orders-20240501-120000.jsonl")
        state.press(.control("u"))
        state.type("out.jsonl")
        let effects = state.press(.enter)
        #expect(effects == [.saveMessages(path: "out.jsonl", messages: state.tail.shownMessages)])
        #expect(state.tail.shownMessages.count == 4)
    }

    /// Offsets of the tail pane's rows, top to bottom.
    static func tailOffsets(_ canvas: Canvas) -> [Int64] {
        let lines = canvas.renderedText()
        guard let header = lines.firstIndex(where: { $0.contains("Offset") && $0.contains("Value") }) else { return [] }
        return lines[(header + 1)...].compactMap { line in
            guard let border = line.range(of: "││", options: .backwards) else { return nil }
            let fields = line[border.upperBound...].split(separator: " ")
            guard fields.count >= 2, Int(fields[0]) != nil else { return nil }
            return Int64(fields[1])
        }
    }
}
