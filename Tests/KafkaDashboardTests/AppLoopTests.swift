import Synchronization
import Testing

@testable import KafkaDashboard

/// A terminal that plays back scripted input and records what it was asked to show.
private final class ScriptedScreen: TerminalScreen, @unchecked Sendable {
    // Only the UI thread touches these while the loop runs; the test reads them after it ended.
    var script: [(afterFrames: Int, input: TerminalInput)]
    /// Keys sent each once a frame shows what it waits for (used instead of `script` when given).
    var steps: [(when: ([String]) -> Bool, input: TerminalInput)] = []
    /// The script starts only once a presented frame satisfies this (the background data arrived),
    /// so a slow machine delays the keys instead of sending them before there is anything to see.
    let startWhen: ([String]) -> Bool
    private var started = false
    private var startFrame = 0
    var frames: [[String]] = []
    var invalidations = 0
    var shutdowns = 0
    var clipboard: [[UInt8]] = []
    private(set) var size = TerminalSize(columns: 100, rows: 30)
    let supportsColor = true
    let supportsUnicode = true

    init(script: [(afterFrames: Int, input: TerminalInput)], startWhen: @escaping ([String]) -> Bool = { _ in true }) {
        self.script = script
        self.startWhen = startWhen
    }

    init(steps: [(when: ([String]) -> Bool, input: TerminalInput)]) {
        self.script = []
        self.steps = steps
        self.startWhen = { _ in true }
    }

    func readInput(timeoutMillis: Int) -> TerminalInput? {
        if let step = steps.first {
            guard let last = frames.last, step.when(last) else { return nil }
            steps.removeFirst()
            return step.input
        }
        if !started, let last = frames.last, startWhen(last) {
            started = true
            startFrame = frames.count
        }
        guard started, let next = script.first, frames.count - startFrame >= next.afterFrames else { return nil }
        script.removeFirst()
        if case .resize(let newSize) = next.input { size = newSize }
        return next.input
    }

    func present(_ canvas: Canvas, previous: Canvas?) { frames.append(canvas.renderedText()) }
    func invalidate() { invalidations += 1 }
    func copyToClipboard(_ bytes: [UInt8]) { clipboard.append(bytes) }
    func shutdown() { shutdowns += 1 }
}

/// A data source that answers at once and remembers what it was asked.
private final class RecordingSource: DashboardDataSource {
    let tailRequests = Mutex<[TailRequest]>([])
    let loadSettings = Mutex<[LoadGeneratorSettings?]>([])

    func clusterSnapshot() async throws -> ClusterSnapshot { Fixtures.cluster() }
    func producerSnapshot() async -> ProducerSnapshot { Fixtures.producer() }
    func consumerSnapshot() async -> ConsumerSnapshot { ConsumerSnapshot() }
    func statusEvents() -> AsyncStream<StatusEvent> {
        AsyncStream { continuation in
            continuation.yield(StatusEvent(.error, "broker 127.0.0.1:9093 unreachable: connection refused",
                                           atMillis: Fixtures.now))
        }
    }
    func send(_ request: SendRequest) async -> SendResult {
        SendResult(requestID: request.id, outcome: .delivered(partition: 0, offset: 1))
    }
    func setLoadGenerator(_ settings: LoadGeneratorSettings?) async { loadSettings.withLock { $0.append(settings) } }
    func tail(_ request: TailRequest) -> AsyncThrowingStream<TailBatch, any Error> {
        tailRequests.withLock { $0.append(request) }
        return AsyncThrowingStream { continuation in
            continuation.yield(TailBatch(messages: [Fixtures.message(offset: 1, key: "キー", value: "値🙂", topic: request.topic)]))
        }
    }
    func groupOffsets(group: String, topic: String) async throws -> GroupOffsets {
        GroupOffsets(group: group, topic: topic, partitions: [])
    }

    let actions = Mutex<[AdminAction]>([])
    let saved = Mutex<[(String, Int)]>([])

    func brokerActivity() async -> [BrokerActivity] {
        [BrokerActivity(id: 1, address: "127.0.0.1:9092", state: .up, roundTripP99Millis: 2.5),
         BrokerActivity(id: 2, address: "127.0.0.1:9093", state: .down, errors: 3, lastFailure: "connection refused")]
    }
    func groups() async throws -> GroupsSnapshot {
        GroupsSnapshot(groups: [GroupSummary(id: "billing", state: "Stable", memberCount: 2, topics: ["orders"],
                                             committedTopics: ["orders"], totalLag: 42)])
    }
    func groupDetail(_ group: String) async throws -> GroupDetail {
        GroupDetail(group: group, state: "Stable", members: [
            .init(memberId: "m-1", clientId: "billing-1", host: "/10.0.0.7", assignment: [TopicPartition("orders", 0)]),
        ], partitions: [.init(topic: "orders", partition: 0, committed: 58, end: 100)])
    }
    func topicConfig(_ topic: String) async throws -> TopicConfig {
        TopicConfig(topic: topic, entries: [.init(name: "retention.ms", value: "123456", source: "topic", isDefault: false)])
    }
    func perform(_ action: AdminAction) async throws -> AdminOutcome {
        actions.withLock { $0.append(action) }
        return .done("done: \(action)")
    }
    func saveMessages(_ messages: [ConsumedMessage], to path: String) async throws -> String {
        saved.withLock { $0.append((path, messages.count)) }
        return "/abs/" + path
    }
}

