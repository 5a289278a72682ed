import CNcursesw

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the terminal could not be set up.
public struct TerminalError: Error, CustomStringConvertible {
    public var description: String
}

/// The ncursesw backend: sets the terminal up, writes changed canvas cells with wide-character calls,
/// decodes keys, and puts the terminal back on `shutdown`. The only file that talks to ncurses.
public final class NcursesScreen: TerminalScreen {
    private let window: UnsafeMutablePointer<WINDOW>
    private var isShutDown = false
    private var repaintEverything = true
    private var colorPairs: [Int32: Int16] = [:]
    private var nextColorPair: Int16 = 1
    private let hasDefaultColors: Bool
    private let colorCount: Int
    /// Reused for every cell: a grapheme's scalars plus the terminating zero.
    private var graphemeBuffer = [wchar_t](repeating: 0, count: 16)

    public private(set) var size: TerminalSize
    public let supportsColor: Bool
    public let supportsUnicode: Bool

    public init() throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw TerminalError(description: "the dashboard needs a terminal (stdin and stdout must be a tty)")
        }
        _ = kf_setlocale_from_environment()
        supportsUnicode = kf_locale_is_utf8() != 0
        guard kf_newterm() != nil, let window = kf_stdscr() else {
            let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
            throw TerminalError(description: "ncurses cannot drive this terminal (TERM=\(term))")
        }
        self.window = window
        cbreak()
        noecho()
        nonl()  // Enter arrives as CR, kept apart from Ctrl-J
        keypad(window, true)
        intrflush(window, false)
        set_escdelay(25)  // Esc is a key here, not only the start of a sequence; don't wait a second for it
        curs_set(0)
        var colors = false
        var defaults = false
        if has_colors() {
            colors = start_color() == OK
            defaults = colors && use_default_colors() == OK
        }
        supportsColor = colors && kf_colors() >= 8
        hasDefaultColors = defaults
        colorCount = Int(kf_colors())
        size = TerminalSize(columns: Int(kf_cols()), rows: Int(kf_lines()))
    }

    deinit { shutdown() }

    public func shutdown() {
        guard !isShutDown else { return }
        isShutDown = true
        curs_set(1)
        endwin()
    }

    public func invalidate() { repaintEverything = true }

    /// OSC 52, written straight to the terminal after ncurses has flushed the frame: an escape that
    /// moves no cursor and draws nothing, so the screen ncurses believes it shows stays true.
    public func copyToClipboard(_ bytes: [UInt8]) {
        guard !isShutDown else { return }
        let sequence = Array("\u{1B}]52;c;\(Base64.encode(bytes))\u{07}".utf8)
        sequence.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    // MARK: - Output

    public func present(_ canvas: Canvas, previous: Canvas?) {
        let sameShape = previous.map { $0.columns == canvas.columns && $0.rows == canvas.rows } ?? false
        let everything = repaintEverything || !sameShape
        if everything {
            werase(window)
            clearok(window, true)
        }
        let columns = min(canvas.columns, Int(kf_cols())), rows = min(canvas.rows, Int(kf_lines()))
        for y in 0..<rows {
            let rowStart = y * canvas.columns
            for x in 0..<columns {
                let cell = canvas.cells[rowStart + x]
                if cell.isContinuation { continue }
                if !everything, let previous, cell == previous.cells[rowStart + x] {
                    // A wide character's right half can change on its own only if the left half did too.
                    continue
                }
                if x + Int(cell.width) > columns { continue }
                draw(cell, canvas: canvas, x: x, y: y)
            }
        }
        repaintEverything = false
        wnoutrefresh(window)
        doupdate()
    }

    private func draw(_ cell: Cell, canvas: Canvas, x: Int, y: Int) {
        var count = 0
        if cell.content >= Cell.clusterTag {
            for scalar in canvas.text(of: cell).unicodeScalars.prefix(graphemeBuffer.count - 1) {
                graphemeBuffer[count] = wchar_t(bitPattern: scalar.value)
                count += 1
            }
        } else {
            graphemeBuffer[0] = wchar_t(bitPattern: cell.content)
            count = 1
        }
        graphemeBuffer[count] = 0
        let (attributes, pair) = attributesAndPair(for: cell.style)
        // Writing the bottom-right cell reports an error (the cursor cannot advance) but draws it.
        _ = graphemeBuffer.withUnsafeBufferPointer { buffer in
            kf_put_cell(window, Int32(y), Int32(x), buffer.baseAddress, attributes, pair)
        }
    }

    private func attributesAndPair(for style: Style) -> (attr_t, Int16) {
        var attributes = kf_attr_normal()
        if style.attributes.contains(.bold) { attributes |= kf_attr_bold() }
        if style.attributes.contains(.dim) { attributes |= kf_attr_dim() }
        if style.attributes.contains(.reverse) { attributes |= kf_attr_reverse() }
        if style.attributes.contains(.underline) { attributes |= kf_attr_underline() }
        guard supportsColor, style.foreground != .default || style.background != .default else {
            return (attributes, 0)
        }
        return (attributes, colorPair(foreground: style.foreground, background: style.background))
    }

    /// Pairs are allocated as styles first appear; when the terminal runs out, text falls back to defaults.
    private func colorPair(foreground: TerminalColor, background: TerminalColor) -> Int16 {
        let key = Int32(foreground.index + 1) << 16 | Int32(background.index + 1)
        if let pair = colorPairs[key] { return pair }
        guard Int32(nextColorPair) < kf_color_pairs() else { return 0 }
        let pair = nextColorPair
        nextColorPair += 1
        init_pair(pair, terminalColor(foreground, isForeground: true), terminalColor(background, isForeground: false))
        colorPairs[key] = pair
        return pair
    }

    /// Maps a theme colour onto what this terminal has: bright colours fold onto the basic eight (with
    /// bright black as white, so it stays visible on a dark background).
    private func terminalColor(_ color: TerminalColor, isForeground: Bool) -> Int16 {
        if color.index < 0 {
            return hasDefaultColors ? -1 : (isForeground ? 7 : 0)
        }
        if Int(color.index) < colorCount { return color.index }
        if (8...15).contains(color.index) { return color.index == 8 ? 7 : color.index - 8 }
        return isForeground ? 7 : 0
    }

    // MARK: - Input

    public func readInput(timeoutMillis: Int) -> TerminalInput? {
        wtimeout(window, Int32(timeoutMillis))
        var character: wint_t = 0
        let result = wget_wch(window, &character)
        if result == ERR { return nil }
        if result == KEY_CODE_YES {
            if Int32(character) == KEY_RESIZE {
                size = TerminalSize(columns: Int(kf_cols()), rows: Int(kf_lines()))
                return .resize(size)
            }
            return NcursesKeys.functionKey(Int32(character)).map(TerminalInput.key)
        }
        return NcursesKeys.characterKey(UInt32(character)).map(TerminalInput.key)
    }
}
