import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle
import Testing
@testable import KafkaFast

/// The producer and the group consumer as services in one ServiceGroup, the way a Swift server
/// runs them: a graceful shutdown with messages still lingering in the producer's buffer
/// delivers them, and the consumer commits what it processed before it leaves.
@Suite struct ServiceLifecycleTests {
    /// The application's own service: reads the group's messages until the shutdown. Listed
    /// after the consumer, so it stops first (a group shuts down in reverse order); the consumer
    /// then commits what it read, and the producer flushes last.
    struct Reader: Service {
        let consumer: KafkaGroupConsumer
        let seen: NIOLockedValueBox<[String]>

        func run() async throws {
            try await cancelWhenGracefulShutdown {
                for try await message in consumer.messages {
                    seen.withLockedValue { $0.append(message.value.map { String(buffer: $0) } ?? "null") }
                }
            }
        }
    }

    @Test(arguments: BrokerKind.allCases)
    func aGracefulShutdownFlushesAndCommits(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("service")
        let group = "g-" + topic
        let admin = try KafkaClient(bootstrap: address)
        defer { admin.close() }
        try await TestTopics.create(topic, partitions: 2, on: broker, using: admin)

        // A long linger: at the shutdown the last messages are still in the buffer.
        let producer = try KafkaProducer(bootstrap: address, properties: ["linger.ms": "2000"])
        let consumer = try KafkaGroupConsumer(group: group, topics: [topic], config: KafkaConfiguration([
            "bootstrap.servers": address, "session.timeout.ms": "6000", "heartbeat.interval.ms": "500",
            "auto.offset.reset": "earliest", "enable.auto.commit": "false",
        ]))
        let seen = NIOLockedValueBox<[String]>([])
        let services = ServiceGroup(
            services: [producer, consumer, Reader(consumer: consumer, seen: seen)],
            logger: Logger(label: "service-test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let running = Task { try await services.run() }
        try await consumer.waitUntilAssigned(timeout: .seconds(60))

        let early = (0..<100).map { "early-\($0)" }
        for (index, value) in early.enumerated() { producer.send(topic: topic, value: value, partition: Int32(index % 2)) }
        try await GroupInteropTests.waitFor("the early messages read", seconds: 60) { seen.withLockedValue { $0.count } >= 100 }
        let late = (0..<50).map { "late-\($0)" }
        for value in late { producer.send(topic: topic, value: value, partition: 0) }
        await services.triggerGracefulShutdown()
        try await running.value

        #expect(producer.deliveredCount == 150 && producer.failedCount == 0, "the lingering messages went out at shutdown")
        let stored = try await Peer.consume(topic: topic, from: broker, count: 150)
        #expect(Set(stored.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } }) == Set(early + late))
        // Without auto-commit, only the shutdown committed: everything the reader had processed.
        let readEarly = seen.withLockedValue { $0 }.filter { $0.hasPrefix("early-") }.count
        #expect(readEarly == 100)
        let committed = try await Peer.committedOffsets(group: group, topic: topic, on: broker)
        let total = committed.partitions.compactMap(\.offset).reduce(0, +)
        #expect(total >= 100, "committed \(committed.partitions)")
        if case .closed = consumer.status {} else { Issue.record("the consumer is \(consumer.status), not closed") }
    }
}
