import ArgumentParser
import KafkaDashboard
import KafkaDashboardAdapter
import KafkaFast
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `make bench`'s dashboard part (hidden): what the dashboard costs while the connector produces flat
/// out. The same process produces with and without the dashboard running on a headless terminal, at
/// the default refresh; the dashboard's cost is the CPU the process spends beyond what its producing
/// explains. A key press (`?`) is injected every so often and timed until the frame showing it.
struct DashBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dash-bench", abstract: "Benchmark the dashboard's CPU cost and key latency (make bench).",
        shouldDisplay: false)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .shortAndLong, help: "Topic to produce to (created with 8 partitions if missing).")
    var topic = "dash-bench"

    @Option(name: .long, help: "Seconds per phase (without, with, without the dashboard).")
    var seconds: Double = 10

    @Option(name: .long, help: "Bytes per message.")
    var size = 100

    @Flag(name: .customLong("no-tail"), help: "Select no topic, so the dashboard tails nothing.")
    var noTail = false

    @Flag(name: .customLong("external-load"),
          help: "Produce nothing here: another process floods the topic, and the dashboard's cost is this process's whole CPU.")
    var externalLoad = false

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let source = try KafkaDashboardSource(config: connection.config())
        do {
            try await source.client.createTopic(topic, partitions: 8)
        } catch {
            // Already there is fine; anything else shows in the first metadata request below.
        }
        guard try await source.client.metadata(topics: [topic], refresh: true).topics[topic]?.partitions.isEmpty == false
        else { throw CLIError.runtime("topic \(topic) has no partitions") }

        // In-process, the dashboard's share is what the process spends beyond its producing, which
        // a busy 2-core machine blurs by several percent; with the load in another process the
        // dashboard's cost is simply this process's CPU.
        let producing = FlatOutProducer(connector: source.producer, topic: topic, size: size)
        if !externalLoad { producing.start() }
        try await Task.sleep(for: .seconds(2))  // connections up, buffers in steady state

        let before = externalLoad ? nil : await Phase.measure(seconds: seconds, connector: source.producer) {
            try? await Task.sleep(for: .seconds(seconds))
        }
        var options = DashboardOptions()  // the default refresh
        options.initialTopic = noTail ? nil : topic
        let screen = HeadlessScreen(size: TerminalSize(columns: 200, rows: 60))
        let with = await Phase.measure(seconds: seconds, connector: source.producer) {
            let presser = Task {
                let started = ContinuousClock.now
                // Irregular gaps, so presses land anywhere in the refresh cycle.
                var gap = 317
                while ContinuousClock.now - started < .seconds(seconds) {
                    try? await Task.sleep(for: .milliseconds(gap))
                    screen.pressHelp()
                    gap = 200 + (gap * 7_919) % 600
                }
                screen.press(.escape)
                screen.press(.character("q"))
            }
            _ = try? await DashboardApp.run(source: source, options: options) { screen }
            presser.cancel()
        }
        let after = externalLoad ? nil : await Phase.measure(seconds: seconds, connector: source.producer) {
            try? await Task.sleep(for: .seconds(seconds))
        }
        producing.stop()
        await source.shutdown()

        let report = Report(without: [before, after].compactMap { $0 }, with: with, screen: screen.report(), refreshMillis: options.refreshMillis)
        print(json ? report.json : report.text)
    }
}

/// Sends as fast as the connector takes messages; a full buffer waits a millisecond.
private final class FlatOutProducer: Sendable {
    let connector: KafkaProducer
    let topic: String
    let size: Int
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(connector: KafkaProducer, topic: String, size: Int) {
        self.connector = connector
        self.topic = topic
        self.size = size
    }

    func start() {
        let (connector, topic, size) = (connector, topic, size)
        task.withLock {
            $0 = Task.detached {
                let payload = [UInt8](repeating: UInt8(ascii: "x"), count: size)
                while !Task.isCancelled {
                    for _ in 0..<1_000 {
                        if case .enqueued = connector.send(topic: topic, value: payload) { continue }
                        try? await Task.sleep(for: .milliseconds(1))
                        break
                    }
                    await Task.yield()
                }
            }
        }
    }

    func stop() { task.withLock { $0?.cancel() } }
}



/// Process CPU and messages delivered over one phase.
private struct Phase {
    var wallSeconds: Double
    var cpuSeconds: Double
    var delivered: Int

