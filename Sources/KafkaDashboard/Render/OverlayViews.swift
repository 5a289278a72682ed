/// The help overlay (generated from the key table) and the message detail overlay.
enum OverlayViews {
    static func drawHelp(_ context: RenderContext, keyTable: KeyTable, scroll: Int, into canvas: inout Canvas) {
        let lines = HelpContent.lines(keyTable)
        let inner = frame(context, title: "Keys (Esc closes)", lines: lines.count, scroll: scroll, into: &canvas)
        guard !inner.isEmpty else { return }
        let theme = context.theme
        var keysWidth = 0
        for case .binding(let keys, _) in lines { keysWidth = max(keysWidth, DisplayWidth.of(keys)) }
        keysWidth = min(keysWidth, max(6, inner.width / 3))
        var y = inner.y
        for line in lines.dropFirst(scroll) {
            guard y < inner.maxY else { break }
            switch line {
            case .heading(let title):
                canvas.put(title, x: inner.x, y: y, style: theme[.accent], maxWidth: inner.width)
            case let .binding(keys, label):
                canvas.put(keys, x: inner.x + 2, y: y, style: theme[.columnHeader], maxWidth: keysWidth)
                let labelX = inner.x + 2 + keysWidth + 2
                canvas.put(label, x: labelX, y: y, style: theme[.overlay], maxWidth: inner.maxX - labelX)
            case .blank:
                break
            }
            y += 1
        }
    }

    static func drawMessageDetail(_ context: RenderContext, sequence: Int, scroll: Int, into canvas: inout Canvas) {
        let state = context.state
        let lines = state.detailLines
        let title: String
        if let position = state.tail.scrollback.position(ofSequence: sequence) {
            let message = state.tail.scrollback[position]
            title = "\(message.topic)[\(message.partition)] @ \(message.offset) (v: text/hex/json, Esc closes)"
        } else {
            title = "message no longer in the scrollback (Esc closes)"
        }
        let inner = frame(context, title: title, lines: lines.count, scroll: scroll, into: &canvas)
        guard !inner.isEmpty else { return }
        var y = inner.y
        for line in lines.dropFirst(scroll) {
            for piece in wrap(line, width: inner.width) {
                guard y < inner.maxY else { return }
                canvas.put(piece, x: inner.x, y: y, style: context.theme[.overlay], maxWidth: inner.width)
                y += 1
            }
        }
    }

    /// Clears the overlay box, draws its border, title and a "lines a-b of n" marker; returns the inside.
    private static func frame(
        _ context: RenderContext, title: String, lines: Int, scroll: Int, into canvas: inout Canvas
    ) -> Rect {
        let theme = context.theme
        let rect = context.layout.overlayRect(size: context.state.size)
        canvas.fill(rect, style: theme[.overlay])
        canvas.box(rect, style: theme[.overlayBorder], title: title, titleStyle: theme[.overlayBorder])
        let inner = Rect(x: rect.x + 2, y: rect.y + 1, width: rect.width - 4, height: rect.height - 2)
        if lines > inner.height, rect.width > 20 {
            let last = min(lines, scroll + inner.height)
            let position = " \(scroll + 1)-\(last)/\(lines) "
            canvas.putRight(position, rightEdge: rect.maxX - 2, y: rect.maxY - 1, style: theme[.overlayBorder],
                            maxWidth: rect.width - 4)
        }
        return inner
    }

    /// Splits a line into pieces at most `width` columns wide, never inside a character.
    static func wrap(_ line: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        if DisplayWidth.of(line) <= width { return [line] }
        var pieces: [String] = []
        var current = ""
        var used = 0
        for character in line {
            let characterWidth = max(1, DisplayWidth.of(character))
            if used + characterWidth > width {
                pieces.append(current)
                current = ""
                used = 0
            }
            current.append(character)
            used += characterWidth
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
