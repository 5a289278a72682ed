/// One character cell of the canvas.
public struct Cell: Equatable, Sendable {
    /// The scalar value for a single-scalar character; `Cell.clusterTag + n` for the n-th entry of the
    /// canvas's cluster table (characters with combining marks, joined emoji, ...).
    public var content: UInt32
    /// 1 or 2 where a character starts; 0 for the right half of a wide character.
    public var width: UInt8
    public var style: Style

    public static let clusterTag: UInt32 = 0x20_0000
    public static let blank = Cell(content: 0x20, width: 1, style: .plain)

    public var isContinuation: Bool { width == 0 }
}

extension Canvas: CustomStringConvertible {
    /// The rendered text, so a failing test prints the screen rather than every cell.
    public var description: String { renderedText().joined(separator: "\n") }
}

/// An in-memory screen: a grid of cells the renderer draws into and the backend copies to the terminal.
///
/// Drawing never goes outside `clip`, never splits a wide character, and measures text in display columns
/// (see `DisplayWidth`). The grid is a flat array reused from frame to frame.
public struct Canvas: Sendable {
    public private(set) var columns: Int
    public private(set) var rows: Int
    public private(set) var cells: [Cell]
    /// Characters of more than one scalar, referenced from `Cell.content`.
    public private(set) var clusters: [String] = []
    public var clip: Rect
    public var glyphs: Glyphs {
        didSet { narrowGlyphs = NarrowGlyphs(glyphs) }
    }
    /// The glyphs drawn thousands of times a frame, as scalars for `put(narrow:)`.
    private(set) var narrowGlyphs: NarrowGlyphs