@Suite struct AppLoopTests {
    @Test(.timeLimit(.minutes(1))) func quitsWithZeroAfterDrawingDataAndRestoresTheTerminal() async throws {
        let source = RecordingSource()
        // Once the cluster and the status event are on screen and the tail has started: open help, resize, start the load
        // generator and quit (the time limit bounds the wait on a loaded machine).
        let screen = ScriptedScreen(script: [
            (1, .key(.character("?"))),
            (2, .key(.escape)),
            (3, .resize(TerminalSize(columns: 60, rows: 20))),
            (4, .key(.character("4"))),
            (5, .key(.character("L"))),
            (6, .key(.character("q"))),
        ], startWhen: { frame in
            let text = frame.joined(separator: "\n")
            return text.contains("cluster test-cluster") && text.contains("unreachable: connection refused")
                && source.tailRequests.withLock { !$0.isEmpty }
        })
        var options = DashboardOptions()
        options.refreshMillis = 20
        options.metadataRefreshMillis = 100
        let status = try await DashboardApp.run(source: source, options: options) { screen }
        #expect(status == 0)
        #expect(screen.shutdowns == 1)
        #expect(screen.invalidations >= 1)  // the resize repaints everything
        let text = screen.frames.map { $0.joined(separator: "\n") }
        #expect(text.contains { $0.contains("cluster test-cluster") })
        #expect(text.contains { $0.contains("Keys (Esc closes)") })
        #expect(text.contains { $0.contains("unreachable: connection refused") })
        #expect(screen.frames.last?.count == 20)
        #expect(source.tailRequests.withLock { $0.first?.topic } == "big")
        // The running load generator is stopped on the way out.
        #expect(source.loadSettings.withLock { $0.count == 2 && $0.last! == nil })
    }

    @Test(.timeLimit(.minutes(1))) func aLoadGeneratorStartedByOptionShowsFromTheFirstFrameAndKeysStopIt() async throws {
        let screen = ScriptedScreen(script: [(20, .key(.character("4"))), (21, .key(.character("L"))),
                                             (22, .key(.character("q")))])
        let source = RecordingSource()
        var options = DashboardOptions()
        options.refreshMillis = 20
        options.initialTopic = "big"
        let load = LoadGeneratorSettings(topic: "big", messagesPerSecond: 75, messageSize: 64, codec: .lz4)
        options.initialLoadGenerator = load
        let status = try await DashboardApp.run(source: source, options: options) { screen }
        #expect(status == 0)
        let first = screen.frames.first?.joined(separator: "\n") ?? ""
        #expect(first.contains("LOAD ON"))
        #expect(first.contains("Load ON 75/s x 64 B"))
        // The form's load fields say what runs, so editing them retunes from there.
        #expect(first.contains("Load msg/s 75") && first.contains("Load bytes 64") && first.contains("Codec      lz4"))
        // Started once through the source, then stopped by L (and nothing more to stop on quit).
        #expect(source.loadSettings.withLock { $0 } == [load, nil])
        #expect(screen.frames.last?.joined(separator: "\n").contains("Load generator off") == true)
    }

    /// The views' requests go through the background work to the source and back: groups are polled
    /// once shown, an opened group and a topic's configuration arrive, a confirmed admin action reaches
    /// the source, `w` writes and `y` puts the value on the terminal's clipboard.
    @Test(.timeLimit(.minutes(1))) func viewsAndActionsReachTheSourceAndTheTerminal() async throws {
        let source = RecordingSource()
        func shows(_ needles: String...) -> ([String]) -> Bool {
            { frame in let text = frame.joined(separator: "\n"); return needles.allSatisfy { text.contains($0) } }
        }
        let always: ([String]) -> Bool = { _ in true }
        var steps: [(when: ([String]) -> Bool, input: TerminalInput)] = [
            ({ frame in shows("cluster test-cluster", "値🙂")(frame) && source.tailRequests.withLock { !$0.isEmpty } },
             .key(.character("6"))),
            (shows("billing", "42"), .key(.enter)),
            (shows("billing-1", "/10.0.0.7"), .key(.escape)),
            (always, .key(.character("8"))),
            (shows("retention.ms", "123456"), .key(.character("7"))),
            (shows("connection refused", "down"), .key(.character("1"))),
            (always, .key(.character("C"))),
        ]
        steps += "made".map { (always, TerminalInput.key(.character($0))) }
        steps += [
            (always, .key(.enter)), (shows("Create topic made?"), .key(.character("y"))),
            (shows("done: createTopic"), .key(.character("5"))), (always, .key(.character("w"))), (always, .key(.enter)),
            (shows("wrote 1 message to /abs/kfast-orders-"), .key(.enter)), (shows("Value (text"), .key(.character("y"))),
            (shows("copied"), .key(.escape)), (always, .key(.character("q"))),
        ]
        let screen = ScriptedScreen(steps: steps)
        var options = DashboardOptions()
        options.refreshMillis = 20
        options.metadataRefreshMillis = 50
        options.initialTopic = "orders"
        #expect(try await DashboardApp.run(source: source, options: options) { screen } == 0)
        // Every step above waited for what it names; these are what the source and the terminal got.
        #expect(screen.steps.isEmpty)
        #expect(source.actions.withLock { $0 } == [.createTopic(TopicCreation(name: "made"))])
        #expect(source.saved.withLock { $0.map(\.1) } == [1])
        #expect(screen.clipboard == [Array("値🙂".utf8)])
    }

    @Test func optionsParseTheirFlagsAndLeaveTheRest() throws {
        let (options, unused) = try DashboardOptions.parse(
            ["--refresh-ms", "100", "--ascii", "--no-color", "--theme", "mono", "--topic", "orders", "--read-only", "--other"])
        #expect(options.refreshMillis == 100)
        #expect(options.readOnly)
        #expect(options.asciiOnly && options.monochrome)
        #expect(options.theme == "mono" && options.initialTopic == "orders")
        #expect(unused == ["--other"])
        #expect(throws: DashboardOptions.ParseError.self) { try DashboardOptions.parse(["--refresh-ms", "x"]) }
    }
}
