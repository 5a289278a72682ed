/// Input from the terminal.
public enum TerminalInput: Equatable, Sendable {
    case key(Key)
    case resize(TerminalSize)
}

/// What the app loop needs from a terminal. `NcursesScreen` is the real one; tests drive the loop
/// with a scripted one. All calls come from the one UI thread.
public protocol TerminalScreen: AnyObject {
    var size: TerminalSize { get }
    var supportsColor: Bool { get }
    /// False when the locale is not UTF-8; the app then draws with ASCII glyphs.
    var supportsUnicode: Bool { get }
    /// Waits up to `timeoutMillis` (0: just looks) for a key or a resize.
    func readInput(timeoutMillis: Int) -> TerminalInput?
    /// Shows `canvas`. `previous` is what the last call showed, so only changed cells need writing;
    /// nil (or a different size) repaints everything.
    func present(_ canvas: Canvas, previous: Canvas?)
    /// Forgets what the terminal shows, so the next `present` repaints everything (Ctrl-L, resize).
    func invalidate()
    /// Puts `bytes` on the clipboard of the terminal (or of the terminal a multiplexer or SSH leads to)
    /// with the OSC 52 escape; terminals that do not take it ignore it.
    func copyToClipboard(_ bytes: [UInt8])
    /// Restores the terminal. Safe to call more than once.
    func shutdown()
}
