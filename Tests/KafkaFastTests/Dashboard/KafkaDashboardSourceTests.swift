import Foundation
import KafkaDashboard
import KafkaDashboardAdapter
import KafkaFast
import Testing

/// The dashboard's Kafka side, driven as the dashboard drives it (its `DashboardDataSource`
/// calls) against the real client and brokers, without a terminal: what each panel would show
/// is checked against what was sent and what a plain consumer reads.
@Suite(.timeLimit(.minutes(3)))
struct KafkaDashboardSourceTests {
    static func source(_ broker: BrokerKind) throws -> KafkaDashboardSource {
        var config = KafkaConfiguration()
        try config.set("bootstrap.servers", try TestBrokers.address(broker))
        return try KafkaDashboardSource(config: config)
    }

    /// Sends from the send pane land where the reports say; the cluster, producer and broker
    /// panels then agree with them.
    @Test(arguments: BrokerKind.allCases)
    func sentMessagesShowInTheClusterProducerAndBrokerPanels(_ broker: BrokerKind) async throws {
        let source = try Self.source(broker)
        let topic = uniqueTopicName("dash-source")
        try await TestTopics.create(topic, partitions: 3, on: broker, using: source.client)
        var landed: [Int32: [Int64]] = [:]
        for id in 0..<9 {
            let result = await source.send(SendRequest(id: id, topic: topic, key: Array("key-\(id)".utf8), value: Array("value \(id)".utf8)))
            #expect(result.requestID == id)
            guard case .delivered(let partition, let offset) = result.outcome else {
                Issue.record("send \(id) failed: \(result.outcome)")
                continue
            }
            landed[partition, default: []].append(offset)
        }
        // Each partition's offsets count up from 0 in the order sent.
        for (partition, offsets) in landed {
            #expect((0..<3).contains(partition))
            #expect(offsets == (0..<Int64(offsets.count)).map { $0 }, "partition \(partition): \(offsets)")
        }

        try await waitUntil("the topic's 9 messages in the cluster snapshot") {
            let snapshot = try? await source.clusterSnapshot()
            return snapshot?.topics.first { $0.name == topic }?.messageCount == 9
        }
        let cluster = try await source.clusterSnapshot()
        let shown = try #require(cluster.topics.first { $0.name == topic })
        #expect(shown.partitions.map(\.id).sorted() == [0, 1, 2])
        for partition in shown.partitions {
            #expect(partition.highWatermark == Int64(landed[partition.id]?.count ?? 0), "partition \(partition.id)")
            #expect(partition.leader >= 0)
        }
        #expect(cluster.brokers.count == broker.brokerCount, "\(cluster.brokers)")

        let producer = await source.producerSnapshot()
        let acked = producer.partitions.filter { $0.key.topic == topic }.map(\.value.ackedMessages).reduce(0, +)
        #expect(acked == 9, "\(producer.partitions)")

        let brokers = await source.brokerActivity()
        #expect(brokers.filter(\.listed).count == broker.brokerCount, "\(brokers)")
        #expect(brokers.contains { $0.listed && $0.state == .up }, "\(brokers)")
        await source.shutdown()
    }

    /// The load generator sends at its rate until stopped; the tail, from the beginning, pages
    /// through every message it sent in offset order; saving them writes kcat's envelope.
    @Test(arguments: BrokerKind.allCases)
    func theLoadGeneratorsMessagesAreTailedInOrderAndSaved(_ broker: BrokerKind) async throws {
        let source = try Self.source(broker)
        let topic = uniqueTopicName("dash-load")
        try await TestTopics.create(topic, partitions: 2, on: broker, using: source.client)
        await source.setLoadGenerator(LoadGeneratorSettings(topic: topic, messagesPerSecond: 400, messageSize: 64, codec: .lz4))
        try await waitUntil("the load generator sending 300 messages") {
            (await source.producerSnapshot().loadGenerator?.sent ?? 0) >= 300
        }
        let running = try #require(await source.producerSnapshot().loadGenerator)
        #expect(running.running && running.failed == 0, "\(running)")
        await source.setLoadGenerator(nil)
        try await waitUntil("the load generator's status gone once stopped") { await source.producerSnapshot().loadGenerator == nil }
        // Its last sends acknowledged: the broker's watermarks stop moving.
        var settled: [Int64] = []
        for _ in 0..<30 {
            let now = try await source.client.listOffsets(topic: topic, spec: .latest).map(\.offset).sorted()
            if now == settled && now.reduce(0, +) > 0 { break }
            settled = now
            try await Task.sleep(for: .seconds(1))
        }
        // What the generator delivered, read by kfast consume -e (which also ends right on Tansu,
        // whose high watermark after a batch of several records is its base offset + 1).
        let consumed = try await Kfast.run(["consume", "-b", try TestBrokers.address(broker), "-t", topic, "-e", "-f", "%p %o\\n"])
        try #require(consumed.status == 0, "\(consumed.stderr)")
        let expected = consumed.stdout.split(separator: "\n").count
        #expect(expected >= 300)
        // The cluster panel's watermarks are the broker's (refreshed about once a second).
        let reported = try await source.client.listOffsets(topic: topic, spec: .latest)
        try await waitUntil("the cluster panel showing the broker's high watermarks") {
            let shown = (try? await source.clusterSnapshot())?.topics.first { $0.name == topic }?.partitions ?? []
            return shown.map(\.highWatermark).sorted() == reported.map(\.offset).sorted()
        }
        let stream = source.tail(TailRequest(generation: 1, topic: topic, start: .beginning, messagesPerSecond: 5_000))
        let read = try await withinSeconds(60, "the tail reading \(expected) messages") {
            var collected: [KafkaDashboard.ConsumedMessage] = []
            for try await batch in stream {
                collected += batch.messages
                if collected.count >= expected { break }
            }
            return collected
        }
        #expect(read.count == expected)
        for partition in Int32(0)..<2 {
            let offsets = read.filter { $0.partition == partition }.map(\.offset)
            #expect(offsets == (0..<Int64(offsets.count)).map { $0 }, "partition \(partition) in order, none skipped")
        }
        #expect(read.allSatisfy { $0.value?.count == 64 })

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(topic).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try await source.saveMessages(Array(read.prefix(10)), to: path) == path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 10)
        for (line, message) in zip(lines, read) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["topic"] as? String == topic)
            #expect(object["partition"] as? Int == Int(message.partition))
            #expect(object["offset"] as? Int == Int(message.offset))
        }
        await source.shutdown()
    }

    /// A topic that does not exist: the send pane gets the broker's reason, nothing throws.
    @Test(arguments: BrokerKind.allCases)
    func aSendToAPartitionThatDoesNotExistSaysWhy(_ broker: BrokerKind) async throws {
        let source = try Self.source(broker)
        let topic = uniqueTopicName("dash-nopart")
        try await TestTopics.create(topic, partitions: 1, on: broker, using: source.client)
        let result = await source.send(SendRequest(id: 7, topic: topic, key: nil, value: Array("x".utf8), partition: 5))
        guard case .failed(let reason) = result.outcome else {
            Issue.record("a send to partition 5 of a 1-partition topic was \(result.outcome)")
            return
        }
        #expect(!reason.isEmpty)
        await source.shutdown()
    }
}
