/// Topics panel: name, partitions, messages, produce and consume rates; filter line when filtering.
enum TopicsView {
    private struct Column: Sendable {
        let header: String
        let width: Int
        let value: @Sendable (TopicRow) -> String
    }

    /// Right-hand numeric columns, dropped from the right when the panel is narrow.
    private static let numericColumns: [Column] = [
        Column(header: "Parts", width: 5) { String($0.partitionCount) },
        Column(header: "Msgs", width: 6) { Format.compact($0.messages) },
        Column(header: "Prod/s", width: 6) { Format.compact($0.produce.messagesPerSecond) },
        Column(header: "Cons/s", width: 6) { Format.compact($0.consume.messagesPerSecond) },
    ]
    private static let minimumNameWidth = 12

    static func draw(_ context: RenderContext, in rect: Rect, into canvas: inout Canvas) {
        let state = context.state, theme = context.theme
        var y = rect.y
        let editing = state.textEntry?.purpose == .topicFilter ? state.textEntry : nil
        y += TableLayout.drawFilter(state.topicFilter, editing: editing, in: rect, y: y, theme: theme, into: &canvas)

        var columns = numericColumns
        while !columns.isEmpty, minimumNameWidth + columns.reduce(0, { $0 + $1.width + 1 }) > rect.width {
            columns.removeLast()
        }
        let nameWidth = rect.width - columns.reduce(0) { $0 + $1.width + 1 }

        canvas.put("Name", x: rect.x, y: y, style: theme[.columnHeader], maxWidth: nameWidth)
        var x = rect.x + nameWidth
        for column in columns {
            canvas.putRight(column.header, rightEdge: x + 1 + column.width, y: y, style: theme[.columnHeader],
                            maxWidth: column.width)
            x += column.width + 1
        }
        y += 1

        if state.topicRows.isEmpty {
            let message = state.cluster.topics.isEmpty ? "waiting for metadata..." : "no topic matches the filter"
            canvas.put(message, x: rect.x, y: y, style: theme[.dim], maxWidth: rect.width)
            return
        }
        let cursor = state.topicCursor
        for index in TableLayout.visibleRange(count: state.topicRows.count, cursor: cursor, visible: rect.maxY - y) {
            let row = state.topicRows[index]
            let style = TableLayout.rowStyle(
                selected: index == cursor.selected, pane: .topics, base: theme[row.isInternal ? .dim : .normal],
                context: context, x: rect.x, y: y, width: rect.width, into: &canvas)
            canvas.put(row.name, x: rect.x, y: y, style: style, maxWidth: nameWidth - 1)
            var x = rect.x + nameWidth
            for column in columns {
                canvas.putRight(column.value(row), rightEdge: x + 1 + column.width, y: y, style: style,
                                maxWidth: column.width)
                x += column.width + 1
            }
            y += 1
        }
    }
}
