import Testing

@testable import KafkaDashboard

/// Whole-screen checks at the sizes that matter: a classic 80x24, a narrow 40x12 and a tiny 10x3.
@Suite struct RenderLayoutTests {
    @Test func fullLayoutAt80x24ShowsEveryPane() {
        let canvas = render(Fixtures.state(columns: 80, rows: 24))
        let lines = canvas.renderedText()
        #expect(lines.count == 24)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 80 })
        #expect(lines[0].contains("cluster test-cluster"))
        #expect(lines[0].hasSuffix("brokers ●1 ○2"))  // addresses do not fit in 80 columns
        #expect(lines[1].contains("produce 555 msg/s 54 KB/s"))
        #expect(lines[1].contains("errors 2"))
        for title in ["1 Topics (3)", "2 Partitions: orders (3)", "4 Send to orders", "5 Tail: orders all partitions"] {
            #expect(canvas.screenText.contains(title), "\(title)")
        }
        #expect(lines[22].hasPrefix(" ready"))
        #expect(lines[23].hasPrefix("Enter open i internal / filter C create D delete Tab pane"))
    }

    @Test func narrowTerminalStacksPanesUnderATabStrip() {
        var state = Fixtures.state(columns: 40, rows: 12)
        state.press(.character("2"))
        let lines = render(state).renderedText()
        #expect(lines == [
            " test-cluster │ P 555/s C 0/s │ errors 2",
            " 1  2 Part  3  4  5  6  7  8",
            "┌ 2 Partitions: orders (3) ────────────┐",
            "│  ▲P Buffer         Msg/s Last error  │",
            "│   0 ███████▎  90%     50             │",
            "│   1 ▊░░░░░░░  10%    500 NOT_LEA… 12s│",
            "│   2 ░░░░░░░░   0%      5             │",
            "│                                      │",
            "│                                      │",
            "└──────────────────────────────────────┘",
            " ready",
            "Enter tail P sort PLOWMFIRBASTE",
        ])
    }

    @Test func tinyTerminalSaysItIsTooSmallAndNeverCrashes() {
        let lines = render(Fixtures.state(columns: 10, rows: 3)).renderedText()
        #expect(lines == ["Terminal…", "10x3, nee…", " q quits"])
        for (columns, rows) in [(0, 0), (1, 1), (29, 30), (100, 7), (30, 8), (79, 21)] {
            let canvas = render(Fixtures.state(columns: columns, rows: rows))
            #expect(canvas.renderedText().count == rows)
        }
    }

    @Test func zoomGivesTheFocusedPaneTheWholeBody() {
        var state = Fixtures.state(columns: 160, rows: 30)
        state.press(.character("2"), .character("+"))
        let canvas = render(state)
        let lines = canvas.renderedText()
        #expect(lines[2].hasPrefix("┌ 2 Partitions: orders (3) [zoom]"))
        #expect(DisplayWidth.of(lines[2]) == 160)
        #expect(!canvas.screenText.contains("1 Topics"))
        // With room, every column is shown, the sparkline included.
        #expect(lines[3].contains("Leader") && lines[3].contains("Last 60s") && lines[3].contains("Low"))
    }

    @Test func resizingRedrawsAtTheNewSize() {
        var state = Fixtures.state(columns: 120, rows: 40)
        state.apply(.resize(TerminalSize(columns: 60, rows: 20)))
        let canvas = render(state)
        #expect(canvas.columns == 60 && canvas.rows == 20)
        #expect(canvas.renderedText().allSatisfy { DisplayWidth.of($0) <= 60 })
    }
}
