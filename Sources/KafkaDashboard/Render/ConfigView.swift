/// Topic configuration view: every entry DescribeConfigs gives for the selected topic, with its
/// source; values left at a default are dimmed so what was set on the topic stands out.
enum ConfigView {
    private static let specs: [TableColumnSpec] = [
        TableColumnSpec(header: "Name", width: 20, priority: 0, maximumWidth: 32),
        TableColumnSpec(header: "Value", width: 14, priority: 1, maximumWidth: 60),
        TableColumnSpec(header: "Source", width: 15, priority: 2),
        TableColumnSpec(header: "Flags", width: 6, priority: 3),
    ]

    static func draw(_ context: RenderContext, in rect: Rect, into canvas: inout Canvas) {
        let state = context.state, theme = context.theme
        let configs = state.configs
        var y = rect.y
        let summary: String
        var summaryRole = ThemeRole.accent
        if let error = configs.error {
            summary = "\(configs.topic ?? "?"): \(error)"
            summaryRole = .warning
        } else if configs.loading {
            summary = "\(configs.topic ?? "?"): loading..."
        } else if let config = configs.config {
            let set = config.entries.filter { !$0.isDefault }.count
            summary = "\(config.topic): \(config.entries.count) entries, \(set) set on the topic (r refreshes)"
        } else {
            summary = "no topic selected"
        }
        for line in OverlayViews.wrap(summary, width: rect.width).prefix(configs.error == nil ? 1 : 3) {
            canvas.put(line, x: rect.x, y: y, style: theme[summaryRole], maxWidth: rect.width)
            y += 1
        }
        guard configs.config != nil else { return }
        let editing = state.textEntry?.purpose == .configFilter ? state.textEntry : nil
        y += TableLayout.drawFilter(configs.filter, editing: editing, in: rect, y: y, theme: theme, into: &canvas)
        let columns = TableLayout.place(specs, width: rect.width)
        TableLayout.drawHeader(specs, columns, x: rect.x, y: y, theme: theme, into: &canvas)
        y += 1
        for index in TableLayout.visibleRange(count: configs.rows.count, cursor: configs.cursor, visible: rect.maxY - y) {
            let entry = configs.rows[index]
            let selected = index == configs.cursor.selected
            let rowStyle = TableLayout.rowStyle(selected: selected, pane: .configs, base: theme[entry.isDefault ? .dim : .normal],
                                                context: context, x: rect.x, y: y, width: rect.width, into: &canvas)
            let value = entry.isSensitive ? "(sensitive)" : entry.value ?? "(not set)"
            var flags: [String] = []
            if entry.isSensitive { flags.append("S") }
            if entry.isReadOnly { flags.append("RO") }
            let texts = [entry.name, value, entry.source, flags.joined(separator: ",")]
            for column in columns {
                let style = !selected && column.index == 1 && !entry.isDefault ? theme[.accent] : rowStyle
                TableLayout.cell(texts[column.index], column, x: rect.x, y: y, style: style, into: &canvas)
            }
            y += 1
        }
    }
}
