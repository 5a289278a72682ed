import Foundation
import Testing
@testable import KafkaFast

/// The broker goes away in the middle of a run and comes back (noida keeps its data): every
/// message the connector reported acknowledged must be in the log afterwards.
@Suite(.serialized) struct ProducerRestartTests {
    @Test func acknowledgedMessagesSurviveABrokerRestart() async throws {
        let broker = try await PrivateBroker.start(.noida)
        defer { broker.stop() }
        let connector = try KafkaProducer(
            bootstrap: broker.address,
            properties: ["linger.ms": "5", "retry.backoff.ms": "50", "retry.backoff.max.ms": "500", "request.timeout.ms": "3000"])
        let topic = uniqueTopicName("restart")
        try await connector.client.createTopic(topic, partitions: 4, replicationFactor: 1)
        let reports = connector.deliveryReports()
        let collector = Task { () -> (acked: Set<String>, failed: Int) in
            var acked = Set<String>()
            var failed = 0
            for await report in reports {
                if report.isDelivered { acked.insert(report.topic + "#\(report.partition)#\(report.offset)") } else { failed += 1 }
            }
            return (acked, failed)
        }

        let count = 6_000
        let producer = Task {
            for i in 0..<count {
                while connector.send(topic: topic, value: "message-\(i)") == .queueFull {
                    try await Task.sleep(nanoseconds: 1_000_000)
                }
                if i % 100 == 0 { try await Task.sleep(nanoseconds: 25_000_000) }  // about 1.5 s of traffic
            }
        }
        // Stop the broker once the first messages are acknowledged, while most are still to come.
        for _ in 0..<1_000 where connector.deliveredCount == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
        let deliveredBeforeStop = connector.deliveredCount
        await broker.shutDown()
        try await Task.sleep(nanoseconds: 1_000_000_000)
        try await broker.start()
        try await producer.value
        await connector.close()
        let (acked, failed) = await collector.value

        #expect(deliveredBeforeStop > 0 && deliveredBeforeStop < count, "the broker stopped in the middle: \(deliveredBeforeStop) delivered before")
        #expect(failed == 0, "with the broker back within the delivery timeout nothing fails")
        #expect(connector.deliveredCount == count)
        // Every acknowledged (partition, offset) holds one of our messages, and every message is there at least once.
        let client = try KafkaClient(bootstrap: broker.address)
        defer { client.close() }
        var stored: [String: String] = [:]
        for partition in Int32(0)..<4 {
            var offset: Int64 = 0
            let end = try await client.watermarks(topic: topic).first { $0.partition == partition }!.high
            while offset < end {
                let fetched = try await client.fetch(topic: topic, partition: partition, offset: offset, maxWaitMs: 100)
                for message in fetched.messages {
                    stored["\(topic)#\(partition)#\(message.offset)"] = String(buffer: message.value!)
                }
                guard fetched.nextOffset > offset else { break }
                offset = fetched.nextOffset
            }
        }
        let missing = acked.filter { stored[$0] == nil }
        #expect(missing.isEmpty, "\(missing.count) acknowledged offsets are not in the log, e.g. \(missing.prefix(3))")
        #expect(Set(stored.values) == Set((0..<count).map { "message-\($0)" }), "every message is in the log")
    }
}
