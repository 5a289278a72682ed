import Foundation
import KafkaProtocol
import Testing
@testable import KafkaFast

/// The admin calls the dashboard's views and actions stand on, against real brokers, each checked
/// against what librdkafka reads where a peer can tell.
@Suite struct AdminConfigsAndResetTests {
    @Test(arguments: BrokerKind.allCases)
    func aTopicsConfigurationShowsWhatItWasCreatedWith(_ broker: BrokerKind) async throws {
        let client = try KafkaClient(bootstrap: TestBrokers.address(broker))
        defer { client.close() }
        let topic = uniqueTopicName("configs")
        guard broker != .mock else {
            try await MockCluster.createTopic(topic, partitions: 1)
            await #expect { _ = try await client.describeTopicConfig(topic) } throws: { error in
                "\(error)".hasSuffix("does not support DescribeConfigs: no version in common (broker offers none)")
            }
            return
        }
        try await client.createTopic(topic, partitions: 1, configs: ["retention.ms": "123456"])
        let entries = try await client.describeTopicConfig(topic)
        let retention = try #require(entries.first { $0.name == "retention.ms" }, "\(entries)")
        #expect(retention.value == "123456")
        #expect(!retention.isSensitive)
        #expect(entries.map(\.name) == entries.map(\.name).sorted())
        // noida says where it comes from; Tansu calls every value a default (a quirk, shown as it is).
        if broker == .noida {
            #expect(retention.source == .topic)
            #expect(entries.first { $0.name == "cleanup.policy" }?.source == .default)
        }
        await #expect(throws: KafkaError.self) { _ = try await client.describeTopicConfig(uniqueTopicName("missing")) }
    }

    @Test(arguments: BrokerKind.allCases)
    func partitionsAreAddedWhereTheBrokerCanAndRefusedClearlyWhereNot(_ broker: BrokerKind) async throws {
        let client = try KafkaClient(bootstrap: TestBrokers.address(broker))
        defer { client.close() }
        let topic = uniqueTopicName("add-partitions")
        try await TestTopics.create(topic, partitions: 2, on: broker, using: client)
        // Not more than now: refused before anything is sent.
        do {
            try await client.createPartitions(topic: topic, totalCount: 2)
            Issue.record("accepted a count that adds nothing")
        } catch {
            #expect(error.description.contains("has 2 partitions: the new count must be larger"))
        }
        switch broker {
        case .noida:
            #expect(try await client.createPartitions(topic: topic, totalCount: 4) == 2)
            let metadata = try await client.metadata(topics: [topic], refresh: true)
            #expect(metadata.topics[topic]?.partitions.map(\.id).sorted() == [0, 1, 2, 3])
            let peer = try await Peer.metadata(of: broker, topic: topic)
            #expect(peer.topics.first { $0.name == topic }?.partitions.count == 4)
        case .tansu, .mock:
            do {
                try await client.createPartitions(topic: topic, totalCount: 4)
                Issue.record("\(broker) added partitions, which it does not offer")
            } catch {
                #expect(error.description.contains("does not support CreatePartitions"), "\(error)")
            }
        }
    }

    /// Resets of a group with no members, to every kind of target, read back by librdkafka's
    /// committed(); the groups overview shows the group and its commits.
    @Test(arguments: BrokerKind.allCases)
    func offsetResetsAreWhatLibrdkafkaThenReads(_ broker: BrokerKind) async throws {
        let client = try KafkaClient(bootstrap: TestBrokers.address(broker))
        defer { client.close() }
        let topic = uniqueTopicName("reset")
        let group = "g-" + topic
        try await TestTopics.create(topic, partitions: 2, on: broker, using: client)
        guard broker != .mock else {
            // Kafka resets only an empty group; the mock cannot describe a group, so none is reset.
            await #expect { _ = try await client.planOffsetReset(group: group, topics: [topic], to: .earliest) } throws: { error in
                "\(error)".hasSuffix("does not support DescribeGroups: no version in common (broker offers none)")
            }
            return
        }
        // One message per request, so Tansu's high watermark counts them (see brokers.md).
        for index in 0..<6 {
            _ = try await Peer.produce([PeerRecord(partition: Int32(index % 2), value: Data("m\(index)".utf8))], topic: topic, to: broker)
        }
        let marks = try await client.watermarks(topic: topic)
        #expect(marks.map(\.high) == [3, 3])

        func readBack() async throws -> [Int64?] {
            try await Peer.committedOffsets(group: group, topic: topic, on: broker).partitions.map(\.offset)
        }
        // A group that never existed: an exact offset, out of range on purpose, lands in range.
        let exact = try await client.planOffsetReset(group: group, topics: [topic], to: .offset(7))
        #expect(exact.partitions.map(\.current) == [nil, nil])
        #expect(exact.partitions.map(\.new) == [3, 3])
        #expect(exact.partitions.allSatisfy { $0.clamped })
        #expect(try await readBack() == [nil, nil], "a plan alone committed something")
        try await client.applyOffsetReset(exact)
        #expect(try await readBack() == [3, 3])

        let earliest = try await client.planOffsetReset(group: group, topics: nil, to: .earliest)
        #expect(earliest.partitions.map(\.current) == [3, 3])
        #expect(earliest.partitions.map(\.new) == [0, 0])
        try await client.applyOffsetReset(earliest)
        #expect(try await readBack() == [0, 0])

        // By time: where librdkafka's offsets_for_times points, the end of the log where it finds
        // nothing that new (Tansu points at 0 for a time after every message: a quirk both see).
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for millis in [now + 3_600_000, now - 3_600_000] {
            let plan = try await client.planOffsetReset(group: group, topics: [topic], to: .timestamp(millis))
            let peer = try await Peer.json(OffsetsForTimes.self, "peer_group.py", args: [
                "times", "--bootstrap", TestBrokers.address(broker), "--topic", topic, "--timestamp", "\(millis)",
            ])
            #expect(plan.partitions.map(\.new) == peer.partitions.map { $0.offset < 0 ? 3 : $0.offset }, "at \(millis)")
        }

        let overview = try #require(try await client.groupOverviews().first { $0.groupId == group })
        #expect(overview.committed[topic] == [0: 0, 1: 0])
        #expect(overview.description?.members.isEmpty == true)
        #expect(overview.problem == nil)
    }

    /// The per-broker view on the 3-broker mock cluster: every broker up and answering, one taken
    /// down is seen down with the failures counted, and once up again it is dialled anew.
    /// On a cluster of the test's own: a broker down on the shared one would hit every other test.
    @Test func brokerStatisticsFollowABrokerGoingDownAndComingBack() async throws {
        let cluster = try await PrivateBroker.start(.mock, brokers: 3)
        defer { cluster.stop() }
        let topic = uniqueTopicName("broker-stats")
        try await cluster.createTopic(topic, partitions: 3)
        for partition in 0..<3 { try await cluster.setLeader(topic, partition: partition, broker: partition + 1) }
        let connector = try KafkaProducer(bootstrap: cluster.bootstrap, properties: [
            "linger.ms": "1", "socket.connection.setup.timeout.ms": "2000", "request.timeout.ms": "3000",
        ])
        defer { Task { await connector.close() } }
        for partition in Int32(0)..<3 { _ = try await connector.sendAndWait(topic: topic, value: Array("x".utf8), partition: partition) }
        let before = connector.client.brokerStatistics()
        #expect(before.compactMap(\.nodeId) == [1, 2, 3])
        for broker in before {
            #expect(broker.state == .up, "\(broker)")
            #expect(broker.produceBytesOut > 0 && broker.roundTrip.count > 0)
            #expect(broker.errors == 0 && broker.reconnects == 0)
        }

        try await cluster.brokerDown(2)
        // A message for broker 2 makes the producer dial it again and fail; the others keep going.
        connector.send(topic: topic, value: Array("during".utf8), partition: 1)
        _ = try await connector.sendAndWait(topic: topic, value: Array("other".utf8), partition: 0)
        try await Self.waitFor("broker 2 down") {
            let two = connector.client.brokerStatistics().first { $0.nodeId == 2 }
            return two?.state == .down && (two?.errors ?? 0) > 0 && two?.lastFailure != nil
        }
        #expect(connector.client.brokerStatistics().filter { $0.nodeId != 2 }.allSatisfy { $0.state == .up })

        try await cluster.brokerUp(2)
        _ = try await connector.sendAndWait(topic: topic, value: Array("after".utf8), partition: 1)
        let two = try #require(connector.client.brokerStatistics().first { $0.nodeId == 2 })
        #expect(two.state == .up)
        #expect(two.reconnects >= 1 && two.disconnects >= 1, "\(two)")
    }

    struct OffsetsForTimes: Decodable {
        struct Entry: Decodable { var partition: Int32; var offset: Int64 }
        var partitions: [Entry]
    }

    private static func waitFor(_ what: String, timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TestEnvironmentError(description: "no \(what) within \(timeout)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
