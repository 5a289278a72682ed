
/// Runs the dashboard in the terminal until the user quits.
///
///     let status = try await DashboardApp.run(source: myAdapter, options: options)
///
/// The screen loop runs on a thread of its own (ncurses is not thread-safe, and its input wait would
/// otherwise hold a thread of the small cooperative pool); the data source is only called from
/// background tasks.
public enum DashboardApp {
    /// Returns the exit status: 0 after `q`, 128 + the signal number after SIGINT, SIGTERM or SIGHUP.
    public static func run(source: some DashboardDataSource, options: DashboardOptions) async throws -> Int32 {
        try await run(source: source, options: options) { try NcursesScreen() }
    }

    /// Same, with a chosen screen: tests drive the loop with a scripted one.
    public static func run<Source: DashboardDataSource>(
        source: Source, options: DashboardOptions,
        makeScreen: @escaping @Sendable () throws -> any TerminalScreen
    ) async throws -> Int32 {
        let inbox = EventInbox()
        let tailCollector = TailCollector(limit: max(100, options.tailDisplayBudgetPerSecond * 2))
        let work = BackgroundWork(source: source, options: options, inbox: inbox, tailCollector: tailCollector)
        let (effects, effectSink) = AsyncStream<DashboardEffect>.makeStream()
        let signals = SignalWatcher()
        defer { signals.stop() }
        work.start(effects: effects)
        if let load = options.initialLoadGenerator, !options.readOnly { effectSink.yield(.setLoadGenerator(load)) }

        let outcome: LoopOutcome = try await withCheckedThrowingContinuation { continuation in
            let started = UIThread.start(name: "kfast-dash-ui", stackSize: 4 << 20) {
                do {
                    let loop = try ScreenLoop(
                        screen: makeScreen(), options: options, inbox: inbox, tailCollector: tailCollector,
                        effectSink: effectSink, signals: signals)
                    continuation.resume(returning: loop.run())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            if let failure = started { continuation.resume(throwing: failure) }
        }
        effectSink.finish()
        work.stop()
        if outcome.loadGeneratorRunning { await source.setLoadGenerator(nil) }
        return outcome.exitStatus
    }
}

struct LoopOutcome: Sendable {
    var exitStatus: Int32
    var loadGeneratorRunning: Bool
}

/// The UI thread's loop: read keys, take what background tasks delivered, tick, render, flush.
final class ScreenLoop {
    private let screen: any TerminalScreen
    private let options: DashboardOptions
    private let inbox: EventInbox
    private let tailCollector: TailCollector
    private let effectSink: AsyncStream<DashboardEffect>.Continuation
    private let signals: SignalWatcher
    private let reducer = DashboardReducer()
    private let renderer: DashboardRenderer
    private var state: DashboardState
    private var exitStatus: Int32?
    /// Two canvases used in turn: one is drawn while the other still holds what the terminal shows.
    private var shown: Canvas
    private var drawing: Canvas
    private var shownIsValid = false

    /// Longest wait for input, so data from background tasks shows up promptly.
    private static let inputWaitMillis = 30
    /// Keys handled per turn before drawing, so holding a key down cannot starve the screen.
    private static let keysPerTurn = 64

    init(
        screen: any TerminalScreen, options: DashboardOptions, inbox: EventInbox, tailCollector: TailCollector,
        effectSink: AsyncStream<DashboardEffect>.Continuation, signals: SignalWatcher
    ) {
        self.screen = screen
        self.options = options
        self.inbox = inbox
        self.tailCollector = tailCollector
        self.effectSink = effectSink
        self.signals = signals
        let (theme, warning) = ThemeLoader.resolve(
            requested: options.theme, forceMonochrome: options.monochrome, terminalHasColor: screen.supportsColor)
        renderer = DashboardRenderer(theme: theme)
        let glyphs: Glyphs = options.asciiOnly || !screen.supportsUnicode ? .ascii : .unicode
        shown = Canvas(columns: 0, rows: 0, glyphs: glyphs)
        drawing = Canvas(columns: 0, rows: 0, glyphs: glyphs)
        state = DashboardState(
            size: screen.size, tailCapacity: options.tailCapacity,
            tailDisplayBudgetPerSecond: options.tailDisplayBudgetPerSecond)
        state.utcOffsetSeconds = LocalTimeZone.utcOffsetSeconds()
        state.nowMillis = WallClock.nowMillis()
        state.selectedTopic = options.initialTopic
        state.readOnly = options.readOnly
        state.readOnlyReason = options.readOnlyReason
        state.connection = options.connection
        if let warning { state.status = StatusEvent(.warning, warning, atMillis: state.nowMillis) }
        if let template = options.sendTemplate {
            do {
                state.sendForm = try SendTemplate.load(template)
            } catch {
                state.status = StatusEvent(.warning, "\(error)", atMillis: state.nowMillis)
            }
        }
        if let load = options.initialLoadGenerator, !options.readOnly {
            state.loadGenerator = load
            state.sendForm.loadRate = String(load.messagesPerSecond)
            state.sendForm.loadSize = String(load.messageSize)
            state.sendForm.codec = load.codec
        }
    }

    func run() -> LoopOutcome {
        defer { screen.shutdown() }
        var nextTick = state.nowMillis
        draw()
        while exitStatus == nil {
            var changed = false
            let now = WallClock.nowMillis()
            var input = screen.readInput(timeoutMillis: Int(max(0, min(Int64(Self.inputWaitMillis), nextTick - now))))
            var handled = 0
            while let event = input, exitStatus == nil {
                switch event {
                case .key(let key): apply(.key(key))
                case .resize(let size):
                    screen.invalidate()
                    apply(.resize(size))
                }
                changed = true
                handled += 1
                input = handled < Self.keysPerTurn ? screen.readInput(timeoutMillis: 0) : nil
            }
            // Data is taken in as it comes but drawn at the next tick: a busy tail or a stream of
            // snapshots would otherwise redraw every turn of this loop. Keys are drawn at once.
            for event in inbox.drain() { apply(event) }
            if let batch = tailCollector.drain() {
                apply(.consumed(generation: batch.generation, messages: batch.messages, received: batch.received,
                                skipped: batch.skipped))
            }
            let afterInput = WallClock.nowMillis()
            if afterInput >= nextTick {
                apply(.tick(nowMillis: afterInput))
                nextTick = afterInput + Int64(options.refreshMillis)
                changed = true
            }
            if let signal = signals.receivedSignal { exitStatus = 128 + signal }
            if changed && exitStatus == nil { draw() }
        }
        return LoopOutcome(exitStatus: exitStatus ?? 0, loadGeneratorRunning: state.loadGenerator != nil)
    }

    private func apply(_ event: DashboardEvent) {
        for effect in reducer.reduce(&state, event) {
            switch effect {
            case .quit: exitStatus = 0
            case .redrawAll: screen.invalidate()
            case .copyToClipboard(let bytes): screen.copyToClipboard(bytes)
            default: effectSink.yield(effect)
            }
        }
    }

    private func draw() {
        renderer.render(state, into: &drawing)
        screen.present(drawing, previous: shownIsValid ? shown : nil)
        swap(&shown, &drawing)
        shownIsValid = true
    }
}
