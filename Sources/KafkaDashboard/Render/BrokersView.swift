/// Brokers view: per broker its id, address, whether the client reaches it, requests in flight,
/// produce and fetch traffic, round trips, errors, reconnects and the partitions it leads.
enum BrokersView {
    private enum Column: Int, CaseIterable {
        case id, address, state, inFlight, produceRate, produceBytes, fetchBytes, p50, p99, errors, reconnects, leads, failure
    }

    private static let specs: [TableColumnSpec] = [
        TableColumnSpec(header: "ID", width: 4, priority: 0, rightAligned: true),
        TableColumnSpec(header: "Address", width: 15, priority: 2, maximumWidth: 28),
        TableColumnSpec(header: "State", width: 5, priority: 1),
        TableColumnSpec(header: "InFl", width: 4, priority: 6, rightAligned: true),
        TableColumnSpec(header: "Prod/s", width: 6, priority: 7, rightAligned: true),
        TableColumnSpec(header: "Prod B/s", width: 8, priority: 11, rightAligned: true),
        TableColumnSpec(header: "Fetch B/s", width: 9, priority: 9, rightAligned: true),
        TableColumnSpec(header: "RTT p50", width: 8, priority: 10, rightAligned: true),
        TableColumnSpec(header: "RTT p99", width: 8, priority: 4, rightAligned: true),
        TableColumnSpec(header: "Err", width: 5, priority: 5, rightAligned: true),
        TableColumnSpec(header: "Reconn", width: 6, priority: 8, rightAligned: true),
        TableColumnSpec(header: "Leads", width: 5, priority: 3, rightAligned: true),
        TableColumnSpec(header: "Last failure", width: 12, priority: 12, maximumWidth: 80),
    ]

    static func draw(_ context: RenderContext, in rect: Rect, into canvas: inout Canvas) {
        let state = context.state, theme = context.theme
        let rows = state.brokers.rows(cluster: state.cluster)
        let up = rows.filter { $0.activity?.state == .up }.count
        let down = rows.filter { $0.activity?.state == .down }.count
        var summary = "\(rows.count) broker\(rows.count == 1 ? "" : "s"): \(up) up"
        if down > 0 { summary += ", \(down) down" }
        summary += " (as this client reaches them)"
        canvas.put(summary, x: rect.x, y: rect.y, style: down > 0 ? theme[.warning] : theme[.accent], maxWidth: rect.width)
        let columns = TableLayout.place(specs, width: rect.width)
        TableLayout.drawHeader(specs, columns, x: rect.x, y: rect.y + 1, theme: theme, into: &canvas)
        guard !rows.isEmpty else {
            canvas.put("waiting for metadata...", x: rect.x, y: rect.y + 2, style: theme[.dim], maxWidth: rect.width)
            return
        }
        var y = rect.y + 2
        let cursor = state.brokers.cursor
        for index in TableLayout.visibleRange(count: rows.count, cursor: cursor, visible: rect.maxY - y) {
            let row = rows[index]
            let selected = index == cursor.selected
            let rowStyle = TableLayout.rowStyle(selected: selected, pane: .brokers, base: theme[.normal], context: context,
                                                x: rect.x, y: y, width: rect.width, into: &canvas)
            for column in columns {
                let (text, role) = cell(Column(rawValue: column.index)!, row)
                TableLayout.cell(text, column, x: rect.x, y: y, style: selected || role == nil ? rowStyle : theme[role!],
                                 into: &canvas)
            }
            y += 1
        }
    }

    /// A cell's text and, when it should stand out, its role.
    private static func cell(_ column: Column, _ row: BrokerRow) -> (String, ThemeRole?) {
        let activity = row.activity
        switch column {
        case .id: return (row.id.map(String.init) ?? "?", nil)
        case .address: return (row.address, nil)
        case .state:
            switch activity?.state {
            case .up?: return ("up", .ok)
            case .down?: return ("down", .error)
            case .idle?, nil: return ("idle", .dim)
            }
        case .inFlight: return (activity.map { String($0.inFlightRequests) } ?? "-", nil)
        case .produceRate: return (activity.map { Format.compact($0.produce.messagesPerSecond) } ?? "-", nil)
        case .produceBytes: return (activity.map { Format.bytes($0.produce.bytesPerSecond) } ?? "-", nil)
        case .fetchBytes: return (activity.map { Format.bytes($0.fetchBytesPerSecond) } ?? "-", nil)
        case .p50: return (activity?.roundTripP50Millis.map { Format.millis($0) } ?? "-", nil)
        case .p99: return (activity?.roundTripP99Millis.map { Format.millis($0) } ?? "-", nil)
        case .errors:
            let errors = activity?.errors ?? 0
            return (Format.compact(errors), errors > 0 ? .warning : nil)
        case .reconnects: return (Format.compact(activity?.reconnects ?? 0), nil)
        case .leads: return (String(row.ledPartitions), nil)
        case .failure:
            guard let failure = activity?.lastFailure else { return ("", nil) }
            return (failure, activity?.state == .down ? .error : .dim)
        }
    }
}
