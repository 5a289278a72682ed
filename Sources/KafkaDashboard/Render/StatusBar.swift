/// The two bottom lines: the status line (a prompt while typing, else the latest event) and the hint bar
/// (generated from the key table for the current context).
enum StatusBar {
    static func drawStatus(_ context: RenderContext, in rect: Rect, into canvas: inout Canvas) {
        guard !rect.isEmpty else { return }
        let state = context.state, theme = context.theme
        if let entry = state.textEntry, !drawnInPane(entry.purpose, context) {
            let style = theme[.editing]
            canvas.fill(rect, style: style)
            canvas.put(" \(entry.prompt): \(entry.text)_", x: rect.x, y: rect.y, style: style, maxWidth: rect.width)
            return
        }
        guard let status = state.status else {
            canvas.put(" ready", x: rect.x, y: rect.y, style: theme[.dim], maxWidth: rect.width)
            return
        }
        let role: ThemeRole =
            switch status.severity {
            case .info: .statusInfo
            case .warning: .statusWarning
            case .error: .statusError
            }
        let age = Format.age(millis: state.nowMillis - status.atMillis)
        let suffix = " (\(age) ago) "
        let suffixWidth = DisplayWidth.of(suffix)
        canvas.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), style: theme[.normal])
        let used = canvas.put(" " + status.message, x: rect.x, y: rect.y, style: theme[role],
                              maxWidth: max(1, rect.width - suffixWidth))
        canvas.put(suffix, x: rect.x + used, y: rect.y, style: theme[.dim], maxWidth: rect.width - used)
    }

    /// Filters that their pane shows as it is typed (the status line would say it twice).
    private static func drawnInPane(_ purpose: TextEntry.Purpose, _ context: RenderContext) -> Bool {
        switch purpose {
        case .topicFilter: return context.state.focus == .topics && context.layout.rect(for: .topics) != nil
        case .groupFilter: return context.layout.rect(for: .groups) != nil
        case .configFilter: return context.layout.rect(for: .configs) != nil
        default: return false
        }
    }

    static func drawHints(_ context: RenderContext, keyTable: KeyTable, in rect: Rect, into canvas: inout Canvas) {
        guard !rect.isEmpty else { return }
        let theme = context.theme
        var x = rect.x
        for binding in keyTable.effectiveBindings(in: context.state.keyContext) {
            guard let hint = binding.hint, let key = binding.keys.first else { continue }
            let keyText = key.displayName
            let needed = DisplayWidth.of(keyText) + DisplayWidth.of(hint) + 2
            guard x + needed <= rect.maxX else { break }
            x += canvas.put(keyText, x: x, y: rect.y, style: theme[.hintKey])
            x += canvas.put(" " + hint + " ", x: x, y: rect.y, style: theme[.hintLabel])
        }
    }
}
