import Foundation
import KafkaProtocol
import Testing
@testable import KafkaFast

/// Failures the producer must end or mend, each found in a review of the producer and proved
/// here against real servers (a private librdkafka mock cluster where errors are injected, so
/// other tests on the shared one never see them).
@Suite struct ProducerFailureTests {
    static let idempotent = ["enable.idempotence": "true", "linger.ms": "1", "retry.backoff.ms": "20", "retry.backoff.max.ms": "100"]

    /// InitProducerId refused for good while a sequence recovery holds every sink: the
    /// recovery retried it forever and every message waited for its delivery timeout, with no
    /// word of why. Now a refusal no retry can mend fails every waiting message at once with it.
    @Test func aRefusedProducerIdFailsEveryWaitingSendAtOnce() async throws {
        let cluster = try await PrivateMockCluster.start()
        defer { cluster.stop() }
        let topic = uniqueTopicName("init-pid-refused")
        try await cluster.createTopic(topic, partitions: 2)
        let connector = try KafkaProducer(bootstrap: cluster.bootstrap, properties: Self.idempotent)
        _ = try await connector.sendAndWait(topic: topic, value: Array("acknowledged".utf8), partition: 0)
        // The next produce is refused for its sequence (a recovery starts), and every
        // InitProducerId after it for want of authorization.
        try await cluster.pushErrors(apiKey: 0, codes: [45])
        try await cluster.pushErrors(apiKey: 22, codes: Array(repeating: 31, count: 3000))
        let started = ContinuousClock.now
        let outcomes = try await withinSeconds(20, "every waiting send ended") {
            await withTaskGroup(of: Result<DeliveryReport, any Error>.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        do {
                            return .success(try await connector.sendAndWait(topic: topic, value: Array("waiting \(index)".utf8), partition: 0))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        for outcome in outcomes {
            guard case .failure(let error) = outcome else {
                Issue.record("a send was delivered while no producer id could be had")
                continue
            }
            #expect((error as? KafkaError)?.kafkaErrorCode == KafkaErrorCode(rawValue: 31), "\(error)")
            #expect("\(error)".contains("CLUSTER_AUTHORIZATION_FAILED"), "\(error)")
        }
        #expect(ContinuousClock.now - started < .seconds(20))
        await connector.close()
    }

    /// PRODUCER_FENCED: another producer owns the producer id. As librdkafka and Java do, the
    /// producer stops for good: the fenced message and every later send fail with it.
    @Test func aFencedProducerStopsForGood() async throws {
        let cluster = try await PrivateMockCluster.start()
        defer { cluster.stop() }
        let topic = uniqueTopicName("fenced")
        try await cluster.createTopic(topic, partitions: 1)
        let connector = try KafkaProducer(bootstrap: cluster.bootstrap, properties: Self.idempotent)
        _ = try await connector.sendAndWait(topic: topic, value: Array("before".utf8))
        try await cluster.pushErrors(apiKey: 0, codes: [90])
        await #expect {
            _ = try await withinSeconds(20, "the fenced send ended") {
                try await connector.sendAndWait(topic: topic, value: Array("fenced".utf8))
            }
        } throws: { error in
            (error as? KafkaError)?.kafkaErrorCode == .producerFenced && "\(error)".contains("fenced this producer")
        }
        guard case .rejected(let later) = connector.send(topic: topic, value: Array("after".utf8)) else {
            Issue.record("a send after PRODUCER_FENCED was accepted")
            return
        }
        #expect(later.kafkaErrorCode == .producerFenced)
        await connector.close()
    }

    /// INVALID_PRODUCER_EPOCH: the producer's epoch is stale. The batch was not written: the
    /// producer takes a new id and epoch and writes it, once.
    @Test func aStaleEpochIsRenewedAndNothingIsWrittenTwice() async throws {
        let cluster = try await PrivateMockCluster.start()
        defer { cluster.stop() }
        let topic = uniqueTopicName("stale-epoch")
        try await cluster.createTopic(topic, partitions: 1)
        let connector = try KafkaProducer(bootstrap: cluster.bootstrap, properties: Self.idempotent)
        _ = try await connector.sendAndWait(topic: topic, value: Array("one".utf8))
        try await cluster.pushErrors(apiKey: 0, codes: [47])
        let second = try await withinSeconds(20, "the send after a stale epoch") {
            try await connector.sendAndWait(topic: topic, value: Array("two".utf8))
        }
        #expect(second.offset == 1)
        await connector.close()
        let read = try await Peer.jsonLines(ConsumedRecord.self, "peer_consume.py", args: [
            "--client", "confluent", "--bootstrap", cluster.bootstrap, "--topic", topic, "--from-beginning", "--count", "2",
        ])
        #expect(read.map { String(decoding: $0.value ?? Data(), as: UTF8.self) } == ["one", "two"])
        #expect(read.map(\.offset) == [0, 1])
    }

    /// A topic deleted and created again under a live producer starts its offsets at 0 again:
    /// those are real and reported as they are (they were reported as -1, "unknown").
    @Test(arguments: BrokerKind.allCases)
    func offsetsOfATopicCreatedAgainAreReported(_ broker: BrokerKind) async throws {
        let client = try KafkaClient(bootstrap: try TestBrokers.address(broker))
        defer { client.close() }
        let topic = uniqueTopicName("recreated")
        try await TestTopics.create(topic, partitions: 1, on: broker, using: client)
        let connector = try KafkaProducer(client: client)
        for expected in Int64(0)..<3 {
            #expect(try await connector.sendAndWait(topic: topic, value: Array("first life".utf8)).offset == expected)
        }
        try await TestTopics.delete(topic, on: broker, using: client)
        try await waitUntil("\(topic) is gone") { (try? await client.metadata(topics: [topic], refresh: true).topics[topic]?.error) == .unknownTopicOrPartition }
        try await TestTopics.create(topic, partitions: 1, on: broker, using: client)
        let report = try await withinSeconds(60, "the first send to the new topic") {
            try await connector.sendAndWait(topic: topic, value: Array("second life".utf8))
        }
        #expect(report.offset == 0)
        await connector.close()
    }

    /// `message.max.bytes` limits the batch a message makes, headers included: a small value
    /// with a large header is refused before it is sent (the check counted key and value only).
    @Test func headerBytesCountAgainstTheMessageLimit() async throws {
        let connector = try KafkaProducer(
            bootstrap: try TestBrokers.address(.tansu), properties: ["message.max.bytes": "10000"])
        let status = connector.send(
            topic: uniqueTopicName("header-limit"), value: Array("small".utf8), headers: [MessageHeader("big", Array(repeating: 0x41, count: 20_000))])
        guard case .rejected(let error) = status else {
            Issue.record("a 20 KB header passed a 10 KB message.max.bytes: \(status)")
            return
        }
        #expect(error.kafkaErrorCode == .messageTooLarge)
        #expect(error.description.contains("exceeds message.max.bytes (10000)"), "\(error)")
        #expect(connector.send(topic: uniqueTopicName("header-limit"), value: Array("small".utf8),
                               headers: [MessageHeader("fits", Array(repeating: 0x41, count: 9_000))]) == .enqueued)
        await connector.close()
    }
}
