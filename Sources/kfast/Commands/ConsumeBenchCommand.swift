import ArgumentParser
import KafkaFast

#if canImport(Glibc)
import Glibc
#endif

/// The consumer half of `make bench`: reads N messages of a topic from the beginning with the
/// partition consumer and reports throughput, CPU and peak memory, in the JSON the librdkafka
/// peer (`rdkafka_bench consume`) prints.
struct ConsumeBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume-bench",
        abstract: "Read N messages from the beginning of a topic and report throughput and peak memory.",
        shouldDisplay: false)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .short, help: "The topic.")
    var topic: String

    @Option(name: .customShort("n"), help: "Number of messages to read.")
    var count = 1_000_000

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard count > 0 else { throw ValidationError("-n must be positive") }
    }

    func run() async throws {
        let config = try connection.config()
        let cpuStart = Self.cpuSeconds()
        let start = ContinuousClock.now
        let consumer = try KafkaPartitionConsumer(config: config)
        defer { consumer.close() }
        var received = 0
        var bytes = 0
        for try await chunk in consumer.tail(topic: topic, from: .beginning, untilEnd: true).chunks {
            for message in chunk.messages {
                bytes += message.value?.readableBytes ?? 0
            }
            received += chunk.messages.count
            if received >= count { break }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let cpu = Self.cpuSeconds() - cpuStart
        let rate = Double(received) / seconds
        if json {
            Output.line(JSON.object([
                ("msgs", .int(Int64(received))), ("bytes", .int(Int64(bytes))),
                ("seconds", .raw(String(format3: seconds))), ("msgs_per_sec", .raw(String(format3: rate))),
                ("mb_per_sec", .raw(String(format3: Double(bytes) / seconds / 1e6))),
                ("cpu_seconds", .raw(String(format3: cpu))), ("max_rss_kb", .int(Int64(Self.maxRSSKilobytes()))),
            ]).rendered)
        } else {
            Output.line("read \(received) messages (\(bytes) bytes) in \(String(format3: seconds)) s: \(Int(rate)) msg/s, peak RSS \(Self.maxRSSKilobytes() / 1024) MB")
        }
        if received < count { throw CLIError.runtime("the topic ended after \(received) of \(count) messages") }
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func maxRSSKilobytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss
    }
}

extension String {
    /// Three decimals, without Foundation's formatter.
    init(format3 value: Double) {
        let scaled = (value * 1000).rounded()
        let whole = Int(scaled / 1000)
        let fraction = Int(abs(scaled).truncatingRemainder(dividingBy: 1000))
        let digits = String(fraction)
        self = "\(whole).\(String(repeating: "0", count: 3 - digits.count))\(digits)"
    }
}
