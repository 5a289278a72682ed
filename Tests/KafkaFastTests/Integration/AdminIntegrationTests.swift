import KafkaProtocol
import Testing
@testable import KafkaFast

@Suite struct AdminIntegrationTests {
    @Test(arguments: BrokerKind.allCases)
    func createsListsAndDeletesATopic(_ broker: BrokerKind) async throws {
        let client = try KafkaClient(bootstrap: TestBrokers.address(broker))
        defer { client.close() }
        let topic = uniqueTopicName("admin")
        guard broker.hasTopicAdmin else {
            // The mock cluster has no CreateTopics/DeleteTopics: one clear line, nothing sent.
            await #expect { try await client.createTopic(topic, partitions: 4) } throws: { error in
                "\(error)".hasSuffix("does not support CreateTopics: no version in common (broker offers none)")
            }
            await #expect { try await client.deleteTopic(topic) } throws: { error in
                "\(error)".hasSuffix("does not support DeleteTopics: no version in common (broker offers none)")
            }
            return
        }
        try await client.createTopic(topic, partitions: 4, replicationFactor: 1)

        let metadata = try await client.metadata(topics: [topic], refresh: true)
        let created = try #require(metadata.topics[topic])
        #expect(created.partitions.map(\.id) == [0, 1, 2, 3])
        #expect(created.partitions.allSatisfy { $0.leader >= 0 && $0.replicas == [$0.leader] })

        let marks = try await client.watermarks(topic: topic)
        #expect(marks.map(\.partition) == [0, 1, 2, 3])
        #expect(marks.allSatisfy { $0.low == 0 && $0.high == 0 })

        do {
            try await client.createTopic(topic, partitions: 4)
            Issue.record("created the same topic twice")
        } catch {
            #expect(error.description.contains("TOPIC_ALREADY_EXISTS"))
        }

        try await client.deleteTopic(topic)
        await #expect(throws: KafkaError.self) { _ = try await client.watermarks(topic: topic) }
    }

    @Test(arguments: BrokerKind.allCases)
    func anUnknownTopicIsNamedInTheError(_ broker: BrokerKind) async throws {
        let client = try KafkaClient(bootstrap: TestBrokers.address(broker))
        defer { client.close() }
        let topic = uniqueTopicName("missing")
        do {
            _ = try await client.watermarks(topic: topic)
            Issue.record("found a topic that was never created")
        } catch {
            #expect(error.description == "unknown topic '\(topic)': it does not exist on the cluster")
        }
    }

    @Test func rejectsInvalidTopicNamesBeforeAskingTheBroker() async throws {
        let client = try KafkaClient(bootstrap: "127.0.0.1:1")
        defer { client.close() }
        await #expect(throws: KafkaError.self) { try await client.createTopic("bad name!") }
    }
}
