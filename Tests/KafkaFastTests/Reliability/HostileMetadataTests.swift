import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import KafkaFast

/// A Metadata answer is checked where it enters (`ClusterMetadata(validating:check:)`): a bad
/// value is the request's protocol error naming the broker and the field, never a trap.
@Suite struct HostileMetadataTests {
    /// The reported crash: a Metadata answer with a negative partition id made the producer index
    /// its partition array with -1 (`ProducerCore.refreshLeaders`, "Illegal instruction").
    @Test(arguments: ServerUnderTest.allCases)
    func aNegativePartitionIdEndsTheSendWithOneLine(_ server: ServerUnderTest) async throws {
        let topic = uniqueTopicName("hostile-metadata")
        try await server.createTopic(topic, partitions: 3)
        let proxy = try await KafkaProxy.start(bootstrap: try server.bootstrap())
        defer { proxy.stop() }
        // The proxy first proves itself with librdkafka: the topic, its brokers at the proxy's ports.
        let seen = try await Peer.json(ClusterMetadataReport.self, "peer_metadata.py", args: ["--bootstrap", proxy.bootstrap, "--topic", topic])
        #expect(seen.topics.map(\.name) == [topic] && seen.topics[0].partitions.count == 3)
        #expect(Set(seen.brokers.map { Int($0.port) }) == proxy.ports, "brokers behind the proxy: \(seen.brokers), \(proxy.stats)")

        proxy.onAnswer { answer in
            guard answer.apiKey == MetadataRequest.apiKey, var body = Optional(answer.body),
                  var response = try? MetadataResponse(from: &body, version: answer.version),
                  let index = response.topics.firstIndex(where: { $0.name == topic }) else { return .forward }
            response.topics[index].partitions[0].partitionIndex = -1
            answer.body = try! KafkaProxy.encode(response, version: answer.version)
            return .forward
        }
        let result = try await Kfast.run(["produce", "-b", proxy.bootstrap, "-t", topic, "-p", "0", "--value", "x"], timeout: 60)
        #expect(result.status == 1, "exit status \(result.status): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        #expect(result.stderr.contains("sent an invalid response: Metadata v"), "\(result.stderr)")
        #expect(result.stderr.contains("partition -1 of topic '\(topic)' is -1, not a partition id"), "\(result.stderr)")
    }

    static let brokers = [
        MetadataResponse.MetadataResponseBroker(nodeId: 1, host: "127.0.0.1", port: 9092),
        MetadataResponse.MetadataResponseBroker(nodeId: 2, host: "127.0.0.1", port: 9093),
    ]

    static func answer(
        brokers: [MetadataResponse.MetadataResponseBroker] = brokers,
        partitions: [(id: Int32, leader: Int32)] = [(0, 1), (1, 2), (2, 1)], topics: [String] = ["t"]
    ) -> MetadataResponse {
        MetadataResponse(brokers: brokers, controllerId: 1, topics: topics.map { name in
            .init(name: name, partitions: partitions.map { .init(partitionIndex: $0.id, leaderId: $0.leader, replicaNodes: [1]) })
        })
    }

    static func validate(_ response: MetadataResponse) throws(KafkaError) -> ClusterMetadata {
        try ClusterMetadata(validating: response, check: AnswerCheck(broker: "b:1", answer: "Metadata v12"))
    }

    /// A hostile answer and what its error must say; shown in the test log by that line.
    struct Case: CustomTestStringConvertible, Sendable {
        let answer: MetadataResponse
        let says: String
        var testDescription: String { says }
    }

    /// Each bad value, and the one line that names it.
    @Test(arguments: [
        Case(answer: answer(partitions: [(0, 1), (-1, 2), (2, 1)]), says: "partition -1 of topic 't' is -1, not a partition id"),
        Case(answer: answer(partitions: [(0, 1), (1, 2), (1, 1)]), says: "partition 1 of topic 't' is listed twice"),
        Case(answer: answer(partitions: [(0, 1), (1, 2), (7, 1)]), says: "partition 7 of topic 't' is outside the 3 partitions listed"),
        Case(answer: answer(partitions: [(0, 1), (1, -5), (2, 1)]), says: "leader of partition 1 of topic 't' is -5, not a broker id"),
        Case(answer: answer(topics: ["t", "t"]), says: "topic 't' is listed twice"),
        Case(answer: answer(brokers: brokers + [.init(nodeId: 2, host: "h", port: 1)]), says: "brokers[2].nodeId repeats broker 2"),
        Case(answer: answer(brokers: [.init(nodeId: -3, host: "h", port: 1)]), says: "brokers[0].nodeId is -3, not a broker id"),
        Case(answer: answer(brokers: [.init(nodeId: 1, host: "h", port: 70000)]), says: "port of broker 1 is 70000, not a port from 1 to 65535"),
        Case(answer: answer(brokers: [.init(nodeId: 1, host: "h", port: 0)]), says: "port of broker 1 is 0, not a port from 1 to 65535"),
        Case(answer: answer(brokers: [.init(nodeId: 1, host: "", port: 1)]), says: "host of broker 1 is not a host name (0 bytes: '')"),
        Case(answer: answer(brokers: [.init(nodeId: 1, host: "a\u{0}b", port: 1)]), says: "host of broker 1 is not a host name (3 bytes: 'a\\u{0}b')"),
    ])
    func eachBadValueIsNamed(_ hostile: Case) {
        #expect(throws: KafkaError.self) { try Self.validate(hostile.answer) }
        do {
            _ = try Self.validate(hostile.answer)
        } catch {
            #expect(error.description == "broker b:1 sent an invalid response: Metadata v12 response: \(hostile.says)")
        }
    }

    /// A leader the answer does not list cannot be dialled: the partition has no leader for now
    /// (the mock cluster names a stopped broker so), which the producer and consumers wait out.
    @Test func anUnlistedLeaderIsNoLeader() throws {
        let metadata = try Self.validate(Self.answer(partitions: [(0, 1), (1, 9), (2, -1)]))
        #expect(metadata.topics["t"]?.partitions.map(\.leader) == [1, -1, -1])
        #expect(metadata.topics["t"]?.partitions.map(\.id) == [0, 1, 2])
    }

    /// `TopicMetadata.partition(_:)` is asked for ids a caller gave (`KafkaClient.fetch`); a
    /// negative one is simply not there.
    @Test func aNegativePartitionIsNotFound() throws {
        let metadata = try Self.validate(Self.answer())
        #expect(metadata.topics["t"]?.partition(-1) == nil)
        #expect(metadata.topics["t"]?.partition(2)?.leader == 1)
    }
}
