import ArgumentParser
import KafkaFast

struct OffsetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offsets",
        abstract: "Show each partition's low and high watermark and message count.")

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .short, help: "The topic.")
    var topic: String

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let client = try connection.client()
        defer { client.close() }
        let marks = try await client.watermarks(topic: topic)
        if json {
            let partitions: [JSON] = marks.map {
                .object([("partition", .int(Int64($0.partition))), ("low", .int($0.low)), ("high", .int($0.high))])
            }
            Output.line(JSON.object([("topic", .string(topic)), ("partitions", .array(partitions))]).rendered)
            return
        }
        var table = TextTable(headers: ["PARTITION", "LOW", "HIGH", "MESSAGES"], rightAligned: [0, 1, 2, 3])
        for mark in marks {
            table.add([String(mark.partition), String(mark.low), String(mark.high), String(mark.messageCount)])
        }
        let total = marks.reduce(Int64(0)) { $0 + $1.messageCount }
        Output.line("Topic \(topic): \(marks.count) partitions, \(total) messages")
        Output.line(table.rendered)
    }
}
