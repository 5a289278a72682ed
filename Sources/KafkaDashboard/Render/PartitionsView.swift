/// Partitions panel: one row per partition of the selected topic, columns chosen to fit the width.
enum PartitionsView {
    struct ColumnSpec {
        let column: PartitionColumn
        let minimumWidth: Int
        /// What the column claims while columns are chosen on a panel at least `roomyWidth` wide: the
        /// last error gets room for a whole error name before low-priority columns are let in.
        let preferredWidth: Int
        /// Wider than the minimum only for the two columns that get better with room.
        let maximumWidth: Int
        /// Lower is kept longer when the panel is narrow.
        let priority: Int
        let rightAligned: Bool
    }

    struct PlacedColumn {
        let spec: ColumnSpec
        var x: Int
        var width: Int
    }

    static let roomyWidth = 60

    static let specs: [ColumnSpec] = [
        ColumnSpec(
            column: .partition, minimumWidth: 4, preferredWidth: 4, maximumWidth: 4, priority: 0,
            rightAligned: true),
        ColumnSpec(
            column: .leader, minimumWidth: 6, preferredWidth: 6, maximumWidth: 6, priority: 8,
            rightAligned: true),
        ColumnSpec(
            column: .low, minimumWidth: 10, preferredWidth: 10, maximumWidth: 10, priority: 12,
            rightAligned: true),
        ColumnSpec(
            column: .high, minimumWidth: 10, preferredWidth: 10, maximumWidth: 10, priority: 11,
            rightAligned: true),
        ColumnSpec(
            column: .messages, minimumWidth: 6, preferredWidth: 6, maximumWidth: 6, priority: 7,
            rightAligned: true),
        ColumnSpec(
            column: .bufferFill, minimumWidth: 13, preferredWidth: 13, maximumWidth: 13, priority: 1,
            rightAligned: false),
        ColumnSpec(
            column: .inFlight, minimumWidth: 4, preferredWidth: 4, maximumWidth: 4, priority: 5,
            rightAligned: true),
        ColumnSpec(
            column: .messageRate, minimumWidth: 6, preferredWidth: 6, maximumWidth: 6, priority: 2,
            rightAligned: true),
        ColumnSpec(
            column: .sparkline, minimumWidth: 10, preferredWidth: 10, maximumWidth: RateSamples.capacity, priority: 4,
            rightAligned: false),
        ColumnSpec(
            column: .byteRate, minimumWidth: 8, preferredWidth: 8, maximumWidth: 8, priority: 9,
            rightAligned: true),
        ColumnSpec(
            column: .ackLatency, minimumWidth: 8, preferredWidth: 8, maximumWidth: 8, priority: 6,
            rightAligned: true),
        // Last to be let in: the header already counts errors, and msg/s shows that sends go through.
        ColumnSpec(
            column: .sent, minimumWidth: 7, preferredWidth: 7, maximumWidth: 7, priority: 13,
            rightAligned: true),
        ColumnSpec(
            column: .retries, minimumWidth: 5, preferredWidth: 5, maximumWidth: 5, priority: 10,
            rightAligned: true),
        ColumnSpec(
            column: .lastError, minimumWidth: 12, preferredWidth: 29, maximumWidth: 40, priority: 3,
            rightAligned: false),
    ]

    /// `specs` by priority, sorted once (columns are placed every frame).
    private static let specsByPriority = specs.sorted { $0.priority < $1.priority }

    /// Keeps the highest-priority columns that fit, then gives spare room to the last-error column and
    /// the sparkline, and lays the survivors out in their natural order.
    static func placeColumns(width: Int) -> [PlacedColumn] {
        var chosen: [(spec: ColumnSpec, width: Int)] = []
        chosen.reserveCapacity(specs.count)
        var used = 0
        for spec in specsByPriority {
            let preferred = max(width >= roomyWidth ? spec.preferredWidth : spec.minimumWidth, spec.minimumWidth)
            let separator = chosen.isEmpty ? 0 : 1
            // The preferred width if it fits, else the minimum.
            if used + preferred + separator <= width {
                chosen.append((spec, preferred))
                used += preferred + separator
            } else if used + spec.minimumWidth + separator <= width {
                chosen.append((spec, spec.minimumWidth))
                used += spec.minimumWidth + separator
            }
        }
        chosen.sort { $0.spec.column.rawValue < $1.spec.column.rawValue }
        var spare = width - used
        for flexible in [PartitionColumn.lastError, .sparkline] {
            guard let index = chosen.firstIndex(where: { $0.spec.column == flexible }) else { continue }
            let extra = min(spare, chosen[index].spec.maximumWidth - chosen[index].width)
            chosen[index].width += extra
            spare -= extra
        }
        var x = 0
        return chosen.map { column in
            defer { x += column.width + 1 }
            return PlacedColumn(spec: column.spec, x: x, width: column.width)
        }
    }

