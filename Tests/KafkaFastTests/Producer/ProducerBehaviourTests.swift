import Foundation
import KafkaProtocol
import Testing
@testable import KafkaFast

/// The connector's promises besides delivery: acks, back-pressure, oversize and unknown-topic
/// failures that name the problem, and metrics that add up.
@Suite struct ProducerBehaviourTests {
    func freshTopic(_ broker: BrokerKind, partitions: Int32 = 4, prefix: String) async throws -> (String, String) {
        let address = try TestBrokers.address(broker)
        let admin = try KafkaClient(bootstrap: address)
        defer { admin.close() }
        let topic = uniqueTopicName(prefix)
        try await TestTopics.create(topic, partitions: partitions, on: broker, using: admin)
        return (address, topic)
    }

    @Test(arguments: BrokerKind.allCases, ["0", "1", "all"])
    func everyAckLevelDeliversEverything(_ broker: BrokerKind, _ acks: String) async throws {
        let (address, topic) = try await freshTopic(broker, prefix: "acks-\(acks)")
        let connector = try KafkaProducer(bootstrap: address, properties: ["acks": acks, "compression.codec": "lz4"])
        let count = 3_000
        for i in 0..<count { connector.send(topic: topic, value: "m\(i)", key: "k\(i % 13)") }
        await connector.close()
        #expect(connector.deliveredCount == count)
        let consumed = try await Peer.consume(topic: topic, from: broker, count: count)
        #expect(Set(consumed.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } }) == Set((0..<count).map { "m\($0)" }))
    }

