import ArgumentParser
import Dispatch
import KafkaFast

#if canImport(Glibc)
import Glibc
#endif

/// `kfast example hello-world TOPIC THREADS`: the seed's example in one process. A producer
/// (the KafkaProducer) sends a random integer 0...999 every 500 ms while a group of THREADS
/// consumer workers prints "Received on thread N: value". Ctrl-C (or SIGTERM) stops both
/// cleanly: the producer flushes, the group commits and leaves; exit 0.
struct ExampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example",
        abstract: "Run a built-in example: hello-world TOPIC THREADS (a producer and a consumer group in one process).")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The example to run: hello-world.")
    var name: String

    @Argument(help: "The topic (created with THREADS partitions if missing).")
    var topic: String

    @Argument(help: "How many consumer worker threads.")
    var threads: Int

    @Option(name: .short, help: "The consumer group (default: kfast-hello-world).")
    var group = "kfast-hello-world"

    func validate() throws {
        guard name == "hello-world" else { throw ValidationError("unknown example '\(name)': the one example is hello-world") }
        guard threads > 0 else { throw ValidationError("THREADS must be at least 1") }
    }

    func run() async throws {
        var config = try connection.config()
        // A short session: Tansu holds the group's first JoinGroup for half the session timeout
        // while it waits for more members. Start from the earliest message so nothing sent while
        // the group forms is missed. -X overrides either.
        let given = Set(connection.properties.compactMap { $0.split(separator: "=").first.map(String.init) })
        if !given.contains("session.timeout.ms") { config.consumer.sessionTimeout = .seconds(10) }
        if !given.contains("heartbeat.interval.ms") { config.consumer.heartbeatInterval = .seconds(2) }
        if !given.contains("auto.offset.reset") { config.consumer.autoOffsetReset = .earliest }
        try await Self.ensureTopic(topic, partitions: Int32(threads), config: config)
        let connector = try KafkaProducer(config: config)
        let consumer = try KafkaGroupConsumer(group: group, topics: [topic], config: config)
        let printer = GroupPrinter(format: nil, limit: nil)
        let producing = Task { [topic] in
            while !Task.isCancelled {
                connector.send(topic: topic, value: String(Int.random(in: 0...999)))
                try? await Task.sleep(nanoseconds: 500_000_000)
            }
        }
        let signals = ConsumeCommand.onTerminationSignals {
            producing.cancel()
            Task { await consumer.close() }
        }
        defer { signals.forEach { $0.cancel() } }
        do {
            try await consumer.run(workers: threads) { worker, message in try printer.print(message, worker: worker) }
        } catch is GroupPrinter.Done {}
        producing.cancel()
        await producing.value
        await connector.close()
        await consumer.close()
    }

    static func ensureTopic(_ topic: String, partitions: Int32, config: KafkaConfiguration) async throws {
        let client = try KafkaClient(config: config)
        defer { client.close() }
        let metadata = try await client.metadata(topics: [topic], refresh: true)
        if let found = metadata.topics[topic], found.error == .none { return }
        do {
            try await client.createTopic(topic, partitions: partitions)
        } catch let error where error.kafkaErrorCode == .topicAlreadyExists {
            // Someone else created it meanwhile.
        }
    }
}
