import ArgumentParser
import KafkaFast

#if canImport(Glibc)
import Glibc
#endif

/// The consumer half of `make bench`: reads N messages of a topic from the beginning with the
/// partition consumer (`KafkaPartitionConsumer.tail`) or, with `--group`, as the only member of a new
/// consumer group (`KafkaGroupConsumer.messages`), one message at a time as an application
/// would, and reports throughput, CPU and peak memory in the JSON the librdkafka peer
/// (`rdkafka_bench consume`) prints.
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

    @Flag(name: .long, help: "Read as the only member of a new consumer group (auto.offset.reset=earliest) instead of a tail.")
    var group = false

    func validate() throws {
        guard count > 0 else { throw ValidationError("-n must be positive") }
    }

    func run() async throws {
        var config = try connection.config()
        let cpuStart = BenchCommand.cpuSeconds()
        let start = ContinuousClock.now
        // Read once: `count` is an @Option, and its wrapper's getter (a generic metadata lookup
        // and a copy of the parsed value) in the loop cost a fifth of the tail's own work per message.
        let count = self.count
        var received = 0
        var bytes = 0
        var firstMessage: Duration?  // a group's join can take seconds (Tansu holds JoinGroup)
        if group {
            try config.set("auto.offset.reset", "earliest")
            try config.set("enable.auto.commit", "false")
            let consumer = try KafkaGroupConsumer(group: "kfast-consume-bench-\(UInt32.random(in: 0...UInt32.max))", topics: [topic], config: config)
            for try await message in consumer.messages {
                if firstMessage == nil { firstMessage = ContinuousClock.now - start }
                bytes += message.value?.readableBytes ?? 0
                received += 1
                if received >= count { break }
            }
            await consumer.close()
        } else {
            let consumer = try KafkaPartitionConsumer(config: config)
            defer { consumer.close() }
            for try await message in consumer.tail(topic: topic, from: .beginning, untilEnd: true) {
                if firstMessage == nil { firstMessage = ContinuousClock.now - start }
                bytes += message.value?.readableBytes ?? 0
                received += 1
                if received >= count { break }
            }
        }
        let seconds = (ContinuousClock.now - start).seconds
        let cpu = BenchCommand.cpuSeconds() - cpuStart
        let rate = Double(received) / seconds
        if json {
            Output.line(JSON.object([
                ("msgs", .int(Int64(received))), ("bytes", .int(Int64(bytes))),
                ("seconds", .raw(format3(seconds))), ("msgs_per_sec", .raw(format3(rate))),
                ("mb_per_sec", .raw(format3(Double(bytes) / seconds / 1e6))),
                ("cpu_seconds", .raw(format3(cpu))), ("max_rss_kb", .int(Int64(Self.maxRSSKilobytes()))),
                ("first_message_seconds", .raw(format3((firstMessage ?? .zero).seconds))),
            ]).rendered)
        } else {
            Output.line("read \(received) messages (\(bytes) bytes) in \(format3(seconds)) s: \(Int(rate)) msg/s, peak RSS \(Self.maxRSSKilobytes() / 1024) MB")
        }
        if received < count { throw CLIError.runtime("the topic ended after \(received) of \(count) messages") }
    }

    static func maxRSSKilobytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

