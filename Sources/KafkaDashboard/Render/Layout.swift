/// A rectangle of character cells.
public struct Rect: Equatable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public static let empty = Rect(x: 0, y: 0, width: 0, height: 0)

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    public func inset(by amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }

    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(maxX, other.maxX), bottom = min(maxY, other.maxY)
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }
}

/// Where everything goes for a given terminal size. Shared by the renderer (to draw) and the reducer
/// (to know how many rows a page is), so scrolling and drawing always agree.
public struct DashboardLayout: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        /// All panes side by side.
        case full
        /// One pane at a time under a tab strip, for narrow or short terminals.
        case stacked
        /// Below the minimum: only a "terminal too small" message.
        case tooSmall
    }

    /// Below this nothing useful fits.
    public static let minimumSize = TerminalSize(columns: 30, rows: 8)
    /// Below this the panes stack.
    public static let fullLayoutMinimum = TerminalSize(columns: 80, rows: 22)

    public var mode: Mode
    public var header = Rect.empty
    public var tabStrip: Rect?
    public var body = Rect.empty
    public var status = Rect.empty
    public var hints = Rect.empty
    private var paneRects: [Rect?] = Array(repeating: nil, count: Pane.allCases.count)

    public func rect(for pane: Pane) -> Rect? { paneRects[pane.rawValue] }

    public var visiblePanes: [Pane] { Pane.allCases.filter { rect(for: $0) != nil } }

    public init(size: TerminalSize, focus: Pane, slotPane: Pane, zoomed: Bool) {
        let columns = size.columns, rows = size.rows
        if columns < Self.minimumSize.columns || rows < Self.minimumSize.rows {
            mode = .tooSmall
            return
        }
        status = Rect(x: 0, y: rows - 2, width: columns, height: 1)
        hints = Rect(x: 0, y: rows - 1, width: columns, height: 1)
        let stacked = columns < Self.fullLayoutMinimum.columns || rows < Self.fullLayoutMinimum.rows
        if stacked {
            mode = .stacked
            header = Rect(x: 0, y: 0, width: columns, height: 1)
            tabStrip = Rect(x: 0, y: 1, width: columns, height: 1)
            body = Rect(x: 0, y: 2, width: columns, height: rows - 4)
            paneRects[focus.rawValue] = body
            return
        }
        mode = .full
        header = Rect(x: 0, y: 0, width: columns, height: 2)
        body = Rect(x: 0, y: 2, width: columns, height: rows - 4)
        if zoomed {
            paneRects[focus.rawValue] = body
            return
        }
        let leftWidth = min(44, max(28, columns * 3 / 10))
        let topHeight = max(6, body.height / 2)
        let slot = focus.sharesSlotWithPartitions ? focus : slotPane
        paneRects[Pane.topics.rawValue] = Rect(x: 0, y: body.y, width: leftWidth, height: topHeight)
        paneRects[Pane.send.rawValue] = Rect(
            x: 0, y: body.y + topHeight, width: leftWidth, height: body.height - topHeight)
        paneRects[slot.rawValue] = Rect(x: leftWidth, y: body.y, width: columns - leftWidth, height: topHeight)
        paneRects[Pane.tail.rawValue] = Rect(
            x: leftWidth, y: body.y + topHeight, width: columns - leftWidth, height: body.height - topHeight)
    }

    public init(for state: DashboardState) {
        self.init(size: state.size, focus: state.focus, slotPane: state.slotPane, zoomed: state.zoomed)
    }

    /// Rows a pane has for list entries: inside the border, below its fixed header lines.
    public func listRows(for pane: Pane, state: DashboardState) -> Int {
        guard let rect = rect(for: pane) else { return 1 }
        let inner = rect.height - 2
        switch pane {
        case .topics:
            let filterLine = !state.topicFilter.isEmpty || state.textEntry?.purpose == .topicFilter
            return max(1, inner - 1 - (filterLine ? 1 : 0))
        case .partitions: return max(1, inner - 1)
        case .offsets: return max(1, inner - 2)
        case .send: return max(1, inner)
        case .tail: return max(1, inner - 2)
        case .groups:
            let filterLine = !state.groups.filter.isEmpty || state.textEntry?.purpose == .groupFilter
            return max(1, inner - 1 - (filterLine ? 1 : 0))
        case .brokers: return max(1, inner - 2)
        case .configs:
            let filterLine = !state.configs.filter.isEmpty || state.textEntry?.purpose == .configFilter
            return max(1, inner - 2 - (filterLine ? 1 : 0))
        }
    }

    /// The centred box used by the help and message overlays.
    public func overlayRect(size: TerminalSize) -> Rect {
        let width = min(size.columns, max(min(size.columns, 40), size.columns * 9 / 10))
        // Leaves the status line and the hint bar visible: an action's outcome shows there.
        let height = max(3, size.rows - 3)
        return Rect(x: (size.columns - width) / 2, y: 1, width: width, height: height)
    }
}
