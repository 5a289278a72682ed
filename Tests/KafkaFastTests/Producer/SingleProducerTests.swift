import Foundation
import KafkaCompression
import KafkaProtocol
import NIOCore
import Testing
@testable import KafkaFast

/// The original library's low-level `Producer`: pipelined sends, answers read in order,
/// a timeout that loses nothing, and oversize batches refused by partition.
@Suite struct SingleProducerTests {
    func freshTopic(_ broker: BrokerKind, partitions: Int32) async throws -> (host: String, port: Int, topic: String) {
        let address = try TestBrokers.address(broker)
        let admin = try KafkaClient(bootstrap: address)
        defer { admin.close() }
        let topic = uniqueTopicName("single")
        try await admin.createTopic(topic, partitions: partitions, replicationFactor: 1)
        let parts = address.split(separator: ":")
        return (String(parts[0]), Int(parts[1])!, topic)
    }

    static func messages(_ topic: String, _ partition: Int32, _ values: [String]) -> [KafkaSingleConnectionProducer.Message] {
        values.map { KafkaSingleConnectionProducer.Message(topic: topic, partition: partition, value: Array($0.utf8), key: Array("k-\($0)".utf8)) }
    }

    @Test(arguments: BrokerKind.allCases)
    func pipelinedSendsAreAnsweredInOrder(_ broker: BrokerKind) async throws {
        let (host, port, topic) = try await freshTopic(broker, partitions: 3)
        let producer = try await KafkaSingleConnectionProducer(host: host, port: port)
        defer { producer.close() }
        // Three sends before any answer is read; the middle one compressed, each with its own acks.
        try producer.send(Self.messages(topic, 0, ["a0", "a1", "a2"]) + Self.messages(topic, 1, ["b0", "b1"]))
        try producer.send(Self.messages(topic, 0, ["a3"]), config: .init(acks: .all, compression: .gzip))
        try producer.send(Self.messages(topic, 2, ["c0"]), config: .init(acks: .none))  // no answer to read
        try producer.send(Self.messages(topic, 2, ["c1"]) + Self.messages(topic, 1, ["b2"]), config: .init(compression: .lz4))
        #expect(producer.unreadResponses == 3)

        let first = try #require(try await producer.readResponse(timeout: .seconds(10)))
        #expect(first == [topic: [.init(partition: 0, error: .none, offset: 0), .init(partition: 1, error: .none, offset: 0)]])
        let second = try #require(try await producer.readResponse(timeout: .seconds(10)))
        #expect(second == [topic: [.init(partition: 0, error: .none, offset: 3)]])
        let fourth = try #require(try await producer.readResponse(timeout: .seconds(10)))
        #expect(fourth == [topic: [.init(partition: 2, error: .none, offset: 1), .init(partition: 1, error: .none, offset: 2)]])
        #expect(try await producer.readResponse(timeout: .milliseconds(50)) == nil, "no send awaits an answer")

        let consumed = try await Peer.consume(topic: topic, from: broker, count: 9)
        var byPartition: [Int32: [String]] = [:]
        for record in consumed {
            byPartition[record.partition, default: []].append(String(decoding: record.value ?? Data(), as: UTF8.self))
            #expect(record.key.map { String(decoding: $0, as: UTF8.self) } == "k-" + String(decoding: record.value ?? Data(), as: UTF8.self))
        }
        #expect(byPartition == [0: ["a0", "a1", "a2", "a3"], 1: ["b0", "b1", "b2"], 2: ["c0", "c1"]])
    }

    /// The broker's answer held back on the way (a hung link): readResponse says nil after its
    /// timeout, and the answer is still the next one read once it arrives.
    @Test(arguments: BrokerKind.allCases)
    func aLateAnswerIsNilThenStillRead(_ broker: BrokerKind) async throws {
        let (_, port, topic) = try await freshTopic(broker, partitions: 1)
        let proxy = try await TCPProxy.start(forwardingTo: port)
        defer { proxy.stop() }
        let producer = try await KafkaSingleConnectionProducer(host: "127.0.0.1", port: proxy.port)
        defer { producer.close() }
        proxy.holdResponses(true)
        try producer.send(Self.messages(topic, 0, ["late"]))
        let started = ContinuousClock.now
        #expect(try await producer.readResponse(timeout: .milliseconds(300)) == nil)
        #expect(ContinuousClock.now - started >= .milliseconds(300), "nil only once the timeout has passed")
        #expect(producer.unreadResponses == 1, "the answer is still awaited")
        proxy.holdResponses(false)
        let answer = try await producer.readResponse(timeout: .seconds(10))
        #expect(answer == [topic: [.init(partition: 0, error: .none, offset: 0)]])
        #expect(producer.unreadResponses == 0)
    }

    /// A listener that never answers: connecting fails within request.timeout.ms, in one line.
    @Test func aSilentBrokerFailsToConnectWithinTheRequestTimeout() async throws {
        let server = try await SilentServer.start()
        defer { server.stop() }
        var config = KafkaConfiguration()
        config.requestTimeoutMs = 500
        let started = ContinuousClock.now
        do {
            _ = try await KafkaSingleConnectionProducer(host: "127.0.0.1", port: server.port, config: config)
            Issue.record("connected to a server that never answers")
        } catch {
            #expect(error.description == "ApiVersions request to broker 127.0.0.1:\(server.port) timed out after 500 ms")
        }
        #expect(ContinuousClock.now - started < .milliseconds(config.connectTimeoutMs + config.requestTimeoutMs))
    }

    /// A batch over message.max.bytes is not sent: its partition answers MESSAGE_TOO_LARGE, the
    /// rest of the same send is written. With acks=0 there is no answer, so send throws.
    @Test(arguments: BrokerKind.allCases)
    func anOversizeBatchFailsItsPartitionOnly(_ broker: BrokerKind) async throws {
        let (host, port, topic) = try await freshTopic(broker, partitions: 2)
        var config = KafkaConfiguration()
        try config.set("message.max.bytes", "100000")
        let producer = try await KafkaSingleConnectionProducer(host: host, port: port, config: config)
        defer { producer.close() }
        let huge = String(repeating: "x", count: 150_000)
        try producer.send(Self.messages(topic, 0, ["small"]) + Self.messages(topic, 1, [huge]))
        let answer = try #require(try await producer.readResponse(timeout: .seconds(10)))
        #expect(answer == [topic: [.init(partition: 0, error: .none, offset: 0), .init(partition: 1, error: .messageTooLarge, offset: -1)]])
        #expect(throws: KafkaError.self) { try producer.send(Self.messages(topic, 1, [huge]), config: .init(acks: .none)) }
        try producer.send(Self.messages(topic, 1, ["fits"]))
        #expect(try await producer.readResponse(timeout: .seconds(10)) == [topic: [.init(partition: 1, error: .none, offset: 0)]])
    }
}
