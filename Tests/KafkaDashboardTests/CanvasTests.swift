import Testing

@testable import KafkaDashboard

@Suite struct CanvasTests {
    @Test func wideCharactersTakeTwoCellsAndReadBackWhole() {
        var canvas = Canvas(columns: 10, rows: 1)
        let used = canvas.put("キー=値🙂", x: 0, y: 0, style: .plain)
        #expect(used == 9)
        #expect(canvas.renderedText() == ["キー=値🙂"])
        #expect(canvas.cell(x: 0, y: 0).width == 2)
        #expect(canvas.cell(x: 1, y: 0).isContinuation)
    }

    @Test func truncationEndsInAnEllipsisAndNeverSplitsAWideCharacter() {
        var canvas = Canvas(columns: 10, rows: 3)
        canvas.put("abcdefghij-more", x: 0, y: 0, style: .plain, maxWidth: 6)
        canvas.put("日本語テキスト", x: 0, y: 1, style: .plain, maxWidth: 6)
        canvas.put("a日本語", x: 0, y: 2, style: .plain, maxWidth: 5)
        let lines = canvas.renderedText()
        #expect(lines[0] == "abcde…")
        #expect(lines[1] == "日本…")  // 日本 = 4 columns, the ellipsis the 5th; the 3rd wide char cannot fit
        #expect(lines[2] == "a日…")
        #expect(DisplayWidth.of(lines[1]) <= 6)
    }

    @Test func asciiEllipsisInAsciiMode() {
        var canvas = Canvas(columns: 10, rows: 1, glyphs: .ascii)
        canvas.put("abcdefghij", x: 0, y: 0, style: .plain, maxWidth: 4)
        #expect(canvas.renderedText() == ["abc~"])
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var canvas = Canvas(columns: 6, rows: 1)
        canvas.put("日本語", x: 0, y: 0, style: .plain)
        canvas.put("x", x: 1, y: 0, style: .plain)  // right half of 日
        canvas.put("y", x: 2, y: 0, style: .plain)  // left half of 本
        #expect(canvas.renderedText() == [" xy 語"])
    }

    /// Text written as one run over wide characters: only the ones it cuts at its two ends lose
    /// their other half; the ones it covers whole are simply replaced.
    @Test func asciiOverWideCharactersBlanksTheHalvesItCuts() {
        var canvas = Canvas(columns: 8, rows: 1)
        canvas.put("日本語x", x: 0, y: 0, style: .plain)
        canvas.put("abcd", x: 1, y: 0, style: .plain)  // from the right half of 日 to the left half of 語
        #expect(canvas.renderedText() == [" abcd x"])
        #expect((0..<8).allSatisfy { canvas.cell(x: $0, y: 0).width == 1 })
    }

    @Test func drawingStaysInsideTheClip() {
        var canvas = Canvas(columns: 10, rows: 3)
        canvas.clipped(to: Rect(x: 2, y: 1, width: 4, height: 1)) { canvas in
            canvas.put("0123456789", x: 0, y: 1, style: .plain)
            canvas.put("zzzz", x: 2, y: 0, style: .plain)
        }
        #expect(canvas.renderedText() == ["", "  234…", ""])
    }

    @Test func controlCharactersNeverReachTheTerminal() {
        var canvas = Canvas(columns: 10, rows: 1)
        canvas.put("a\tb\u{1b}c", x: 0, y: 0, style: .plain)
        #expect(canvas.renderedText() == ["a?b?c"])
    }

    @Test func boxesFallBackToAscii() {
        var unicode = Canvas(columns: 6, rows: 3)
        unicode.box(Rect(x: 0, y: 0, width: 6, height: 3), style: .plain)
        #expect(unicode.renderedText() == ["┌────┐", "│    │", "└────┘"])
        var ascii = Canvas(columns: 6, rows: 3, glyphs: .ascii)
        ascii.box(Rect(x: 0, y: 0, width: 6, height: 3), style: .plain)
        #expect(ascii.renderedText() == ["+----+", "|    |", "+----+"])
    }

    @Test func multiScalarGraphemesKeepTheirCombiningMarks() {
        var canvas = Canvas(columns: 4, rows: 1)
        canvas.put("e\u{301}👍🏽", x: 0, y: 0, style: .plain)
        #expect(canvas.renderedText() == ["e\u{301}👍🏽"])
        #expect(canvas.text(of: canvas.cell(x: 1, y: 0)) == "👍🏽")
    }

    @Test func resetKeepsTheSizeOrResizes() {
        var canvas = Canvas(columns: 4, rows: 2)
        canvas.put("abcd", x: 0, y: 0, style: .plain)
        canvas.reset(columns: 4, rows: 2)
        #expect(canvas.renderedText() == ["", ""])
        canvas.reset(columns: 7, rows: 3)
        #expect(canvas.cells.count == 21)
    }
}

@Suite struct CanvasAsciiTests {
    @Test func asciiModeReplacesCharactersTheTerminalCannotShow() {
        var canvas = Canvas(columns: 12, rows: 1, glyphs: .ascii)
        canvas.put("キー=値🙂é", x: 0, y: 0, style: .plain)
        #expect(canvas.renderedText() == ["??=???"])
    }
}