    static func measure(seconds: Double, connector: KafkaProducer, _ body: () async -> Void) async -> Phase {
        let cpu0 = processCPUSeconds(), delivered0 = connector.deliveredCount
        let start = ContinuousClock.now
        await body()
        let wall = ContinuousClock.now - start
        return Phase(
            wallSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18,
            cpuSeconds: processCPUSeconds() - cpu0, delivered: connector.deliveredCount - delivered0)
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

private struct Report {
    let without: [Phase]
    /// `--external-load`: another process produces, so there is no phase without the dashboard.
    var external: Bool { without.isEmpty }
    let with: Phase
    let screen: HeadlessScreen.Report
    let refreshMillis: Int

    /// CPU per delivered message when only producing (0 when another process produces).
    var cpuPerMessage: Double {
        without.reduce(0) { $0 + $1.cpuSeconds } / Double(max(1, without.reduce(0) { $0 + $1.delivered }))
    }
    /// The process's CPU beyond what its producing explains, in percent of one core.
    var dashboardPercent: Double {
        (with.cpuSeconds - Double(with.delivered) * cpuPerMessage) / with.wallSeconds * 100
    }
    var uiThreadPercent: Double { screen.uiThreadCPUSeconds / with.wallSeconds * 100 }
    var latencies: [Double] { screen.keyLatenciesMillis.sorted() }
    func percentile(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return .nan }
        return latencies[min(latencies.count - 1, Int((Double(latencies.count - 1) * p).rounded()))]
    }
    func rate(_ phase: Phase) -> Double { Double(phase.delivered) / phase.wallSeconds }
    func corePercent(_ phase: Phase) -> Double { phase.cpuSeconds / phase.wallSeconds * 100 }

    var text: String {
        func f(_ value: Double) -> String { fixedPoint(value, places: 2) }
        let phases = !external
            ? [("producing only", without[0]), ("producing + dashboard", with), ("producing only again", without[1])]
            : [("dashboard only", with)]
        var lines = [!external
            ? "== dashboard with a real connector (refresh \(refreshMillis) ms, 200x60)"
            : "== dashboard beside a producer in another process (refresh \(refreshMillis) ms, 200x60)"]
        for (name, phase) in phases {
            let produced = external ? "" : "\(Int(rate(phase))) msg/s, "
            lines.append("  \(name + String(repeating: " ", count: max(0, 24 - name.count))) \(produced)process CPU \(f(corePercent(phase)))% of one core")
        }
        if external {
            lines.append("  dashboard cost            \(f(dashboardPercent))% of one core (goal < 5), UI thread \(f(uiThreadPercent))%")
        } else {
            // The producer's rate drifts between phases (Tansu slows as it fills), so this difference
            // is only an estimate; --external-load measures the dashboard alone.
            lines.append("  dashboard cost, estimated \(f(dashboardPercent))% of one core (process CPU beyond its producing; "
                         + "see --external-load), UI thread \(f(uiThreadPercent))%")
        }
        lines.append("  key to screen             p50 \(f(percentile(0.5))) ms, p99 \(f(percentile(0.99))) ms, "
                     + "max \(f(latencies.last ?? .nan)) ms over \(latencies.count) presses (goal: within one refresh, \(refreshMillis) ms)")
        lines.append("  frames                    \(screen.frames), \(screen.frames > 0 ? screen.cellsWritten / screen.frames : 0) changed cells each")
        return lines.joined(separator: "\n")
    }

    var json: String {
        func n(_ value: Double) -> String { value.isFinite ? fixedPoint(value, places: 3) : "null" }
        let producingOnly = external ? Double.nan : without.reduce(0) { $0 + rate($1) } / Double(without.count)
        return "{\"refresh_ms\":\(refreshMillis),\"producing_only_msg_per_s\":\(n(producingOnly)),"
            + "\"with_dashboard_msg_per_s\":\(n(rate(with))),\"dashboard_core_percent\":\(n(dashboardPercent)),"
            + "\"ui_thread_core_percent\":\(n(uiThreadPercent)),\"key_latency_ms\":{\"p50\":\(n(percentile(0.5))),"
            + "\"p99\":\(n(percentile(0.99))),\"max\":\(n(latencies.last ?? .nan)),\"presses\":\(latencies.count)},"
            + "\"frames\":\(screen.frames)}"
    }
}
