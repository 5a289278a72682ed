import Testing

@testable import KafkaDashboard

/// Each pane in the states that matter: wide characters, errors, sampling, overlays, fallbacks.
@Suite struct RenderPaneTests {
    private func tailState(messages: [ConsumedMessage]) -> DashboardState {
        var state = Fixtures.state(columns: 100, rows: 30)
        state.press(.character("5"), .character("+"))
        let generation = state.tail.request!.generation
        state.apply(.consumed(generation: generation, messages: messages, received: messages.count))
        return state
    }

    @Test func wideKeysAndValuesStayAlignedInTheTail() throws {
        let state = tailState(messages: [
            Fixtures.message(partition: 0, offset: 7, key: "plain", value: "ascii value"),
            Fixtures.message(partition: 1, offset: 8, key: "キー", value: "値🙂 and more"),
        ])
        let canvas = render(state)
        let plainRow = try #require(canvas.rowIndex(containing: "plain"))
        let wideRow = try #require(canvas.rowIndex(containing: "キー"))
        let lines = canvas.renderedText()
        func column(of needle: String, in line: String) -> Int {
            let prefix = line[..<line.firstRange(of: needle)!.lowerBound]
            return DisplayWidth.of(prefix)
        }
        #expect(column(of: "ascii value", in: lines[plainRow]) == column(of: "値🙂", in: lines[wideRow]))
        #expect(column(of: "plain", in: lines[plainRow]) == column(of: "キー", in: lines[wideRow]))
        #expect(lines[wideRow].contains("12:00:00.000"))  // UTC in tests
        #expect(DisplayWidth.of(lines[wideRow]) == 100)
    }

