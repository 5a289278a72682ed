/// Offsets view: watermarks per partition and, for the chosen consumer group, committed offset and lag.
enum OffsetsView {
    private static let headers = ["P", "Low", "High", "Msgs", "Committed", "Lag"]
    private static let widths = [4, 12, 12, 7, 12, 9]

    static func draw(_ context: RenderContext, in rect: Rect, into canvas: inout Canvas) {
        let state = context.state, theme = context.theme
        let offsets = state.groupOffsets?.topic == state.selectedTopic ? state.groupOffsets : nil
        let committedByPartition = Dictionary(
            (offsets?.partitions ?? []).map { ($0.partition, $0) }, uniquingKeysWith: { first, _ in first })

        var summary: String
        if state.groupID.isEmpty {
            summary = "no consumer group chosen: press c"
        } else if let offsets {
            let totalLag = state.partitionRows.reduce(Int64(0)) { sum, row in
                sum + (lag(row, committedByPartition[row.partition.id]) ?? 0)
            }
            summary = "group \(offsets.group): total lag \(Format.grouped(totalLag))"
        } else {
            summary = "group \(state.groupID): loading... (r refreshes)"
        }
        canvas.put(summary, x: rect.x, y: rect.y, style: theme[.accent], maxWidth: rect.width)

        var x = rect.x
        for (header, width) in zip(headers, widths) where x + width <= rect.maxX {
            canvas.putRight(header, rightEdge: x + width, y: rect.y + 1, style: theme[.columnHeader], maxWidth: width)
            x += width + 1
        }

        let visibleRows = rect.height - 2
        let cursor = state.offsetsCursor
        let first = min(cursor.top, max(0, state.partitionRows.count - visibleRows))
        var y = rect.y + 2
        for index in first..<min(state.partitionRows.count, first + max(0, visibleRows)) {
            let row = state.partitionRows[index]
            let selected = index == cursor.selected
            let style = selected ? context.selectionStyle(for: .offsets) : theme[.normal]
            if selected { canvas.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: style) }
            let committed = committedByPartition[row.partition.id]
            let partitionLag = lag(row, committed)
            let cells = [
                String(row.partition.id), Format.grouped(row.partition.lowWatermark),
                Format.grouped(row.partition.highWatermark), Format.compact(row.partition.messageCount),
                committed?.committed.map { Format.grouped($0) } ?? "-",
                partitionLag.map { Format.grouped($0) } ?? "-",
            ]
            var x = rect.x
            for (column, (text, width)) in zip(cells, widths).enumerated() where x + width <= rect.maxX {
                let lagging = column == 5 && (partitionLag ?? 0) > 0 && !selected
                canvas.putRight(text, rightEdge: x + width, y: y, style: lagging ? theme[.warning] : style,
                                maxWidth: width)
                x += width + 1
            }
            y += 1
        }
    }

    /// The source's lag if it sent one, else high watermark minus committed offset.
    private static func lag(_ row: PartitionRow, _ committed: GroupOffsets.Partition?) -> Int64? {
        guard let committed else { return nil }
        if let lag = committed.lag { return lag }
        return committed.committed.map { max(0, row.partition.highWatermark - $0) }
    }
}
