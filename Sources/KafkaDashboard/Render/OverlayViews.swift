/// The overlays: help (generated from the key table), message detail, an opened group, an admin
/// form and the group picker.
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
        let title: String
        if let position = state.tail.scrollback.position(ofSequence: sequence) {
            let message = state.tail.scrollback[position]
            title = "\(message.topic)[\(message.partition)] @ \(message.offset) (v: text/hex/json, y copies, Esc closes)"
        } else {
            title = "message no longer in the scrollback (Esc closes)"
        }
        drawLines(context, title: title, lines: state.detailLines, scroll: scroll, into: &canvas)
    }

    static func drawGroupDetail(_ context: RenderContext, into canvas: inout Canvas) {
        guard let detail = context.state.groups.detail else { return }
        let lines = GroupDetailContent.lines(detail, nowMillis: context.state.nowMillis)
        drawLines(context, title: "Group \(detail.group) (R resets offsets, Esc back)", lines: lines, scroll: detail.scroll,
                  into: &canvas)
    }

    static func drawDialog(_ context: RenderContext, _ dialog: AdminDialog, into canvas: inout Canvas) {
        let lines = DialogContent.lines(dialog)
        let box = context.layout.overlayRect(size: context.state.size)
        // As tall as its lines (wrapped), at most the overlay's box; centred.
        let rows = lines.reduce(0) { $0 + max(1, wrap($1.text, width: box.width - 4).count) }
        let height = min(box.height, rows + 2)
        let rect = Rect(x: box.x, y: box.y + (box.height - height) / 2, width: box.width, height: height)
        drawLines(context, title: dialog.title, lines: lines, scroll: dialog.scroll, in: rect, into: &canvas)
    }

    static func drawPicker(_ context: RenderContext, _ picker: GroupPicker, into canvas: inout Canvas) {
        var lines = [StyledLine([.init("Group: ", .columnHeader), .init(picker.typed + "_", .editing)]), StyledLine("")]
        if let reason = picker.unavailable {
            lines.append(StyledLine("This cluster cannot list groups (\(reason)): type a group id and press Enter.", .warning))
        } else if picker.candidates == nil {
            lines.append(StyledLine("loading the groups... (or type a group id and press Enter)", .dim))
        } else if picker.shown.isEmpty {
            let none = picker.typed.isEmpty ? "No group has committed offsets on \(picker.topic)." : "No listed group matches."
            lines.append(StyledLine(none + " Enter uses what you typed as the group id.", .dim))
        }
        for (index, group) in picker.shown.enumerated() {
            lines.append(StyledLine((index == picker.selected ? "> " : "  ") + group,
                                    index == picker.selected ? .selection : .overlay))
        }
        let box = context.layout.overlayRect(size: context.state.size)
        let scroll = max(0, picker.selected + 2 - (box.height - 3))
        drawLines(context, title: "Groups with offsets on \(picker.topic) (type to narrow, Enter chooses)",
                  lines: Array(lines.prefix(2)) + lines.dropFirst(2 + scroll), scroll: 0, into: &canvas)
    }

    /// Draws styled lines from `scroll` on, wrapped to the box, in the overlay box (or `rect`).
    private static func drawLines(
        _ context: RenderContext, title: String, lines: [StyledLine], scroll: Int, in rect: Rect? = nil,
        into canvas: inout Canvas
    ) {
        let inner = frame(context, title: title, lines: lines.count, scroll: scroll, in: rect, into: &canvas)
        guard !inner.isEmpty else { return }
        var y = inner.y
        for line in lines.dropFirst(scroll) {
            var x = inner.x
            for span in line.spans {
                let style = context.theme[span.role]
                for piece in wrapContinuing(span.text, firstWidth: inner.maxX - x, width: inner.width).enumerated() {
                    if piece.offset > 0 {
                        y += 1
                        x = inner.x
                    }
                    guard y < inner.maxY else { return }
                    x += canvas.put(piece.element, x: x, y: y, style: style, maxWidth: inner.maxX - x)
                }
            }
            y += 1
            guard y < inner.maxY else { return }
        }
    }

    /// Pieces of `text`: the first fits in what is left of the current row, the others in whole rows;
    /// a piece ends at a space where one is in its second half (prose breaks between words), and
    /// never inside a character.
    private static func wrapContinuing(_ text: String, firstWidth: Int, width: Int) -> [String] {
        guard DisplayWidth.of(text) > firstWidth else { return [text] }
        var pieces: [String] = []
        var rest = Substring(text)
        var room = max(0, firstWidth)
        while DisplayWidth.of(rest) > room {
            var used = 0
            var end = rest.startIndex
            while end < rest.endIndex, used + max(1, DisplayWidth.of(rest[end])) <= room {
                used += max(1, DisplayWidth.of(rest[end]))
                end = rest.index(after: end)
            }
            let head = rest[..<end]
            if let space = head.lastIndex(of: " "), rest.distance(from: rest.startIndex, to: space) > head.count / 2 {
                pieces.append(String(rest[...space]))
                rest = rest[rest.index(after: space)...]
            } else {
                pieces.append(String(head))
                rest = rest[end...]
            }
            room = max(1, width)
        }
        if !rest.isEmpty { pieces.append(String(rest)) }
        return pieces
    }

    /// Clears the overlay box, draws its border, title and a "lines a-b of n" marker; returns the inside.
    private static func frame(
        _ context: RenderContext, title: String, lines: Int, scroll: Int, in given: Rect? = nil, into canvas: inout Canvas
    ) -> Rect {
        let theme = context.theme
        let rect = given ?? context.layout.overlayRect(size: context.state.size)
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

    /// Splits a line into pieces at most `width` columns wide, at a space where there is one in the
    /// piece's second half (so prose breaks between words), never inside a character.
    static func wrap(_ line: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        return wrapContinuing(line, firstWidth: width, width: width).map { piece in
            piece.hasSuffix(" ") && piece.count > 1 ? String(piece.dropLast()) : piece
        }
    }
}
