/// Draws a whole frame: `state` + `theme` → `canvas`. Pure, and only the visible rows of any list are
/// formatted, so the cost of a frame depends on the terminal size rather than on the number of partitions.
public struct DashboardRenderer: Sendable {
    public var theme: Theme
    public var keyTable: KeyTable

    public init(theme: Theme, keyTable: KeyTable = .standard) {
        self.theme = theme
        self.keyTable = keyTable
    }

    public func render(_ state: DashboardState, into canvas: inout Canvas) {
        canvas.reset(columns: state.size.columns, rows: state.size.rows, style: theme[.normal])
        let layout = DashboardLayout(for: state)
        if layout.mode == .tooSmall {
            drawTooSmall(state.size, into: &canvas)
            return
        }
        let context = RenderContext(state: state, theme: theme, layout: layout)
        HeaderView.draw(context, compact: layout.mode == .stacked, into: &canvas)
        if let strip = layout.tabStrip { drawTabStrip(state, in: strip, into: &canvas) }
        for pane in layout.visiblePanes {
            guard let rect = layout.rect(for: pane) else { continue }
            canvas.clipped(to: rect) { canvas in
                let inner = PaneFrame.draw(pane, in: rect, context: context, into: &canvas)
                canvas.clipped(to: inner) { canvas in
                    switch pane {
                    case .topics: TopicsView.draw(context, in: inner, into: &canvas)
                    case .partitions: PartitionsView.draw(context, in: inner, into: &canvas)
                    case .offsets: OffsetsView.draw(context, in: inner, into: &canvas)
                    case .send: SendView.draw(context, in: inner, into: &canvas)
                    case .tail: TailView.draw(context, in: inner, into: &canvas)
                    case .groups: GroupsView.draw(context, in: inner, into: &canvas)
                    case .brokers: BrokersView.draw(context, in: inner, into: &canvas)
                    case .configs: ConfigView.draw(context, in: inner, into: &canvas)
                    }
                }
            }
        }
        StatusBar.drawStatus(context, in: layout.status, into: &canvas)
        StatusBar.drawHints(context, keyTable: keyTable, in: layout.hints, into: &canvas)
        switch state.overlay {
        case .help(let scroll):
            OverlayViews.drawHelp(context, keyTable: keyTable, scroll: scroll, into: &canvas)
        case .messageDetail(let sequence, let scroll):
            OverlayViews.drawMessageDetail(context, sequence: sequence, scroll: scroll, into: &canvas)
        case .groupDetail:
            OverlayViews.drawGroupDetail(context, into: &canvas)
        case nil:
            break
        }
        if let picker = state.picker { OverlayViews.drawPicker(context, picker, into: &canvas) }
        if let dialog = state.dialog { OverlayViews.drawDialog(context, dialog, into: &canvas) }
    }

    private func drawTooSmall(_ size: TerminalSize, into canvas: inout Canvas) {
        let minimum = DashboardLayout.minimumSize
        let lines = [
            "Terminal too small",
            "\(size.columns)x\(size.rows), need \(minimum.columns)x\(minimum.rows)",
            "q quits",
        ]
        let top = max(0, (size.rows - lines.count) / 2)
        for (index, line) in lines.enumerated() where top + index < size.rows {
            let width = min(DisplayWidth.of(line), size.columns)
            canvas.put(line, x: max(0, (size.columns - width) / 2), y: top + index,
                       style: index == 0 ? theme[.warning] : theme[.normal], maxWidth: size.columns)
        }
    }

    /// Stacked mode shows one pane at a time; the strip says which, and which keys reach the others:
    /// full titles if they fit, else short ones, else numbers with only the focused pane named.
    private func drawTabStrip(_ state: DashboardState, in rect: Rect, into canvas: inout Canvas) {
        canvas.fill(rect, style: theme[.normal])
        let labelSets: [(Pane) -> String] = [
            { " \($0.rawValue + 1) \($0.title) " }, { " \($0.rawValue + 1) \($0.shortTitle) " },
            { $0 == state.focus ? " \($0.rawValue + 1) \($0.shortTitle) " : " \($0.rawValue + 1) " },
        ]
        let labels = labelSets.first { set in Pane.allCases.reduce(0) { $0 + DisplayWidth.of(set($1)) } <= rect.width }
            ?? labelSets.last!
        var x = rect.x
        for pane in Pane.allCases {
            let style = pane == state.focus ? theme[.selection] : theme[.dim]
            x += canvas.put(labels(pane), x: x, y: rect.y, style: style, maxWidth: rect.maxX - x)
            if x >= rect.maxX { break }
        }
    }
}

/// What every view needs to draw.
struct RenderContext {
    let state: DashboardState
    let theme: Theme
    let layout: DashboardLayout

    func isFocused(_ pane: Pane) -> Bool { state.focus == pane && state.overlay == nil }

    /// Selected-row style: bright in the focused pane, subdued elsewhere.
    func selectionStyle(for pane: Pane) -> Style {
        isFocused(pane) ? theme[.selection] : theme[.selectionUnfocused]
    }
}

/// A pane's border and title.
enum PaneFrame {
    /// Draws the frame and returns the inside.
    static func draw(_ pane: Pane, in rect: Rect, context: RenderContext, into canvas: inout Canvas) -> Rect {
        let focused = context.isFocused(pane)
        let theme = context.theme
        canvas.box(rect, style: focused ? theme[.borderFocused] : theme[.border],
                   title: title(pane, context.state), titleStyle: focused ? theme[.titleFocused] : theme[.title])
        return rect.inset(by: 1)
    }

    static func title(_ pane: Pane, _ state: DashboardState) -> String {
        let zoom = state.zoomed && state.focus == pane ? " [zoom]" : ""
        let number = "\(pane.rawValue + 1) "
        switch pane {
        case .topics:
            return number + "Topics (\(state.topicRows.count))" + zoom
        case .partitions:
            return number + "Partitions: \(state.selectedTopic ?? "none") (\(state.partitionRows.count))" + zoom
        case .offsets:
            return number + "Offsets: \(state.selectedTopic ?? "none")" + zoom
        case .send:
            return number + "Send to \(state.selectedTopic ?? "(no topic)")" + zoom
        case .tail:
            guard let request = state.tail.request else { return number + "Tail" + zoom }
            let partition = request.partition.map { "[\($0)]" } ?? " all partitions"
            return number + "Tail: \(request.topic)\(partition)" + zoom
        case .groups:
            let count = state.groups.snapshot == nil ? "" : " (\(state.groups.rows.count))"
            return number + "Consumer groups" + count + zoom
        case .brokers:
            return number + "Brokers (\(state.brokers.rows(cluster: state.cluster).count))" + zoom
        case .configs:
            return number + "Config: \(state.selectedTopic ?? "none")" + zoom
        }
    }
}