    /// `produce.connections.per.broker`: a broker's partitions spread over that many produce
    /// connections, every one carries requests, and each key's messages keep their order.
    @Test(arguments: BrokerKind.allCases, [1, 3])
    func partitionsSpreadOverTheProduceConnections(_ broker: BrokerKind, _ connections: Int) async throws {
        let (address, topic) = try await freshTopic(broker, partitions: 6, prefix: "lanes-\(connections)")
        let connector = try KafkaProducer(
            bootstrap: address, properties: ["produce.connections.per.broker": "\(connections)", "linger.ms": "1"])
        let count = 6_000
        for i in 0..<count { connector.send(topic: topic, value: "\(i)", key: "k\(i % 60)") }
        await connector.flush()
        var requestsByLane: [Int: Int64] = [:]
        for entry in connector.client.connectionStats() {
            if case .produce(let lane) = entry.purpose { requestsByLane[lane, default: 0] += entry.stats.requests }
        }
        #expect(Set(requestsByLane.keys) == Set(0..<connections))
        #expect(requestsByLane.values.allSatisfy { $0 > 0 }, "every produce connection carried requests: \(requestsByLane)")
        await connector.close()
        #expect(connector.deliveredCount == count)
        let consumed = try await Peer.consume(topic: topic, from: broker, count: count)
        var lastByKey: [Data: Int] = [:]
        var outOfOrder = 0
        for record in consumed.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
            guard let key = record.key, let value = record.value, let number = Int(String(decoding: value, as: UTF8.self)) else { continue }
            if let last = lastByKey[key], last >= number { outOfOrder += 1 }
            lastByKey[key] = number
        }
        #expect(consumed.count == count && outOfOrder == 0)
    }

    @Test(arguments: BrokerKind.allCases)
    func aFullBufferSaysQueueFullAndLosesNothing(_ broker: BrokerKind) async throws {
        let (address, topic) = try await freshTopic(broker, partitions: 2, prefix: "backpressure")
        let connector = try KafkaProducer(
            bootstrap: address, properties: ["queue.buffering.max.messages": "20", "linger.ms": "20"])
        var enqueued: [String] = []
        var queueFull = 0
        for i in 0..<500 {
            switch connector.send(topic: topic, value: "v\(i)") {
            case .enqueued: enqueued.append("v\(i)")
            case .queueFull: queueFull += 1
            case .rejected(let error): Issue.record("rejected: \(error)")
            }
        }
        #expect(queueFull > 0, "a 20-message buffer must fill up")
        // The awaitable send waits for room instead of failing.
        let waited = try await withThrowingTaskGroup(of: DeliveryReport.self) { group in
            for i in 0..<100 { group.addTask { try await connector.sendAndWait(topic: topic, value: Array("w\(i)".utf8)) } }
            return try await group.reduce(into: [DeliveryReport]()) { $0.append($1) }
        }
        #expect(waited.count == 100 && waited.allSatisfy { $0.isDelivered && $0.offset >= 0 })
        await connector.close()
        #expect(connector.deliveredCount == enqueued.count + 100)
        let consumed = try await Peer.consume(topic: topic, from: broker, count: enqueued.count + 100)
        let values = Set(consumed.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } })
        #expect(values == Set(enqueued + (0..<100).map { "w\($0)" }))
    }

    @Test(arguments: BrokerKind.allCases)
    func anOversizeMessageFailsAloneWithMessageTooLarge(_ broker: BrokerKind) async throws {
        let (address, topic) = try await freshTopic(broker, partitions: 1, prefix: "oversize")
        let connector = try KafkaProducer(bootstrap: address, properties: ["message.max.bytes": "10000"])
        #expect(connector.send(topic: topic, value: "before") == .enqueued)
        let status = connector.send(topic: topic, value: [UInt8](repeating: 7, count: 20_000))
        guard case .rejected(let error) = status else {
            Issue.record("a 20,000-byte message was not rejected: \(status)")
            return
        }
        #expect(error.code == .deliveryFailed && error.kafkaErrorCode == .messageTooLarge)
        #expect(error.description.contains("MESSAGE_TOO_LARGE") && error.description.contains("message.max.bytes"))
        await #expect(throws: KafkaError.self) {
            _ = try await connector.sendAndWait(topic: topic, value: [UInt8](repeating: 7, count: 20_000))
        }
        #expect(connector.send(topic: topic, value: "after") == .enqueued)
        await connector.close()
        #expect(connector.deliveredCount == 2)
        let consumed = try await Peer.consume(topic: topic, from: broker, count: 2)
        #expect(consumed.map { $0.value.map { String(decoding: $0, as: UTF8.self) } } == ["before", "after"])
    }

    @Test(arguments: BrokerKind.allCases)
    func anUnknownTopicFailsWithItsName(_ broker: BrokerKind) async throws {
        let connector = try KafkaProducer(bootstrap: try TestBrokers.address(broker))
        let topic = uniqueTopicName("never-created")
        do {
            _ = try await connector.sendAndWait(topic: topic, value: Array("x".utf8))
            Issue.record("delivered to a topic that does not exist")
        } catch {
            #expect("\(error)" == "unknown topic '\(topic)': it does not exist on the cluster")
        }
        await connector.close()
        #expect(connector.failedCount == 1)
    }

    @Test(arguments: BrokerKind.allCases)
    func metricsCountWhatWasSentAndFillEmptiesAfterFlush(_ broker: BrokerKind) async throws {
        let (address, topic) = try await freshTopic(broker, partitions: 4, prefix: "metrics")
        let connector = try KafkaProducer(bootstrap: address, properties: ["linger.ms": "3000"])
        // Metadata first, so the messages land in partition buffers rather than the pending queue.
        _ = try await connector.sendAndWait(topic: topic, value: Array("warm-up".utf8), partition: 0)
        for i in 0..<400 { connector.send(topic: topic, value: "value-\(i)", partition: Int32(i % 4)) }
        let lingering = connector.metrics()
        let buffered = lingering.partitions.filter { $0.topic == topic }
        #expect(buffered.map(\.bufferedMessages).reduce(0, +) == 400)
        #expect(buffered.allSatisfy { $0.bufferedMessages == 100 && $0.fill > 0 })
        #expect(lingering.bufferedMessages == 400)

        await connector.flush()
        let flushed = connector.metrics().partitions.filter { $0.topic == topic }
        #expect(flushed.allSatisfy { $0.bufferedMessages == 0 && $0.bufferedBytes == 0 && $0.fill == 0 })
        #expect(flushed.map(\.ackedMessages) == [101, 100, 100, 100])
        #expect(flushed.allSatisfy { $0.sentMessages == $0.ackedMessages && $0.failedMessages == 0 && $0.inFlightBatches == 0 })
        #expect(flushed.allSatisfy { ($0.ackLatencyP99Ms ?? 0) > 0 })
        #expect(connector.metrics().delivered == 401)
        await connector.close()
    }
}
