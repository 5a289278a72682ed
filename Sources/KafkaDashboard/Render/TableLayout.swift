/// Column placement for the list views (groups, brokers, configuration): keep the most important
/// columns that fit, give spare room to the flexible ones, draw the header. Only visible rows are
/// formatted by the views, so a frame's cost does not grow with the list.
struct TableColumnSpec {
    let header: String
    let width: Int
    /// Lower is kept longer when the pane is narrow.
    let priority: Int
    var rightAligned = false
    /// Takes spare room, up to `maximumWidth`.
    var maximumWidth: Int?
}

struct PlacedTableColumn {
    /// Index into the specs the view passed.
    let index: Int
    let x: Int
    let width: Int
    let rightAligned: Bool
}

enum TableLayout {
    static func place(_ specs: [TableColumnSpec], width: Int) -> [PlacedTableColumn] {
        var chosen: [(index: Int, width: Int)] = []
        var used = 0
        for index in specs.indices.sorted(by: { specs[$0].priority < specs[$1].priority }) {
            let separator = chosen.isEmpty ? 0 : 1
            guard used + specs[index].width + separator <= width else { continue }
            chosen.append((index, specs[index].width))
            used += specs[index].width + separator
        }
        chosen.sort { $0.index < $1.index }
        var spare = width - used
        for position in chosen.indices {
            guard let maximum = specs[chosen[position].index].maximumWidth else { continue }
            let extra = min(spare, max(0, maximum - chosen[position].width))
            chosen[position].width += extra
            spare -= extra
        }
        var x = 0
        return chosen.map { column in
            defer { x += column.width + 1 }
            return PlacedTableColumn(index: column.index, x: x, width: column.width,
                                     rightAligned: specs[column.index].rightAligned)
        }
    }

    static func drawHeader(
        _ specs: [TableColumnSpec], _ columns: [PlacedTableColumn], sorted: Int? = nil, descending: Bool = false,
        x: Int, y: Int, theme: Theme, into canvas: inout Canvas
    ) {
        for column in columns {
            var title = specs[column.index].header
            let isSorted = column.index == sorted
            if isSorted {
                let arrow = canvas.glyphs.isASCII ? (descending ? "v" : "^") : (descending ? "▼" : "▲")
                title = column.rightAligned ? arrow + title : title + arrow
            }
            cell(title, column, x: x, y: y, style: isSorted ? theme[.columnHeaderSorted] : theme[.columnHeader],
                 into: &canvas)
        }
    }

    /// One cell's text, clipped to its column.
    static func cell(_ text: String, _ column: PlacedTableColumn, x: Int, y: Int, style: Style, into canvas: inout Canvas) {
        if column.rightAligned {
            canvas.putRight(text, rightEdge: x + column.x + column.width, y: y, style: style, maxWidth: column.width)
        } else {
            canvas.put(text, x: x + column.x, y: y, style: style, maxWidth: column.width)
        }
    }

    /// The rows of a list drawn in `visible` lines: from the cursor's top, without blank lines at
    /// the end while there are rows above.
    static func visibleRange(count: Int, cursor: ListCursor, visible: Int) -> Range<Int> {
        let first = min(cursor.top, max(0, count - visible))
        return first..<max(first, min(count, first + max(0, visible)))
    }

    /// The style of a row, with the selection bar drawn under it when it is the selected one.
    static func rowStyle(
        selected: Bool, pane: Pane, base: Style, context: RenderContext, x: Int, y: Int, width: Int, into canvas: inout Canvas
    ) -> Style {
        guard selected else { return base }
        let style = context.selectionStyle(for: pane)
        canvas.fill(Rect(x: x, y: y, width: width, height: 1), style: style)
        return style
    }

    /// The filter line some lists show above their header: "/text" (with a cursor while typing).
    /// Returns the rows it took.
    static func drawFilter(
        _ filter: String, editing: TextEntry?, in rect: Rect, y: Int, theme: Theme, into canvas: inout Canvas
    ) -> Int {
        guard !filter.isEmpty || editing != nil else { return 0 }
        let style = editing != nil ? theme[.editing] : theme[.accent]
        let text = "/" + (editing.map { $0.text + "_" } ?? filter)
        canvas.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: style)
        canvas.put(text, x: rect.x, y: y, style: style, maxWidth: rect.width)
        return 1
    }
}
