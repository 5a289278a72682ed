/// A selection in a scrolling list: which row is selected and which row is at the top of the view.
public struct ListCursor: Equatable, Sendable {
    public var selected = 0
    public var top = 0

    public init(selected: Int = 0, top: Int = 0) {
        self.selected = selected
        self.top = top
    }

    /// Moves by `delta` rows and scrolls just enough to keep the selection visible.
    public mutating func move(by delta: Int, count: Int, visibleRows: Int) {
        selected = selected + delta
        clamp(count: count, visibleRows: visibleRows)
    }

    public mutating func moveToTop() { selected = 0; top = 0 }

    public mutating func moveToBottom(count: Int, visibleRows: Int) {
        selected = count - 1
        clamp(count: count, visibleRows: visibleRows)
    }

    /// Keeps the cursor inside the list and on screen, e.g. after the list shrank or the window was resized.
    public mutating func clamp(count: Int, visibleRows: Int) {
        guard count > 0 else { selected = 0; top = 0; return }
        selected = min(max(0, selected), count - 1)
        let rows = max(1, visibleRows)
        if selected < top { top = selected }
        if selected >= top + rows { top = selected - rows + 1 }
        top = min(max(0, top), max(0, count - rows))
    }
}
