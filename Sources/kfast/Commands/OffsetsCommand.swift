import ArgumentParser
import KafkaFast

struct OffsetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offsets",
        abstract: "Show each partition's low and high watermark and message count (with -g: a group's committed offset and lag).")

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .short, help: "The topic.")
    var topic: String

    @Option(name: .short, help: "Also show this consumer group's committed offset and lag per partition.")
    var group: String?

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let client = try connection.client()
        defer { client.close() }
        if let group {
            try await runWithGroup(group, client: client)
            return
        }
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

    /// Watermarks plus the group's committed offset and lag; `null` / "-" where the group has
    /// committed nothing.
    private func runWithGroup(_ group: String, client: KafkaClient) async throws {
        let offsets = try await client.groupOffsets(group: group, topic: topic)
        if offsets.allSatisfy({ $0.committed == nil }), try await Self.clusterDenies(group, client: client) {
            throw KafkaError.unknownGroup(group)
        }
        if json {
            let partitions: [JSON] = offsets.map {
                .object([
                    ("partition", .int(Int64($0.partition))), ("low", .int($0.low)), ("high", .int($0.high)),
                    ("committed", $0.committed.map(JSON.int) ?? .null), ("lag", $0.lag.map(JSON.int) ?? .null),
                ])
            }
            Output.line(JSON.object([("topic", .string(topic)), ("group", .string(group)), ("partitions", .array(partitions))]).rendered)
            return
        }
        var table = TextTable(headers: ["PARTITION", "LOW", "HIGH", "COMMITTED", "LAG"], rightAligned: [0, 1, 2, 3, 4])
        for offset in offsets {
            table.add([String(offset.partition), String(offset.low), String(offset.high),
                       offset.committed.map(String.init) ?? "-", offset.lag.map(String.init) ?? "-"])
        }
        let committedCount = offsets.filter { $0.committed != nil }.count
        let totalLag = offsets.reduce(Int64(0)) { $0 + ($1.lag ?? 0) }
        Output.line("Topic \(topic), group \(group): " + (committedCount == 0
            ? "nothing committed"
            : "\(committedCount) of \(offsets.count) partitions committed, total lag \(totalLag)"))
        Output.line(table.rendered)
    }

    /// Whether the cluster says `group` does not exist. A cluster without DescribeGroups
    /// (librdkafka's mock) cannot tell; what the group committed, nothing, is then still the answer.
    private static func clusterDenies(_ group: String, client: KafkaClient) async throws -> Bool {
        let description: GroupDescription
        do {
            description = try await client.describeGroup(group)
        } catch {
            if error.code == .unsupportedApi { return false }
            throw error
        }
        return try await !client.groupExists(description)
    }
}
