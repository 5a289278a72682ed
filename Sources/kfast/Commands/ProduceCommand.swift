import ArgumentParser
import Foundation
import KafkaFast

struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce messages: one per line of standard input, or --value, or JSON objects with --json.",
        discussion: """
            With --json each input line is an object as `kfast consume -J` prints it (kcat's envelope):
            {"key": string|null, "payload": string|null, "partition": int (optional),
             "headers": ["name", "value", ...] (optional), "key_encoding"/"payload_encoding"/"headers_encoding": "base64" (optional)}.
            Prints how many messages were delivered to stderr; exits 1 if any failed.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .short, help: "The topic.")
    var topic: String

    @Option(name: .short, help: "Partition (default: the partitioner's choice).")
    var partition: Int32?

    @Option(name: .short, help: "Key for every message.")
    var key: String?

    @Option(name: .customShort("K"), help: ArgumentHelp("Split each line into key and value at the first DELIM.", valueName: "delim"))
    var keyDelimiter: String?

    @Option(name: .customShort("H"), help: ArgumentHelp("A header, repeatable.", valueName: "name=value"))
    var headers: [String] = []

    @Option(name: .customShort("z"), help: "Compression: none, gzip, snappy, lz4, zstd.")
    var codec: String?

    @Option(name: .long, help: "Acknowledgements: 0, 1 or all.")
    var acks: String?

    @Option(name: .long, help: "Send one message with this value instead of reading standard input.")
    var value: String?

    @Flag(name: .long, help: "Read one JSON object per line (the envelope `kfast consume -J` prints).")
    var json = false

    func validate() throws {
        if key != nil && keyDelimiter != nil { throw ValidationError("-k and -K cannot be used together") }
        if let keyDelimiter, keyDelimiter.isEmpty { throw ValidationError("-K needs a delimiter, as -K :") }
        if json && (keyDelimiter != nil || value != nil) { throw ValidationError("--json reads keys and values from its objects: drop -K/--value") }
        for header in headers where !header.contains("=") { throw ValidationError("-H \(header): expected name=value") }
    }

    func run() async throws {
        var config = try connection.config()
        do {
            if let codec { try config.set("compression.codec", codec) }
            if let acks { try config.set("acks", acks) }
        } catch {
            throw CLIError.usage(error.description)
        }
        let connector = try KafkaProducer(config: config)
        let statistics = connector.printStatisticsToStderr()
        defer { statistics.cancel() }
        let reports = connector.deliveryReports()
        let tally = Task { await DeliveryTally.count(reports) }
        let fixedHeaders = headers.map { header -> MessageHeader in
            let parts = header.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            return MessageHeader(parts[0], Array(parts[1].utf8))
        }
        var lineNumber = 0
        var inputError: String?
        if let value {
            try await send(connector, ProducedMessage(key: key.map { Array($0.utf8) }, value: Array(value.utf8), headers: fixedHeaders, partition: partition))
        } else {
            while let line = readLine(strippingNewline: true) {
                lineNumber += 1
                let message: ProducedMessage
                if json {
                    do {
                        message = try ProducedMessage(envelope: line, extraHeaders: fixedHeaders, defaultPartition: partition)
                    } catch {
                        inputError = "line \(lineNumber): \(error)"
                        break
                    }
                } else {
                    message = ProducedMessage(line: line, key: key, delimiter: keyDelimiter, headers: fixedHeaders, partition: partition)
                }
                try await send(connector, message)
            }
        }
        await connector.close()
        let counts = await tally.value
        if let inputError {
            throw CLIError.runtime("stopped reading input at \(inputError); \(counts.summary(topic: topic)) before it")
        }
        if counts.failed > 0 {
            throw CLIError.runtime("\(counts.summary(topic: topic)); first failure: \(counts.firstError ?? "unknown error")")
        }
        Output.error(counts.summary(topic: topic))
    }

    /// Sends one message, waiting while the producer's buffer is full.
    private func send(_ connector: KafkaProducer, _ message: ProducedMessage) async throws {
        while true {
            switch connector.send(topic: topic, value: message.value, key: message.key, headers: message.headers, partition: message.partition) {
            case .enqueued, .rejected:
                return  // a rejection arrives as a delivery report and is counted there
            case .queueFull:
                try await Task.sleep(nanoseconds: 1_000_000)
            }
        }
    }
}
