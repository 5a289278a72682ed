/// Tail pane: a status line (what is followed, from where, sampling), then partition, offset, time, key
/// and value of the newest messages (or of the scrolled-to ones).
enum TailView {
    static func draw(_ context: RenderContext, in rect: Rect, into canvas: inout Canvas) {
        let state = context.state, theme = context.theme
        let tail = state.tail
        drawStatus(context, in: rect, into: &canvas)

        // Columns: partition, offset and time are fixed; key gets a quarter of what is left, value the rest.
        let partitionWidth = 3, offsetWidth = 10
        let timeWidth = rect.width >= 60 ? 12 : 0
        let fixed = partitionWidth + 1 + offsetWidth + 1 + (timeWidth > 0 ? timeWidth + 1 : 0)
        let keyWidth = max(4, min(24, (rect.width - fixed) / 4))
        let valueX = rect.x + fixed + keyWidth + 1
        let valueWidth = rect.maxX - valueX
        let headerY = rect.y + 1
        let headerStyle = theme[.columnHeader]
        canvas.putRight("P", rightEdge: rect.x + partitionWidth, y: headerY, style: headerStyle, maxWidth: partitionWidth)
        canvas.putRight("Offset", rightEdge: rect.x + partitionWidth + 1 + offsetWidth, y: headerY, style: headerStyle,
                        maxWidth: offsetWidth)
        let timeX = rect.x + partitionWidth + 1 + offsetWidth + 1
        if timeWidth > 0 { canvas.put("Time", x: timeX, y: headerY, style: headerStyle, maxWidth: timeWidth) }
        let keyX = rect.x + fixed
        canvas.put("Key", x: keyX, y: headerY, style: headerStyle, maxWidth: keyWidth)
        canvas.put("Value (\(tail.format.rawValue))", x: valueX, y: headerY, style: headerStyle, maxWidth: valueWidth)

        let visibleRows = rect.height - 2
        guard visibleRows > 0 else { return }
        if tail.rowCount == 0 {
            let message = tail.request == nil ? "open a topic (Enter in topics) to tail it"
                : tail.search != nil ? "no kept message matches the search (Esc clears it)" : "waiting for messages..."
            canvas.put(message, x: rect.x, y: headerY + 1, style: theme[.dim], maxWidth: rect.width)
            return
        }
        let selectedSequence = tail.selectedSequence
        var y = headerY + 1
        for row in tail.firstVisibleRow(visibleRows: visibleRows)..<tail.rowCount {
            guard y < rect.maxY else { break }
            let sequence = tail.sequence(atRow: row)
            guard let position = tail.scrollback.position(ofSequence: sequence) else { continue }
            let message = tail.scrollback[position]
            let selected = sequence == selectedSequence
            let style = selected ? context.selectionStyle(for: .tail) : theme[.normal]
            if selected { canvas.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: style) }
            canvas.putRight(String(message.partition), rightEdge: rect.x + partitionWidth, y: y, style: style,
                            maxWidth: partitionWidth)
            canvas.putRight(String(message.offset), rightEdge: rect.x + partitionWidth + 1 + offsetWidth, y: y,
                            style: style, maxWidth: offsetWidth)
            if timeWidth > 0 {
                let time = Format.timeOfDay(epochMillis: message.timestampMillis, utcOffsetSeconds: state.utcOffsetSeconds)
                canvas.put(time, x: timeX, y: y, style: selected ? style : theme[.dim], maxWidth: timeWidth)
            }
            let key = message.key.map { ValueText.preview($0, format: .text) } ?? "null"
            canvas.put(key, x: keyX, y: y, style: message.key == nil && !selected ? theme[.dim] : style,
                       maxWidth: keyWidth)
            if valueWidth > 0 {
                canvas.put(ValueText.preview(message.value, format: tail.format), x: valueX, y: y, style: style,
                           maxWidth: valueWidth)
            }
            y += 1
        }
    }

    private static func drawStatus(_ context: RenderContext, in rect: Rect, into canvas: inout Canvas) {
        let state = context.state, theme = context.theme
        let tail = state.tail
        guard let request = tail.request else { return }
        var x = rect.x
        func write(_ text: String, _ role: ThemeRole) {
            guard x < rect.maxX else { return }
            x += canvas.put(text, x: x, y: rect.y, style: theme[role], maxWidth: rect.maxX - x)
        }
        if let error = tail.lastError {
            write("error: \(error)", .error)
            return
        }
        write(state.paused ? "paused" : tail.isFollowing ? "following" : "scrolled (G follows)",
              state.paused ? .warning : .ok)
        let start: String =
            switch request.start {
            case .end: "from end"
            case .beginning: "from beginning"
            case .offset(let offset): "from offset \(offset)"
            case .timestamp(let millis):
                "from " + Format.dateTime(epochMillis: millis, utcOffsetSeconds: state.utcOffsetSeconds)
            }
        let bullet = " \(canvas.glyphs.bullet) "
        write(bullet + start, .dim)
        // Before the counts, so a narrow pane still says it: the rows are a sample (or only the matches).
        if let search = tail.search {
            write(bullet + "search \"\(search.matcher.query)\": \(Format.grouped(Int64(search.matches.count))) match"
                  + (search.matches.count == 1 ? "" : "es"), .accent)
        }
        if tail.sampling.isSampling { write(bullet + "sampling 1 in " + ratio(tail.sampling.oneIn), .warning) }
        var counts = "\(Format.compact(tail.receivedTotal)) received, \(Format.compact(tail.scrollback.count)) kept"
        if tail.skippedTotal > 0 { counts += ", \(Format.compact(tail.skippedTotal)) skipped" }
        write(bullet + counts, .dim)
    }

    /// "1.5", "3", "12", "2.4k": a tenth where it matters, no ".0".
    static func ratio(_ value: Double) -> String {
        guard value < 9.95 else { return Format.compact(value) }
        let text = Format.oneDecimal(value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
