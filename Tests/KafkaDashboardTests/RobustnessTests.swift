import Testing

@testable import KafkaDashboard

/// "Never crash": every size from nothing up to a large terminal, with overlays, zoom and typing.
@Suite struct RobustnessTests {
    @Test func everySizeRendersWithoutCrashingAndStaysInBounds() async {
        var states: [DashboardState] = []
        var base = Fixtures.state(columns: 80, rows: 24)
        base.apply(.consumed(generation: base.tail.request!.generation, messages: [
            Fixtures.message(offset: 1, key: "キー", value: "値🙂"),
        ], received: 1))
        states.append(base)
        var zoomed = base
        zoomed.press(.character("5"), .character("+"))
        states.append(zoomed)
        var help = base
        help.press(.character("?"), .character("G"))
        states.append(help)
        var detail = base
        detail.press(.character("5"), .enter)
        states.append(detail)
        var typing = base
        typing.press(.character("3"), .character("c"))
        typing.type("グループ")
        states.append(typing)

        for columns in stride(from: 0, through: 130, by: 3) {
            for rows in stride(from: 0, through: 45, by: 2) {
                for var state in states {
                    state.apply(.resize(TerminalSize(columns: columns, rows: rows)))
                    state.press(.character("j"), .pageDown, .character("G"))
                    let canvas = render(state)
                    #expect(canvas.renderedText().count == rows)
                    #expect(canvas.renderedText().allSatisfy { DisplayWidth.of($0) <= columns })
                }
            }
            // Seconds of rendering in a debug build: let the suite's other tests run in between
            // (on a 2-core machine it held a cooperative thread long enough to fail a timing test).
            await Task.yield()
        }
    }
}
