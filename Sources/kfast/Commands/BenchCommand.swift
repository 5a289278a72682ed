import ArgumentParser
import KafkaFast

#if canImport(Glibc)
import Glibc
#endif

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "The original library's benchmark: produce N messages of ~1 KB and report throughput and latency.",
        discussion: "The payload is the numbers 0..277 joined by commas (1,001 bytes), as the original benchmark sent.")

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .short, help: "The topic (it must exist).")
    var topic: String

    @Option(name: .customShort("n"), help: "Number of messages.")
    var count = 1_000_000

    @Option(name: .short, help: "Message size in bytes (default: the original payload; it is repeated or cut to fit).")
    var size: Int?

    @Option(name: .customShort("z"), help: "Compression: none, gzip, snappy, lz4, zstd.")
    var codec: String?

    @Option(name: .long, help: "Acknowledgements: 0, 1 or all.")
    var acks: String?

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard count > 0 else { throw ValidationError("-n must be positive") }
        if let size, size <= 0 { throw ValidationError("-s must be positive") }
    }

    func run() async throws {
        var config = try connection.config()
        do {
            if let codec { try config.set("compression.codec", codec) }
            if let acks { try config.set("acks", acks) }
        } catch {
            throw CLIError.usage(error.description)
        }
        let client = try KafkaClient(config: config)
        guard try await client.metadata(topics: [topic], refresh: true).topics[topic]?.error == KafkaErrorCode.none else {
            client.close()
            throw KafkaError.unknownTopic(topic)
        }
        let connector = try KafkaProducer(client: client)
        let statistics = connector.printStatisticsToStderr()
        defer { statistics.cancel() }
        let payload = Self.payload(size: size)
        let cpuStart = Self.cpuSeconds()
        let start = ContinuousClock.now
        // Plain locals: reading the @Option properties in the loop costs a generic lookup each time.
        let (count, topic) = (self.count, self.topic)
        let sentSoFar = ProgressCounts()
        let progress = ProgressLine(label: "bench \(topic)", total: count) { [connector] in
            .init(done: connector.deliveredCount, errors: connector.failedCount, position: sentSoFar.position.load(ordering: .relaxed))
        }
        progress.start()
        var sent = 0
        var stalled: String?
        var waitingSince: ContinuousClock.Instant?
        while sent < count {
            // Send until the buffer is full, then sleep until acknowledgements make room. The
            // message that waited keeps the timeout of its first attempt.
            let status = payload.withUnsafeBytes { value in
                var status = SendStatus.enqueued
                if let since = waitingSince {
                    status = connector.send(topic: topic, value: value, waitingSince: since)
                    guard status == .enqueued else { return status }
                    sent += 1
                }
                while sent < count {
                    status = connector.send(topic: topic, value: value)
                    guard status == .enqueued else { break }
                    sent += 1
                    if sent & 1023 == 0 { sentSoFar.position.store(sent, ordering: .relaxed) }
                }
                return status
            }
            sentSoFar.position.store(sent, ordering: .relaxed)
            if case .rejected(let error) = status {
                progress.finish()
                throw CLIError.runtime("\(error)")
            }
            guard status == .queueFull else { continue }
            let since = waitingSince ?? .now
            waitingSince = since
            // With the brokers gone the buffered messages time out: once one has, no new message
            // is sent (each would buy another full timeout), and no wait outlasts the timeout.
            let left = since + .milliseconds(config.producer.deliveryTimeoutMs) - .now
            let room = left > .zero ? await connector.waitForRoom(bytes: payload.count, timeout: left) : false
            if !room {
                stalled = "no room in the buffer within delivery.timeout.ms"
            } else if MessageSender.timedOut(connector) {
                stalled = "messages were not acknowledged within delivery.timeout.ms"
            }
            if stalled != nil { break }
            waitingSince = nil
        }
        let enqueued = ContinuousClock.now - start
        await connector.flush()
        progress.finish()
        let elapsed = ContinuousClock.now - start
        let metrics = connector.metrics()
        let p50 = metrics.ackLatency.quantileMilliseconds(0.5) ?? 0
        let p99 = metrics.ackLatency.quantileMilliseconds(0.99) ?? 0
        await connector.close()
        client.close()
        let cpu = Self.cpuSeconds() - cpuStart

        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let enqueueSeconds = Double(enqueued.components.seconds) + Double(enqueued.components.attoseconds) / 1e18
        let bytes = Int64(count) * Int64(payload.count)
        let result = BenchResult(
            msgs: count, bytes: bytes, enqueueSeconds: enqueueSeconds, seconds: seconds,
            msgsPerSec: Double(connector.deliveredCount) / seconds, mbPerSec: Double(bytes) / seconds / 1_000_000,
            p50Ms: p50, p99Ms: p99, errors: connector.failedCount, cpuSeconds: cpu)
        Output.line(json ? result.json : result.text(topic: topic))
        let reason = connector.firstFailure.map { "; first failure: \($0)" } ?? ""
        if let stalled {
            throw CLIError.runtime(
                "delivered \(connector.deliveredCount), failed \(connector.failedCount), \(count - sent) not sent: \(stalled) "
                    + "(\(config.producer.deliveryTimeoutMs) ms)\(reason)")
        }
        if connector.failedCount > 0 {
            throw CLIError.runtime("delivered \(connector.deliveredCount), \(connector.failedCount) messages were not delivered\(reason)")
        }
    }

    /// "0,1,2,...,277" (1,001 bytes), repeated or cut to `size` when given.
    static func payload(size: Int?) -> [UInt8] {
        let base = Array((0...277).map(String.init).joined(separator: ",").utf8)
        guard let size else { return base }
        var result: [UInt8] = []
        result.reserveCapacity(size)
        while result.count < size { result += base.prefix(size - result.count) }
        return result
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

struct BenchResult {
    var msgs: Int
    var bytes: Int64
    var enqueueSeconds: Double
    var seconds: Double
    var msgsPerSec: Double
    var mbPerSec: Double
    var p50Ms: Double
    var p99Ms: Double
    var errors: Int
    var cpuSeconds: Double

    var json: String {
        func number(_ value: Double) -> JSON { .raw(String(format3(value))) }
        return JSON.object([
            ("msgs", .int(Int64(msgs))), ("bytes", .int(bytes)), ("enqueue_seconds", number(enqueueSeconds)),
            ("seconds", number(seconds)), ("msgs_per_sec", number(msgsPerSec)), ("mb_per_sec", number(mbPerSec)),
            ("p50_ms", number(p50Ms)), ("p99_ms", number(p99Ms)), ("errors", .int(Int64(errors))), ("cpu_seconds", number(cpuSeconds)),
        ]).rendered
    }

    func text(topic: String) -> String {
        """
        \(msgs) messages (\(bytes / 1_000_000) MB) to \(topic)
          enqueued in   \(format3(enqueueSeconds)) s
          acknowledged  \(format3(seconds)) s: \(Int(msgsPerSec)) msg/s, \(format3(mbPerSec)) MB/s
          ack latency   p50 \(format3(p50Ms)) ms, p99 \(format3(p99Ms)) ms
          errors        \(errors)
          client CPU    \(format3(cpuSeconds)) s (\(format3(cpuSeconds / Double(max(msgs, 1)) * 1e6)) µs per message)
        """
    }
}

/// Three decimals without Foundation.
func format3(_ value: Double) -> String { fixedPoint(value, places: 3) }

/// `value` with exactly `places` decimals (1...6), as printf's "%.Nf" would, without Foundation's
/// `String(format:)`; not finite gives "0".
func fixedPoint(_ value: Double, places: Int) -> String {
    guard value.isFinite else { return "0" }
    var unit = 1.0
    for _ in 0..<places { unit *= 10 }
    let scaled = (value * unit).rounded()
    let whole = Int64(scaled / unit)
    let fraction = String(Int64(abs(scaled.truncatingRemainder(dividingBy: unit))))
    let sign = scaled < 0 && whole == 0 ? "-" : ""
    return "\(sign)\(whole)." + String(repeating: "0", count: places - fraction.count) + fraction
}