    @Test func wideValuesAreCutWithAnEllipsisWithoutSplittingACharacter() throws {
        let long = String(repeating: "値", count: 200)
        let canvas = render(tailState(messages: [Fixtures.message(offset: 1, key: "k", value: long)]))
        let row = canvas.renderedText()[try #require(canvas.rowIndex(containing: "値"))]
        #expect(row.contains("値…") || row.contains("値 …"))
        #expect(DisplayWidth.of(row) == 100)
    }

    @Test func valueFormatsTextHexAndJSON() {
        var state = tailState(messages: [Fixtures.message(offset: 1, key: "k", value: "{ \"a\" : [1, 2] }")])
        #expect(render(state).screenText.contains("{ \"a\" : [1, 2] }"))
        state.press(.character("v"))
        #expect(render(state).screenText.contains("7b 20 22 61 22"))
        state.press(.character("v"))
        #expect(render(state).screenText.contains("{\"a\":[1,2]}"))
    }

    @Test func floodsShowTheSamplingNotice() throws {
        var state = tailState(messages: [])
        state.tail.displayBudgetPerSecond = 10
        let batch = (0..<100).map { Fixtures.message(offset: Int64($0)) }
        state.apply(.consumed(generation: state.tail.request!.generation, messages: batch, received: 2000))
        let canvas = render(state)
        let text = canvas.screenText
        #expect(text.contains("following · from end · sampling 1 in 200 · 2.0k received, 10 kept"))
        #expect(!text.contains("skipped"), "nothing was skipped")
        let row = try #require(canvas.rowIndex(containing: "sampling 1 in"))
        #expect(canvas.style(ofFirst: "sampling", inRow: row) == Theme.builtinDefault[.warning])
    }

    /// What a source says it jumped over shows as "skipped", and in the sampling ratio.
    @Test func sourceSkipsShowInTheSamplingNotice() throws {
        var state = tailState(messages: [])
        let batch = (0..<100).map { Fixtures.message(offset: Int64(50_000 + $0)) }
        state.apply(.consumed(generation: state.tail.request!.generation, messages: batch, received: 300,
                              skipped: 1_499_700))
        let text = render(state).screenText
        #expect(text.contains("sampling 1 in 15k · 300 received, 100 kept, 1.5M skipped"))
        // A narrow pane cuts the counts before the notice.
        var narrow = state
        narrow.size = TerminalSize(columns: 60, rows: 30)
        let narrowText = render(narrow).screenText
        #expect(narrowText.contains("following · from end · sampling 1 in 15k"))
    }

    @Test func samplingRatiosReadShort() {
        #expect(TailView.ratio(1.04) == "1")
        #expect(TailView.ratio(1.26) == "1.3")
        #expect(TailView.ratio(2) == "2")
        #expect(TailView.ratio(12.4) == "12")
        #expect(TailView.ratio(2_400) == "2.4k")
    }

    @Test func messageDetailShowsHeadersAndPrettyJSON() {
        var message = Fixtures.message(offset: 42, key: "キー", value: "{\"id\":1,\"tags\":[\"a\"]}")
        message.headers = [.init(key: "trace-id", value: Array("t-1".utf8))]
        var state = tailState(messages: [message])
        state.press(.character("v"), .character("v"), .enter)
        let text = render(state).screenText
        #expect(text.contains("orders[0] @ 42"))
        #expect(text.contains("trace-id = t-1"))
        #expect(text.contains("Key        キー"))
        #expect(text.contains("  \"id\": 1,"))
        #expect(text.contains("    \"a\""))
    }

    @Test func errorsShowOnTheStatusLineAndTheLastErrorColumnIsColoured() throws {
        var state = Fixtures.state(columns: 160, rows: 30)
        state.apply(.status(StatusEvent(.error, "broker 127.0.0.1:9092 unreachable: connection refused",
                                        atMillis: Fixtures.now - 3000)))
        let canvas = render(state)
        let lines = canvas.renderedText()
        #expect(lines[28] == " broker 127.0.0.1:9092 unreachable: connection refused (3s ago)")
        #expect(canvas.style(ofFirst: "broker 127", inRow: 28) == Theme.builtinDefault[.statusError])
        let errorRow = try #require(canvas.rowIndex(containing: "NOT_LEADER_OR_FOLLOWER(6)"))
        #expect(lines[errorRow].contains("12s"))
        #expect(canvas.style(ofFirst: "NOT_LEADER", inRow: errorRow)?.foreground == .red)
        #expect(canvas.style(ofFirst: "none", inRow: errorRow + 1)?.foreground == .red)  // leaderless partition
        #expect(lines[1].contains("errors 3"))
    }

    @Test func helpOverlayListsEveryBindingFromTheKeyTable() {
        var state = Fixtures.state(columns: 120, rows: 300)
        state.press(.character("?"))
        let text = render(state).screenText
        for (_, bindings) in KeyTable.standard.contexts {
            for binding in bindings {
                #expect(text.contains(binding.label), "\(binding.label)")
                #expect(text.contains(binding.keysDisplay), "\(binding.keysDisplay)")
            }
        }
        #expect(text.contains("Esc close"))  // the hint bar follows the overlay's context
    }

    @Test func sparklinesUseBlockGlyphsOrTheirAsciiFallback() {
        var state = Fixtures.state(columns: 160, rows: 30)
        for second in 1...20 {
            var producer = Fixtures.producer()
            producer.partitions[TopicPartition("orders", 0)]!.throughput.messagesPerSecond = Double(second % 8)
            state.apply(.producer(producer), .tick(nowMillis: Fixtures.now + Int64(second) * 1000))
        }
        let unicodeRow = render(state).renderedText()[4]
        #expect(unicodeRow.contains("▄▅▆▇█▁▂▃▄▅"))  // the newest ten: 3...7, 0, 1...4 scaled to 7
        let asciiRow = render(state, glyphs: .ascii).renderedText()[4]
        #expect(asciiRow.contains("-~=+#_.,-~"))
        #expect(asciiRow.allSatisfy { $0.isASCII })
    }

    @Test func asciiModeDrawsOnlyAscii() {
        var state = Fixtures.state(columns: 100, rows: 30)
        state.apply(.consumed(generation: state.tail.request!.generation,
                              messages: [Fixtures.message(offset: 1, key: "k", value: "v")], received: 1))
        let lines = render(state, glyphs: .ascii).renderedText()
        #expect(lines.allSatisfy { $0.allSatisfy { $0.isASCII } })
        #expect(lines.contains { $0.contains("#######.  90%") })  // 7.2 of 8 cells
    }

    @Test func topicFilterLineAndEmptyResults() {
        var state = Fixtures.state(columns: 100, rows: 30)
        state.press(.character("/"))
        state.type("zzz")
        let text = render(state).screenText
        #expect(text.contains("/zzz_"))
        #expect(text.contains("no topic matches the filter"))
        #expect(text.contains("Filter: zzz_") == false)  // the topics pane shows it; the status line stays free
    }

    @Test func offsetsViewShowsCommittedOffsetsAndLag() throws {
        var state = Fixtures.state(columns: 100, rows: 30)
        state.press(.character("3"), .character("c"))
        state.type("billing")
        state.press(.enter)
        state.apply(.groupOffsets(GroupOffsets(group: "billing", topic: "orders", partitions: [
            .init(partition: 0, committed: 90), .init(partition: 1, committed: nil),
            .init(partition: 2, committed: 10, lag: 25),
        ])))
        let lines = render(state).renderedText()
        #expect(lines.contains { $0.contains("group billing: total lag 35") })
        let row0 = try #require(lines.first { $0.contains("│   0") && $0.contains("90") })
        #expect(row0.hasSuffix("10 │") || row0.contains(" 10 "))
    }

    @Test func sendPaneShowsWhereTheMessageLanded() throws {
        var state = Fixtures.state(columns: 100, rows: 30)
        state.press(.character("4"), .character("+"), .enter)
        #expect(render(state).screenText.contains("sending #1..."))
        state.apply(.sendCompleted(SendResult(requestID: 1, outcome: .delivered(partition: 2, offset: 41),
                                              latencyMillis: 2.5)))
        #expect(render(state).screenText.contains("#1 delivered: orders[2] @ 41 in 2.5 ms"))
        state.press(.enter)
        state.apply(.sendCompleted(SendResult(requestID: 2, outcome: .failed(errorName: "MESSAGE_TOO_LARGE"))))
        let canvas = render(state)
        let row = try #require(canvas.rowIndex(containing: "#2 failed: MESSAGE_TOO_LARGE"))
        #expect(canvas.style(ofFirst: "#2 failed", inRow: row)?.foreground == .red)
    }

    @Test func monochromeThemeHasNoColourAnywhere() {
        let canvas = render(Fixtures.state(columns: 100, rows: 30), theme: .builtinMono)
        #expect(canvas.cells.allSatisfy { $0.style.foreground == .default && $0.style.background == .default })
    }
}
