import KafkaDashboard
import KafkaFast
import Synchronization

/// Sends generated messages at a steady rate through the producer's immediate `send`, so the
/// dashboard shows the producer under load. A full buffer is counted as a failure and the message
/// dropped: holding the rate matters more here than delivering every generated message.
final class LoadGenerator: Sendable {
    let settings: LoadGeneratorSettings
    private let counters = Mutex(Counters())
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Sends are issued in ticks of this length; short enough for an even rate, long enough to be cheap.
    private static let tickMillis = 10

    private struct Counters {
        var sent: Int64 = 0
        var failed: Int64 = 0
        var rate = SlidingRate()
    }

    init(settings: LoadGeneratorSettings) {
        self.settings = settings
    }

    func start(on producer: KafkaProducer) {
        let work = Task { await self.run(on: producer) }
        task.withLock { $0 = work }
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }

    func status() -> LoadGeneratorStatus {
        counters.withLock { counters in
            LoadGeneratorStatus(
                running: true, sent: counters.sent, failed: counters.failed,
                achieved: counters.rate.current(nowMillis: KafkaDashboardSource.nowMillis()))
        }
    }

    private func run(on producer: KafkaProducer) async {
        let clock = ContinuousClock()
        let started = clock.now
        var issued: Int64 = 0
        var payload = [UInt8](repeating: UInt8(ascii: "x"), count: max(1, settings.messageSize))
        while !Task.isCancelled {
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let due = Int64(seconds * Double(settings.messagesPerSecond)) - issued
            var sent: Int64 = 0
            var failed: Int64 = 0
            for _ in 0..<max(0, due) {
                issued += 1
                Self.stamp(issued, into: &payload)
                switch producer.send(topic: settings.topic, value: payload) {
                case .enqueued: sent += 1
                case .queueFull, .rejected: failed += 1
                }
            }
            if due > 0 {
                let bytes = Double(sent) * Double(payload.count)
                counters.withLock { counters in
                    counters.sent += sent
                    counters.failed += failed
                    counters.rate.add(messages: Double(sent), bytes: bytes, nowMillis: KafkaDashboardSource.nowMillis())
                }
            }
            try? await Task.sleep(for: .milliseconds(Self.tickMillis))
        }
    }

    /// Writes the sequence number at the start of the payload so messages differ and can be told apart in the tail.
    private static func stamp(_ sequence: Int64, into payload: inout [UInt8]) {
        let digits = Array(String(sequence).utf8)
        for (index, digit) in digits.prefix(payload.count).enumerated() { payload[index] = digit }
    }
}

/// Messages and bytes per second over the last whole second, from counts added as they happen.
struct SlidingRate: Sendable {
    private var windowStartMillis: Int64 = 0
    private var windowMessages: Double = 0
    private var windowBytes: Double = 0
    private var last = Throughput.zero

    mutating func add(messages: Double, bytes: Double, nowMillis: Int64) {
        roll(nowMillis: nowMillis)
        windowMessages += messages
        windowBytes += bytes
    }

    mutating func current(nowMillis: Int64) -> Throughput {
        roll(nowMillis: nowMillis)
        return last
    }

    private mutating func roll(nowMillis: Int64) {
        let elapsed = nowMillis - windowStartMillis
        guard elapsed >= 1000 else { return }
        // A window that ended long ago says nothing about now: nothing arrived since.
        last = elapsed < 2000
            ? Throughput(messagesPerSecond: windowMessages * 1000 / Double(elapsed),
                         bytesPerSecond: windowBytes * 1000 / Double(elapsed))
            : .zero
        windowStartMillis = nowMillis
        windowMessages = 0
        windowBytes = 0
    }
}

/// What the tail has read, per topic, for the consumer panel.
struct ConsumedRates: Sendable {
    private var topics: [String: SlidingRate] = [:]

    mutating func add(topic: String, messages: Int, bytes: Int, nowMillis: Int64) {
        topics[topic, default: SlidingRate()].add(messages: Double(messages), bytes: Double(bytes), nowMillis: nowMillis)
    }

    mutating func snapshot(nowMillis: Int64) -> ConsumerSnapshot {
        var result = ConsumerSnapshot()
        for topic in Array(topics.keys) {
            let rate = topics[topic]!.current(nowMillis: nowMillis)
            result.topics[topic] = rate
            result.total.messagesPerSecond += rate.messagesPerSecond
            result.total.bytesPerSecond += rate.bytesPerSecond
        }
        return result
    }
}

extension KafkaDashboardSource {
    package func setLoadGenerator(_ settings: LoadGeneratorSettings?) async {
        let previous = state.withLock { state in
            defer { state.load = nil }
            return state.load
        }
        previous?.stop()
        guard let settings else { return }
        do {
            let generator = LoadGenerator(settings: settings)
            generator.start(on: try producer(for: settings.codec))
            state.withLock { $0.load = generator }
        } catch {
            report(.error, "load generator: \(Self.errorName(error))")
        }
    }
}
