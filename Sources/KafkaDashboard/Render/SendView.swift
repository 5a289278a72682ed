/// Send pane: the message form, the result of the last send, and the load generator.
enum SendView {
    private static let labelWidth = 12

    static func draw(_ context: RenderContext, in rect: Rect, into canvas: inout Canvas) {
        let state = context.state, theme = context.theme
        let fields = SendForm.Field.allCases
        // The result and load lines stay at the bottom; the fields scroll if the pane is short.
        let footerRows = min(2, max(0, rect.height - 1))
        let fieldRows = max(1, rect.height - footerRows)
        let selected = state.sendForm.selectedField.rawValue
        let firstField = max(0, min(selected - fieldRows + 1, fields.count - fieldRows))
        var y = rect.y
        for field in fields[firstField..<min(fields.count, firstField + fieldRows)] {
            drawField(field, y: y, rect: rect, context: context, into: &canvas)
            y += 1
        }
        guard footerRows > 0 else { return }
        let resultY = rect.maxY - footerRows
        let (resultText, resultRole) = resultLine(state)
        canvas.put(resultText, x: rect.x, y: resultY, style: theme[resultRole], maxWidth: rect.width)
        if footerRows > 1 {
            let (loadText, loadRole) = loadLine(state)
            canvas.put(loadText, x: rect.x, y: resultY + 1, style: theme[loadRole], maxWidth: rect.width)
        }
    }

    private static func drawField(_ field: SendForm.Field, y: Int, rect: Rect, context: RenderContext,
                                  into canvas: inout Canvas)
    {
        let state = context.state, theme = context.theme
        let isSelected = field == state.sendForm.selectedField
        var editing: String?
        if case .sendField(let edited) = state.textEntry?.purpose, edited == field { editing = state.textEntry?.text }
        let marker = isSelected ? String(canvas.glyphs.selectionMarker) : " "
        let labelStyle = isSelected && context.isFocused(.send) ? theme[.titleFocused] : theme[.dim]
        canvas.put(marker + field.label, x: rect.x, y: y, style: labelStyle, maxWidth: labelWidth)
        let valueX = rect.x + labelWidth
        let valueWidth = rect.maxX - valueX
        guard valueWidth > 0 else { return }
        if let editing {
            let style = theme[.editing]
            canvas.fill(Rect(x: valueX, y: y, width: valueWidth, height: 1), style: style)
            // Show the end of what is being typed: that is where the cursor is.
            let text = editing + "_"
            let overflow = DisplayWidth.of(text) - valueWidth
            let shown = overflow > 0 ? String(text.dropFirst(overflow + 1)) : text
            canvas.put(overflow > 0 ? String(canvas.glyphs.ellipsis) + shown : shown, x: valueX, y: y, style: style,
                       maxWidth: valueWidth)
            return
        }
        let value = state.sendForm.text(of: field)
        let placeholder: String? =
            switch field {
            case .partition where value.trimmingSpaces.isEmpty: "auto"
            case .key where value.isEmpty: "(none)"
            case .headers where value.isEmpty: "(none) name=value, ..."
            default: nil
            }
        let style = isSelected ? context.selectionStyle(for: .send) : theme[.normal]
        canvas.put(placeholder ?? ValueText.singleLine(value), x: valueX, y: y,
                   style: placeholder == nil ? style : style.adding(.dim), maxWidth: valueWidth)
    }

    private static func resultLine(_ state: DashboardState) -> (String, ThemeRole) {
        guard let last = state.lastSend else { return ("Enter sends one message", .dim) }
        guard let result = last.result else { return ("sending #\(last.request.id)...", .dim) }
        switch result.outcome {
        case let .delivered(partition, offset):
            let latency = result.latencyMillis.map { " in " + Format.millis($0) } ?? ""
            return ("#\(last.request.id) delivered: \(last.request.topic)[\(partition)] @ \(offset)\(latency)", .ok)
        case .failed(let name):
            return ("#\(last.request.id) failed: \(name)", .error)
        }
    }

    private static func loadLine(_ state: DashboardState) -> (String, ThemeRole) {
        guard let settings = state.loadGenerator else { return ("Load generator off (L starts)", .dim) }
        var text = "Load ON \(Format.compact(settings.messagesPerSecond))/s x \(Format.bytes(Double(settings.messageSize)))"
        if let status = state.producer.loadGenerator {
            text += ": \(Format.compact(status.achieved.messagesPerSecond))/s, sent \(Format.compact(status.sent))"
            if status.failed > 0 { return (text + ", failed \(Format.compact(status.failed))", .warning) }
        }
        return (text, .accent)
    }
}
