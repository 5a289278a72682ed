import KafkaDashboard

#if canImport(Glibc)
import Glibc
#endif

/// A terminal for `kfast dash-bench`: it takes keys from another thread, walks every frame's changed
/// cells and encodes them as the ncurses backend would hand them over, and notes when a key's effect
/// (the help overlay opening or closing) first reaches the screen. `@unchecked Sendable`: every
/// mutable field is touched only with `condition` locked (the keys come from another thread).
final class HeadlessScreen: TerminalScreen, @unchecked Sendable {
    let size: TerminalSize
    let supportsColor = true
    let supportsUnicode = true

    private let condition = ConditionLock()
    // Guarded by `condition`.
    private var pendingKeys: [(key: Key, at: UInt64)] = []
    private var awaiting: (expectHelp: Bool, at: UInt64)?
    private var latenciesNanos: [UInt64] = []
    private var uiThreadStartNanos: UInt64?
    private var uiThreadNanos: UInt64 = 0
    private var framesPresented = 0
    private var cellsWritten = 0
    private var helpShown = false

    /// Where changed cells are encoded, as ncurses would receive them; reused.
    private var sink: [UInt8] = []

    init(size: TerminalSize) {
        self.size = size
        sink.reserveCapacity(size.columns * size.rows * 4)
    }

    // MARK: - Driving it (any thread)

    /// Presses `?`; the screen measures when help is next shown (or hidden). Returns false while the
    /// previous press has not reached the screen yet.
    @discardableResult
    func pressHelp() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard awaiting == nil else { return false }
        let now = Self.monotonicNanos()
        pendingKeys.append((.character("?"), now))
        awaiting = (!helpShown, now)
        condition.signal()
        return true
    }

    func press(_ key: Key) {
        condition.lock()
        pendingKeys.append((key, Self.monotonicNanos()))
        condition.signal()
        condition.unlock()
    }

    struct Report {
        var keyLatenciesMillis: [Double]
        var uiThreadCPUSeconds: Double
        var frames: Int
        var cellsWritten: Int
    }

    func report() -> Report {
        condition.lock()
        defer { condition.unlock() }
        return Report(
            keyLatenciesMillis: latenciesNanos.map { Double($0) / 1e6 }, uiThreadCPUSeconds: Double(uiThreadNanos) / 1e9,
            frames: framesPresented, cellsWritten: cellsWritten)
    }

    // MARK: - TerminalScreen (the UI thread)

    func readInput(timeoutMillis: Int) -> TerminalInput? {
        condition.lock()
        defer { condition.unlock() }
        if uiThreadStartNanos == nil { uiThreadStartNanos = Self.threadCPUNanos() }
        if pendingKeys.isEmpty && timeoutMillis > 0 {
            condition.wait(millis: timeoutMillis)
        }
        guard !pendingKeys.isEmpty else { return nil }
        return .key(pendingKeys.removeFirst().key)
    }

    func present(_ canvas: Canvas, previous: Canvas?) {
        let sameShape = previous.map { $0.columns == canvas.columns && $0.rows == canvas.rows } ?? false
        sink.removeAll(keepingCapacity: true)
        var written = 0
        for index in canvas.cells.indices {
            let cell = canvas.cells[index]
            if cell.isContinuation { continue }
            if sameShape, let previous, cell == previous.cells[index] { continue }
            encode(cell, canvas: canvas)
            written += 1
        }
        condition.lock()
        defer { condition.unlock() }
        framesPresented += 1
        cellsWritten += written
        guard let (expectHelp, at) = awaiting else { return }
        let shows = Self.showsHelp(canvas)
        helpShown = shows
        if shows == expectHelp {
            latenciesNanos.append(Self.monotonicNanos() - at)
            awaiting = nil
        }
    }

    func invalidate() {}

    func copyToClipboard(_ bytes: [UInt8]) {}

    func shutdown() {
        condition.lock()
        defer { condition.unlock() }
        if let start = uiThreadStartNanos { uiThreadNanos = Self.threadCPUNanos() - start }
    }

    // MARK: -

    private func encode(_ cell: Cell, canvas: Canvas) {
        // A style change costs ncurses a few bytes of attributes; the character its UTF-8.
        sink.append(UInt8(truncatingIfNeeded: cell.style.foreground.index))
        if cell.content >= Cell.clusterTag {
            sink.append(contentsOf: canvas.text(of: cell).utf8)
        } else if let scalar = Unicode.Scalar(cell.content) {
            var utf8 = String(Character(scalar)).utf8.makeIterator()
            while let byte = utf8.next() { sink.append(byte) }
        }
    }

    /// The help overlay's title, in the top rows where the overlay's frame starts.
    private static func showsHelp(_ canvas: Canvas) -> Bool {
        (0..<min(4, canvas.rows)).contains { row in rowContainsHelpTitle(canvas, row: row) }
    }

    private static func rowContainsHelpTitle(_ canvas: Canvas, row: Int) -> Bool {
        let title = Array("Keys (Esc closes)".unicodeScalars)
        var matched = 0
        for x in 0..<canvas.columns {
            let cell = canvas.cell(x: x, y: row)
            if cell.content < Cell.clusterTag, matched < title.count, cell.content == title[matched].value {
                matched += 1
                if matched == title.count { return true }
            } else {
                matched = cell.content == title[0].value ? 1 : 0
            }
        }
        return false
    }

    static func monotonicNanos() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    static func threadCPUNanos() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