    public init(columns: Int, rows: Int, glyphs: Glyphs = .unicode) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        self.cells = Array(repeating: .blank, count: self.columns * self.rows)
        self.clip = Rect(x: 0, y: 0, width: self.columns, height: self.rows)
        self.glyphs = glyphs
        narrowGlyphs = NarrowGlyphs(glyphs)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: columns, height: rows) }

    /// Clears to blanks in `style`, resizing first if needed; keeps the storage.
    public mutating func reset(columns newColumns: Int, rows newRows: Int, style: Style = .plain) {
        let blank = Cell(content: 0x20, width: 1, style: style)
        if newColumns != columns || newRows != rows {
            columns = max(0, newColumns)
            rows = max(0, newRows)
            cells.removeAll(keepingCapacity: true)
            cells.append(contentsOf: repeatElement(blank, count: columns * rows))
        } else {
            cells.withUnsafeMutableBufferPointer { $0.update(repeating: blank) }
        }
        clusters.removeAll(keepingCapacity: true)
        clip = bounds
    }

    public func cell(x: Int, y: Int) -> Cell { cells[y * columns + x] }

    /// The text a cell shows (empty for the right half of a wide character).
    public func text(of cell: Cell) -> String {
        if cell.isContinuation { return "" }
        if cell.content >= Cell.clusterTag { return clusters[Int(cell.content - Cell.clusterTag)] }
        return String(Character(Unicode.Scalar(cell.content) ?? "?"))
    }

    /// Runs `body` with drawing limited to `rect` (within the current clip), then restores the clip.
    public mutating func clipped(to rect: Rect, _ body: (inout Canvas) -> Void) {
        let saved = clip
        clip = clip.intersection(rect)
        body(&self)
        clip = saved
    }

    // MARK: - Drawing

    public mutating func fill(_ rect: Rect, style: Style, with character: Character = " ") {
        let area = rect.intersection(clip)
        guard !area.isEmpty else { return }
        let scalar = character.unicodeScalars.first!.value
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { write(content: scalar, width: 1, x: x, y: y, style: style) }
        }
    }

    /// Draws text from (x, y), at most `maxWidth` columns and never past the clip. Text that does not fit
    /// ends in an ellipsis (or is just cut with `ellipsis: false`); a wide character that would straddle
    /// the edge is left out and the gap padded. Control characters, and with ASCII glyphs every non-ASCII
    /// character, show as "?". Returns the columns used.
    @discardableResult
    public mutating func put(
        _ text: some StringProtocol, x: Int, y: Int, style: Style, maxWidth: Int = Int.max, ellipsis: Bool = true
    ) -> Int {
        guard y >= clip.y, y < clip.maxY, x < clip.maxX, maxWidth > 0 else { return 0 }
        // One pass tells ASCII text apart and measures it (what `DisplayWidth.of` would count).
        var isASCII = true
        var asciiWidth = 0
        for byte in text.utf8 {
            if byte >= 0x80 {
                isASCII = false
                break
            }
            if byte >= 0x20 && byte < 0x7F { asciiWidth += 1 }
        }
        if !isASCII && glyphs.isASCII {
            // A terminal without Unicode cannot show CJK keys or emoji either; say "?" in one column each.
            let replaced = String(text.map { $0.isASCII ? $0 : "?" })
            return put(replaced, x: x, y: y, style: style, maxWidth: maxWidth, ellipsis: ellipsis)
        }
        let limit = maxWidth >= clip.maxX - x ? clip.maxX : x + maxWidth
        let available = limit - x
        let total = isASCII ? asciiWidth : DisplayWidth.of(text)
        let truncated = total > available
        let contentLimit = truncated && ellipsis ? limit - 1 : limit
        var column = x
        if isASCII {
            column = writeASCII(text.utf8, x: x, y: y, end: contentLimit, style: style)
        } else {
            for character in text {
                let scalars = character.unicodeScalars
                let first = scalars.first!
                var width = DisplayWidth.of(first)
                var content = first.value
                if first.value < 0x20 || (first.value >= 0x7F && first.value < 0xA0) {
                    content = 0x3F
                    width = 1
                } else if scalars.index(after: scalars.startIndex) != scalars.endIndex {
                    content = Cell.clusterTag + UInt32(clusters.count)
                    clusters.append(String(character))
                }
                width = max(1, width)  // a stray combining mark still gets a cell of its own
                if column + width > contentLimit { break }
                write(content: content, width: UInt8(width), x: column, y: y, style: style)
                column += width
            }
        }
        if truncated {
            // "Terminal…" reads better than "Terminal …": let the ellipsis take a trailing space's place.
            if ellipsis, column > x, column - 1 >= clip.x, cells[y * columns + column - 1] == Cell(
                content: 0x20, width: 1, style: style)
            {
                column -= 1
            }
            if ellipsis && column < limit {
                write(content: glyphs.ellipsis.unicodeScalars.first!.value, width: 1, x: column, y: y, style: style)
                column += 1
            }
            while column < limit {
                write(content: 0x20, width: 1, x: column, y: y, style: style)
                column += 1
            }
        }
        return column - x
    }

    /// Draws text right-aligned so it ends at column `rightEdge` (exclusive).
    @discardableResult
    public mutating func putRight(_ text: some StringProtocol, rightEdge: Int, y: Int, style: Style, maxWidth: Int)
        -> Int
    {
        let width = min(DisplayWidth.of(text), maxWidth)
        return put(text, x: rightEdge - width, y: y, style: style, maxWidth: maxWidth)
    }

    /// One narrow single-scalar glyph (see `narrowScalar`): borders, bars and sparklines draw
    /// thousands a frame, and measuring each as text was a large part of one.
    mutating func put(narrow scalar: UInt32, x: Int, y: Int, style: Style) {
        write(content: scalar, width: 1, x: x, y: y, style: style)  // clips
    }

    /// A glyph through its cached narrow scalar (`narrowGlyphs`) when it has one, else as a character.
    mutating func put(_ glyph: Character, narrow scalar: UInt32?, x: Int, y: Int, style: Style) {
        if let scalar { put(narrow: scalar, x: x, y: y, style: style) } else { put(glyph, x: x, y: y, style: style) }
    }

    /// The scalar of a glyph that is one scalar one column wide, for `put(narrow:)`; nil otherwise.
    static func narrowScalar(_ character: Character) -> UInt32? {
        let scalars = character.unicodeScalars
        guard let first = scalars.first, scalars.index(after: scalars.startIndex) == scalars.endIndex,
              DisplayWidth.of(first) == 1 else { return nil }
        return first.value
    }

    public mutating func put(_ character: Character, x: Int, y: Int, style: Style) {
        guard y >= clip.y, y < clip.maxY, x >= clip.x, x < clip.maxX else { return }
        let scalars = character.unicodeScalars
        let first = scalars.first!
        let width = max(1, DisplayWidth.of(first))
        guard x + width <= clip.maxX else { return }
        var content = first.value
        if scalars.index(after: scalars.startIndex) != scalars.endIndex {
            content = Cell.clusterTag + UInt32(clusters.count)
            clusters.append(String(character))
        }
        write(content: content, width: UInt8(width), x: x, y: y, style: style)
    }

    /// A border around `rect` with an optional title in the top edge.
    public mutating func box(_ rect: Rect, style: Style, title: String? = nil, titleStyle: Style? = nil) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let g = glyphs
        let right = rect.maxX - 1, bottom = rect.maxY - 1
        let horizontal = narrowGlyphs.horizontal, vertical = narrowGlyphs.vertical
        for x in rect.x + 1..<right {
            put(g.horizontal, narrow: horizontal, x: x, y: rect.y, style: style)
            put(g.horizontal, narrow: horizontal, x: x, y: bottom, style: style)
        }
        for y in rect.y + 1..<bottom {
            put(g.vertical, narrow: vertical, x: rect.x, y: y, style: style)
            put(g.vertical, narrow: vertical, x: right, y: y, style: style)
        }
        put(g.topLeft, x: rect.x, y: rect.y, style: style)
        put(g.topRight, x: right, y: rect.y, style: style)
        put(g.bottomLeft, x: rect.x, y: bottom, style: style)
        put(g.bottomRight, x: right, y: bottom, style: style)
        if let title, rect.width > 4 {
            put(" \(title) ", x: rect.x + 1, y: rect.y, style: titleStyle ?? style, maxWidth: rect.width - 2)
        }
    }

    // MARK: - Cells

    /// Writes ASCII text from column `x` up to `end` (control bytes as "?"), skipping what lies left
    /// of the clip; returns the column after it. One run: only its two ends can cut a wide
    /// character that was there before, so only they are checked.
    private mutating func writeASCII(_ bytes: some Collection<UInt8>, x: Int, y: Int, end: Int, style: Style) -> Int {
        let stop = min(end, x + bytes.count)
        let first = max(x, clip.x)
        guard first < stop else { return max(x, stop) }
        let row = y * columns
        if cells[row + first].width == 0, first > 0 {
            cells[row + first - 1] = Cell(content: 0x20, width: 1, style: cells[row + first - 1].style)
        }
        if cells[row + stop - 1].width == 2, stop < columns {
            cells[row + stop] = Cell(content: 0x20, width: 1, style: cells[row + stop].style)
        }
        cells.withUnsafeMutableBufferPointer { cells in
            var column = x
            for byte in bytes {
                if column >= stop { break }
                if column >= first {
                    let printable = byte >= 0x20 && byte < 0x7F
                    cells[row + column] = Cell(content: printable ? UInt32(byte) : 0x3F, width: 1, style: style)
                }
                column += 1
            }
        }
        return stop
    }

    /// Writes one character, first blanking any wide character it would cut in half.
    @inline(__always)
    private mutating func write(content: UInt32, width: UInt8, x: Int, y: Int, style: Style) {
        guard x >= clip.x, x + Int(width) <= clip.maxX, y >= clip.y, y < clip.maxY else { return }
        let index = y * columns + x
        if cells[index].width == 0, x > 0 {
            cells[index - 1] = Cell(content: 0x20, width: 1, style: cells[index - 1].style)
        }
        let end = index + Int(width) - 1
        if cells[end].width == 2, x + Int(width) < columns {
            cells[end + 1] = Cell(content: 0x20, width: 1, style: cells[end + 1].style)
        }
        cells[index] = Cell(content: content, width: width, style: style)
        if width == 2 { cells[index + 1] = Cell(content: 0, width: 0, style: style) }
    }

    // MARK: - Reading back (tests, screenshots)

    /// Each row as plain text, trailing spaces removed.
    public func renderedText() -> [String] {
        (0..<rows).map { y in
            var line = row(y)
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// One row exactly as drawn, trailing spaces included.
    public func row(_ y: Int) -> String {
        var line = ""
        for x in 0..<columns {
            let cell = self.cell(x: x, y: y)
            if !cell.isContinuation { line += text(of: cell) }
        }
        return line
    }

    /// The style of the cell where `needle` first appears in row `y`, for colour checks in tests.
    public func style(ofFirst needle: String, inRow y: Int) -> Style? {
        var positions: [Int] = []
        var characters: [Character] = []
        for x in 0..<columns where !cell(x: x, y: y).isContinuation {
            positions.append(x)
            characters.append(Character(text(of: cell(x: x, y: y))))
        }
        let wanted = Array(needle)
        guard !wanted.isEmpty, wanted.count <= characters.count else { return nil }
        for start in 0...(characters.count - wanted.count)
        where characters[start..<start + wanted.count].elementsEqual(wanted) {
            return cell(x: positions[start], y: y).style
        }
        return nil
    }
}

/// Scalars of the glyphs drawn cell by cell (nil for one that is not a single narrow scalar, which
/// is then drawn as a character), found once per canvas instead of once per cell.
struct NarrowGlyphs: Sendable {
    let horizontal: UInt32?
    let vertical: UInt32?
    let sparkLevels: [UInt32?]
    let barEighths: [UInt32?]
    let barEmpty: UInt32?

    init(_ glyphs: Glyphs) {
        horizontal = Canvas.narrowScalar(glyphs.horizontal)
        vertical = Canvas.narrowScalar(glyphs.vertical)
        sparkLevels = glyphs.sparkLevels.map(Canvas.narrowScalar)
        barEighths = glyphs.barEighths.map(Canvas.narrowScalar)
        barEmpty = Canvas.narrowScalar(glyphs.barEmpty)
    }
}
