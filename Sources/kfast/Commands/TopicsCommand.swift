import ArgumentParser
import KafkaFast

struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "List brokers and topics with each partition's leader, replicas, ISR and watermarks.")

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .short, help: "Only this topic.")
    var topic: String?

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let client = try connection.client()
        defer { client.close() }
        let metadata = try await client.metadata(topics: topic.map { [$0] }, refresh: true)
        var topics = metadata.sortedTopics
        if let topic {
            guard let found = metadata.topics[topic], found.error != .unknownTopicOrPartition else {
                throw KafkaError.unknownTopic(topic)
            }
            topics = [found]
        }
        let watermarks = try await Self.watermarks(of: topics, client: client)
        if json {
            Output.line(TopicListing.json(metadata: metadata, topics: topics, watermarks: watermarks))
        } else {
            Output.line(TopicListing.text(metadata: metadata, topics: topics, watermarks: watermarks))
        }
    }

    /// Watermarks of every listed topic, fetched concurrently.
    static func watermarks(of topics: [TopicMetadata], client: KafkaClient) async throws -> [String: [Int32: PartitionWatermarks]] {
        try await withThrowingTaskGroup(of: (String, [PartitionWatermarks]).self) { group in
            for topic in topics where topic.error == .none && !topic.partitions.isEmpty {
                group.addTask { (topic.name, try await client.watermarks(topic: topic.name)) }
            }
            var result: [String: [Int32: PartitionWatermarks]] = [:]
            for try await (name, marks) in group {
                result[name] = Dictionary(uniqueKeysWithValues: marks.map { ($0.partition, $0) })
            }
            return result
        }
    }
}
