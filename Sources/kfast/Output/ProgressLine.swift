import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Counts a long command updates from its hot loop (plain atomics, no lock).
final class ProgressCounts: Sendable {
    let done = Atomic<Int>(0)
    let errors = Atomic<Int>(0)
    /// Of `total` when the end is known in some unit (messages, input bytes).
    let position = Atomic<Int>(0)
}

/// A one-line progress display on stderr, redrawn a few times a second, for work that takes a
/// while (`bench`, `produce` from a large input, `consume -e` of a large topic): messages, rate,
/// elapsed time, ETA where the end is known, errors so far. Only when stderr is a terminal: in a
/// pipe or a file nothing extra is written, so stderr keeps its one line per event.
final class ProgressLine: Sendable {
    let counts = ProgressCounts()
    private let label: String
    /// The end of `counts.position` when known (nil: no ETA).
    private let total: Atomic<Int>
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// Whether a line is on the screen, and whether `finish` came: a redraw under way when
    /// `finish` erases must not draw the line again after it.
    private let screen = Mutex<(drawn: Bool, finished: Bool)>((false, false))

    /// What a redraw shows, when the command keeps its counts elsewhere (the connector's).
    struct Sample {
        var done: Int
        var errors: Int
        var position: Int
    }

    private let sample: (@Sendable () -> Sample)?

    /// `total`: where the position ends (messages, bytes), 0 when unknown. `sample`: where the
    /// counts come from, when not from `counts`.
    init(label: String, total: Int = 0, sample: (@Sendable () -> Sample)? = nil) {
        self.label = label
        self.total = Atomic(total)
        self.sample = sample
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// The end, once learnt later (a consumer learns the high watermarks from its first fetch).
    func setTotal(_ value: Int) { total.store(value, ordering: .relaxed) }

    /// Starts redrawing every `interval` when stderr is a terminal; a no-op otherwise.
    func start(interval: Duration = .milliseconds(250)) {
        guard Self.stderrIsTerminal else { return }
        let started = ContinuousClock.now
        let redraw = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                draw(elapsed: ContinuousClock.now - started)
            }
        }
        task.withLock { $0 = redraw }
    }

    /// Stops and erases the line, so what is printed next starts on a clean line.
    func finish() {
        task.withLock { $0.take() }?.cancel()
        screen.withLock { screen in
            if screen.drawn { Output.writeRaw("\r\u{1B}[2K", to: 2) }
            screen.finished = true
        }
    }

    private func draw(elapsed: Duration) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let now = sample?() ?? Sample(
            done: counts.done.load(ordering: .relaxed), errors: counts.errors.load(ordering: .relaxed),
            position: counts.position.load(ordering: .relaxed))
        let done = now.done
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var line = "\(label): \(Self.compact(Double(done))) msgs  \(Self.compact(rate)) msg/s  \(Self.clock(seconds))"
        let end = total.load(ordering: .relaxed)
        let position = now.position
        if end > 0, position > 0, seconds > 0 {
            let remaining = Double(max(end - position, 0)) / (Double(position) / seconds)
            line += "  ETA \(Self.clock(remaining))"
        }
        line += "  errors \(now.errors)"
        screen.withLock { screen in
            guard !screen.finished else { return }
            Output.writeRaw("\r\u{1B}[2K" + line, to: 2)
            screen.drawn = true
        }
    }

    /// 950, 12.3k, 4.56M.
    static func compact(_ value: Double) -> String {
        switch value {
        case ..<1_000: return String(Int(value))
        case ..<1_000_000: return format1(value / 1_000) + "k"
        default: return format1(value / 1_000_000) + "M"
        }
    }

    private static func format1(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// 00:07, 12:03, 1:02:03.
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let whole = Int(min(seconds, 359_999))
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(rest))" : "\(two(minutes)):\(two(rest))"
    }
}
