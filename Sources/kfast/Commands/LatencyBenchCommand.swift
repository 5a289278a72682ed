import ArgumentParser
import KafkaFast
import KafkaProtocol
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// The latency part of `make bench`: produce-to-consume latency at a fixed rate, our producer and
/// consumer in one process, as the librdkafka peer (`rdkafka_bench latency`) measures its own.
/// Each message carries the monotonic time it was handed to the producer (the first time, when
/// the producer's buffer was full); the consumer, reading the topic from its beginning, takes the
/// difference when the message reaches it. Messages of the warm-up second are not counted, nor
/// anything in the topic from before (their times are earlier still): a new topic is best, as the
/// first eight bytes of any other message are taken for a time.
struct LatencyBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency-bench",
        abstract: "Produce at a fixed rate and report the produce-to-consume latency percentiles.",
        shouldDisplay: false)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .short, help: "The topic (it must exist; best a new one).")
    var topic: String

    @Option(name: .long, help: "Messages per second.")
    var rate = 10_000

    @Option(name: .short, help: "Message size in bytes (at least 8: the send time).")
    var size = 1_000

    @Option(name: .long, help: "Seconds of measured producing, after one second of warm-up.")
    var seconds = 5.0

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard rate > 0, size >= 8, seconds > 0 else { throw ValidationError("--rate and --seconds must be positive, -s at least 8") }
    }

    func run() async throws {
        let config = try connection.config()
        let client = try KafkaClient(config: config)
        defer { client.close() }
        guard try await client.metadata(topics: [topic], refresh: true).topics[topic]?.error == KafkaErrorCode.none else {
            throw KafkaError.unknownTopic(topic)
        }
        let connector = try KafkaProducer(client: client)
        let consumer = KafkaPartitionConsumer(client: client)
        let warmup = 1.0
        let measureFrom = LatencyClock.nanoseconds() + UInt64(warmup * 1e9)
        let latencies = NIOLockedValueBox<[UInt64]>([])
        let (topic, rate, seconds) = (self.topic, self.rate, self.seconds)
        // From the beginning, not the end: a tail from the end starts wherever the end is once it
        // is looked up, which on a loaded machine can be after the warm-up second. It reads until
        // it is cancelled below, once everything measured arrived or the time is up.
        let reader = Task {
            for try await chunk in consumer.tail(topic: topic, from: .beginning).chunks {
                let arrived = LatencyClock.nanoseconds()
                var measured: [UInt64] = []
                for message in chunk.messages {
                    guard let value = message.value, let sent = value.getInteger(at: value.readerIndex, as: UInt64.self),
                          sent >= measureFrom else { continue }
                    measured.append(arrived &- sent)
                }
                latencies.withLockedValue { $0 += measured }
            }
        }
        var payload = [UInt8](repeating: UInt8(ascii: "x"), count: size)
        let start = LatencyClock.nanoseconds()
        let end = start + UInt64((warmup + seconds) * 1e9)
        var sent = 0
        var counted = 0
        // Paced by the millisecond: whatever is due by now goes out, then a short sleep.
        while true {
            let now = LatencyClock.nanoseconds()
            if now >= end { break }
            let due = Int(Double(now - start) / 1e9 * Double(rate))
            while sent < due {
                let stamp = LatencyClock.nanoseconds()
                withUnsafeBytes(of: stamp.bigEndian) { payload.replaceSubrange(0..<8, with: $0) }
                try await send(payload, to: connector)
                if stamp >= measureFrom { counted += 1 }
                sent += 1
            }
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        await connector.flush()
        // What was sent must arrive; give the consumer up to ten seconds more.
        let deadline = LatencyClock.nanoseconds() + 10_000_000_000
        while latencies.withLockedValue({ $0.count }) < counted, LatencyClock.nanoseconds() < deadline {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        reader.cancel()
        consumer.close()
        await connector.close()
        // A measured message that failed its delivery never arrives: say so when one is missing.
        let (failed, firstFailure) = (connector.failedCount, connector.firstFailure)
        var values = latencies.withLockedValue { $0 }.sorted()
        if values.isEmpty { values = [0] }
        let quantile = { (q: Double) in Double(values[min(values.count - 1, Int(Double(values.count) * q))]) / 1e6 }
        let received = latencies.withLockedValue { $0.count }
        if json {
            Output.line(JSON.object([
                ("sent", .int(Int64(counted))), ("received", .int(Int64(received))), ("delivery_failed", .int(Int64(failed))),
                ("p50_ms", .raw(format3(quantile(0.5)))), ("p99_ms", .raw(format3(quantile(0.99)))),
                ("max_ms", .raw(format3(Double(values.last!) / 1e6))),
            ]).rendered)
        } else {
            Output.line("\(received) of \(counted) messages at \(rate) msg/s: p50 \(format3(quantile(0.5))) ms, "
                        + "p99 \(format3(quantile(0.99))) ms, max \(format3(Double(values.last!) / 1e6)) ms")
        }
        if received < counted {
            let why = firstFailure.map { "; \(failed) not delivered, the first: \($0)" } ?? " (every message was delivered)"
            throw CLIError.runtime("\(counted - received) of \(counted) measured messages did not arrive\(why)")
        }
    }

    /// Hands `payload` to the producer, waiting for room while its buffer is full.
    private func send(_ payload: [UInt8], to connector: KafkaProducer) async throws {
        while true {
            switch connector.send(topic: topic, value: payload) {
            case .enqueued: return
            case .queueFull: await connector.waitForRoom(bytes: payload.count)
            case .rejected(let error): throw CLIError.runtime("\(error)")
            }
        }
    }
}

/// CLOCK_MONOTONIC in nanoseconds: the same clock for the send stamp and the arrival.
enum LatencyClock {
    static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
