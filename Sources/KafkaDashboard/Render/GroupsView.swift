/// Groups view: every consumer group with state, protocol, members, topics, total lag and the lag's
/// last minute; or why the cluster cannot list them.
enum GroupsView {
    static let specs: [TableColumnSpec] = [
        TableColumnSpec(header: GroupColumn.name.header, width: 12, priority: 0, maximumWidth: 40),
        TableColumnSpec(header: GroupColumn.state.header, width: 11, priority: 2),
        TableColumnSpec(header: GroupColumn.protocolName.header, width: 10, priority: 6),
        TableColumnSpec(header: GroupColumn.members.header, width: 4, priority: 3, rightAligned: true),
        TableColumnSpec(header: GroupColumn.topics.header, width: 10, priority: 5, maximumWidth: 40),
        TableColumnSpec(header: GroupColumn.lag.header, width: 9, priority: 1, rightAligned: true),
        TableColumnSpec(header: GroupColumn.sparkline.header, width: 10, priority: 4, maximumWidth: RateSamples.capacity),
    ]

    static func draw(_ context: RenderContext, in rect: Rect, into canvas: inout Canvas) {
        let state = context.state, theme = context.theme
        let groups = state.groups
        var y = rect.y
        let editing = state.textEntry?.purpose == .groupFilter ? state.textEntry : nil
        y += TableLayout.drawFilter(groups.filter, editing: editing, in: rect, y: y, theme: theme, into: &canvas)
        guard let snapshot = groups.snapshot else {
            canvas.put("loading consumer groups...", x: rect.x, y: y, style: theme[.dim], maxWidth: rect.width)
            return
        }
        if let reason = snapshot.unavailable {
            for line in OverlayViews.wrap("This cluster cannot list consumer groups: \(reason)", width: rect.width) {
                guard y < rect.maxY else { break }
                canvas.put(line, x: rect.x, y: y, style: theme[.warning], maxWidth: rect.width)
                y += 1
            }
            return
        }
        let columns = TableLayout.place(specs, width: rect.width)
        TableLayout.drawHeader(specs, columns, sorted: groups.sort.column.rawValue, descending: groups.sort.descending,
                               x: rect.x, y: y, theme: theme, into: &canvas)
        y += 1
        if groups.rows.isEmpty {
            let message = snapshot.groups.isEmpty ? "no consumer groups on this cluster" : "no group matches the filter"
            canvas.put(message, x: rect.x, y: y, style: theme[.dim], maxWidth: rect.width)
            return
        }
        for index in TableLayout.visibleRange(count: groups.rows.count, cursor: groups.cursor, visible: rect.maxY - y) {
            let group = groups.rows[index]
            let selected = index == groups.cursor.selected
            let rowStyle = TableLayout.rowStyle(selected: selected, pane: .groups, base: theme[.normal], context: context,
                                                x: rect.x, y: y, width: rect.width, into: &canvas)
            func styled(_ role: ThemeRole) -> Style { selected ? rowStyle : theme[role] }
            for column in columns {
                switch GroupColumn(rawValue: column.index)! {
                case .name:
                    TableLayout.cell(group.id, column, x: rect.x, y: y, style: group.problem != nil ? styled(.error) : rowStyle,
                                     into: &canvas)
                case .state:
                    TableLayout.cell(group.state.isEmpty ? "?" : group.state, column, x: rect.x, y: y,
                                     style: styled(stateRole(group.state)), into: &canvas)
                case .protocolName:
                    TableLayout.cell(group.protocolName.isEmpty ? "-" : group.protocolName, column, x: rect.x, y: y,
                                     style: rowStyle, into: &canvas)
                case .members:
                    TableLayout.cell(String(group.memberCount), column, x: rect.x, y: y, style: rowStyle, into: &canvas)
                case .topics:
                    TableLayout.cell(group.topics.isEmpty ? "-" : group.topics.joined(separator: ","), column, x: rect.x, y: y,
                                     style: rowStyle, into: &canvas)
                case .lag:
                    let lag = group.totalLag
                    TableLayout.cell(lag.map { Format.grouped($0) } ?? "-", column, x: rect.x, y: y,
                                     style: (lag ?? 0) > 0 ? styled(.warning) : rowStyle, into: &canvas)
                case .sparkline:
                    Gauges.sparkline(groups.lagHistory.samples[group.id], x: rect.x + column.x, y: y, width: column.width,
                                     style: styled(.sparkline), into: &canvas)
                }
            }
            y += 1
        }
    }

    /// Stable reads as fine, rebalancing as a warning, Dead as an error, Empty as quiet.
    static func stateRole(_ state: String) -> ThemeRole {
        switch state {
        case "Stable": return .ok
        case "Empty": return .dim
        case "Dead": return .error
        default: return .warning
        }
    }
}