    static func draw(_ context: RenderContext, in rect: Rect, into canvas: inout Canvas) {
        let state = context.state, theme = context.theme
        let columns = placeColumns(width: rect.width)
        drawHeader(columns, sort: state.partitionSort, rect: rect, theme: theme, into: &canvas)

        guard !state.partitionRows.isEmpty else {
            let message = state.selectedTopic == nil ? "no topic selected" : "no partitions"
            canvas.put(message, x: rect.x, y: rect.y + 1, style: theme[.dim], maxWidth: rect.width)
            return
        }
        let visibleRows = rect.height - 1
        let cursor = state.partitionCursor
        let first = min(cursor.top, max(0, state.partitionRows.count - visibleRows))
        let topic = state.selectedTopic ?? ""
        var y = rect.y + 1
        for index in first..<min(state.partitionRows.count, first + visibleRows) {
            let selected = index == cursor.selected
            let rowStyle = selected ? context.selectionStyle(for: .partitions) : theme[.normal]
            if selected { canvas.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: rowStyle) }
            let row = state.partitionRows[index]
            for placed in columns {
                drawCell(placed, row: row, topic: topic, x: rect.x + placed.x, y: y, selected: selected,
                         rowStyle: rowStyle, context: context, into: &canvas)
            }
            y += 1
        }
    }

    private static func drawHeader(
        _ columns: [PlacedColumn], sort: PartitionSort, rect: Rect, theme: Theme, into canvas: inout Canvas
    ) {
        for placed in columns {
            let sorted = placed.spec.column == sort.column
                || (sort.column == .messageRate && placed.spec.column == .sparkline)
            var title = placed.spec.column.header
            if sorted && placed.spec.column == sort.column {
                let arrow = canvas.glyphs.isASCII ? (sort.descending ? "v" : "^") : (sort.descending ? "▼" : "▲")
                title = placed.spec.rightAligned ? arrow + title : title + arrow
            }
            let style = sorted ? theme[.columnHeaderSorted] : theme[.columnHeader]
            let x = rect.x + placed.x
            if placed.spec.rightAligned {
                canvas.putRight(title, rightEdge: x + placed.width, y: rect.y, style: style, maxWidth: placed.width)
            } else {
                canvas.put(title, x: x, y: rect.y, style: style, maxWidth: placed.width)
            }
        }
    }

    private static func drawCell(
        _ placed: PlacedColumn, row: PartitionRow, topic: String, x: Int, y: Int, selected: Bool,
        rowStyle: Style, context: RenderContext, into canvas: inout Canvas
    ) {
        let theme = context.theme
        let stats = row.stats
        let width = placed.width
        // Selected rows keep one style so the highlight reads as a single bar; others colour their warnings.
        func styled(_ role: ThemeRole) -> Style { selected ? rowStyle : theme[role] }
        func text(_ value: String, _ style: Style? = nil) {
            if placed.spec.rightAligned {
                canvas.putRight(value, rightEdge: x + width, y: y, style: style ?? rowStyle, maxWidth: width)
            } else {
                canvas.put(value, x: x, y: y, style: style ?? rowStyle, maxWidth: width)
            }
        }
        let partition = row.partition
        switch placed.spec.column {
        case .partition: text(String(partition.id))
        case .leader: partition.leader < 0 ? text("none", styled(.error)) : text(String(partition.leader))
        case .low: text(String(partition.lowWatermark))
        case .high: text(String(partition.highWatermark))
        case .messages: text(Format.compact(partition.messageCount))
        case .bufferFill:
            guard let stats else { return text("-", styled(.dim)) }
            let fill = stats.bufferFill
            Gauges.bar(fraction: fill, x: x, y: y, width: width - 5, theme: theme, into: &canvas)
            let percent = String(Int((fill * 100).rounded())) + "%"
            canvas.putRight(percent, rightEdge: x + width, y: y, style: rowStyle, maxWidth: 4)
        case .inFlight: text(stats.map { String($0.inFlightBatches) } ?? "-")
        case .messageRate: text(stats.map { Format.compact($0.throughput.messagesPerSecond) } ?? "-")
        case .sparkline:
            let samples = context.state.history.samples[TopicPartition(topic, partition.id)]
            Gauges.sparkline(samples, x: x, y: y, width: width, style: styled(.sparkline), into: &canvas)
        case .byteRate: text(stats.map { Format.bytes($0.throughput.bytesPerSecond) } ?? "-")
        case .ackLatency: text(stats?.ackLatencyP99Millis.map { Format.millis($0) } ?? "-")
        case .sent: text(stats.map { Format.compact($0.ackedMessages) } ?? "-")
        case .retries:
            let retries = stats?.retries ?? 0
            text(Format.compact(retries), retries > 0 ? styled(.warning) : rowStyle)
        case .lastError:
            guard let error = stats?.lastError else { return }
            let age = Format.age(millis: context.state.nowMillis - error.atMillis)
            let label = "\(error.name)(\(error.code))"
            let ageWidth = DisplayWidth.of(age) + 1
            canvas.put(label, x: x, y: y, style: styled(.error), maxWidth: max(1, width - ageWidth))
            canvas.putRight(age, rightEdge: x + width, y: y, style: styled(.dim), maxWidth: ageWidth)
        }
    }
}
