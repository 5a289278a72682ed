import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import KafkaFast

/// Idempotence when a broker's producer state and the connector's disagree: the connector takes a
/// new producer id, numbers what it still holds again, and writes back acknowledged batches the
/// broker lost, so the stream goes on with nothing twice and nothing failed. (The real case, noida
/// losing what it acknowledged while shutting down, is `ProducerIdempotenceTests`' restart; it
/// happens only now and then, so the refusal is provoked here.)
@Suite(.serialized) struct ProducerSequenceRecoveryTests {
    static let properties = [
        "enable.idempotence": "true", "linger.ms": "20", "retry.backoff.ms": "50", "retry.backoff.max.ms": "200",
        "request.timeout.ms": "3000", "socket.connection.setup.timeout.ms": "2000", "delivery.timeout.ms": "60000",
    ]

    /// A gap in a partition's sequence numbers is what a broker that lost acknowledged writes
    /// sees: every later batch is out of order. It must not stall the partition.
    @Test(arguments: BrokerKind.allCases)
    func aRefusedSequenceTakesANewProducerIdAndDeliversEverythingOnce(_ kind: BrokerKind) async throws {
        // The mock cluster refuses on request (error injection), so it gets one of the test's own:
        // an injected error on the shared one could hit another test's produce.
        let privateMock = kind == .mock ? try await PrivateBroker.start(.mock) : nil
        defer { privateMock?.stop() }
        let address = try privateMock?.address ?? TestBrokers.address(kind)
        let connector = try KafkaProducer(bootstrap: address, properties: Self.properties)
        let topic = uniqueTopicName("sequence-gap")
        if let privateMock {
            try await privateMock.controlMock("create_topic", ["topic=\(topic)", "partitions=2"])
        } else {
            try await TestTopics.create(topic, partitions: 2, on: kind, using: connector.client)
        }
        for i in 0..<200 { connector.send(topic: topic, value: "before-\(i)", partition: Int32(i % 2)) }
        await connector.flush()
        let firstIdentity = try #require(connector.core.identity.withLockedValue { $0 })

        if let privateMock {
            // The mock cluster does not check sequences for gaps; it refuses on request instead.
            try await privateMock.controlMock("push_errors", ["api_key=0", "codes=\(KafkaErrorCode.outOfOrderSequenceNumber.rawValue),"])
        } else {
            let gapped = try #require(connector.core.allPartitions().first { $0.partition == 0 })
            gapped.skipSequencesForTesting(7)
        }
        for i in 0..<200 { connector.send(topic: topic, value: "after-\(i)", partition: Int32(i % 2)) }
        await connector.flush()
        let metrics = connector.metrics()
        await connector.close()

        #expect(connector.failedCount == 0 && connector.deliveredCount == 400, "\(connector.failedCount) failed: \(connector.firstFailure.map { "\($0)" } ?? "")")
        let secondIdentity = try #require(connector.core.identity.withLockedValue { $0 })
        #expect(secondIdentity != firstIdentity, "a new producer id (or epoch) after the refusal")
        // The gap is in partition 0; the injected refusal lands on whichever partition the next
        // produce request carries.
        let refusals = metrics.partitions.filter { kind == .mock || $0.partition == 0 }
            .reduce(0) { $0 + ($1.errorCounts[.outOfOrderSequenceNumber] ?? 0) }
        #expect(refusals > 0, "the broker refused the gapped sequence")
        let log = try await readWholeLog(topic: topic, partitions: 2, address: address, expecting: 400)
        let expected = (0..<200).flatMap { ["before-\($0)", "after-\($0)"] }
        #expect(log.values.sorted() == expected.sorted(), "every message once")
        #expect(metrics.partitions.reduce(0) { $0 + $1.lostByBroker } == 0)
    }
}
