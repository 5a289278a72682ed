import CoreMetrics
import Foundation
import MetricsTestKit
import Testing
@testable import KafkaFast

/// The connector's counters as swift-metrics and as librdkafka-style statistics JSON, checked
/// against a run whose counts are known.
@Suite struct ProducerMetricsExportTests {
    static let partitions: Int32 = 4
    static let perPartition = 100

    func knownRun(_ broker: BrokerKind, properties: [String: String] = [:]) async throws -> (KafkaProducer, String, [Int32: Int]) {
        let address = try TestBrokers.address(broker)
        let connector = try KafkaProducer(bootstrap: address, properties: properties)
        let topic = uniqueTopicName("export")
        try await connector.client.createTopic(topic, partitions: Self.partitions, replicationFactor: 1)
        var payloadBytes: [Int32: Int] = [:]
        for i in 0..<(Self.perPartition * Int(Self.partitions)) {
            let partition = Int32(i) % Self.partitions
            let value = "value-\(i)"
            payloadBytes[partition, default: 0] += value.utf8.count
            #expect(connector.send(topic: topic, value: value, partition: partition) == .enqueued)
        }
        await connector.flush()
        return (connector, topic, payloadBytes)
    }

    @Test(arguments: BrokerKind.allCases)
    func swiftMetricsCountWhatWasSent(_ broker: BrokerKind) async throws {
        let (connector, topic, payloadBytes) = try await knownRun(broker)
        defer { Task { await connector.close() } }
        let backend = TestMetrics()
        let export = connector.exportMetrics(every: nil, factory: backend)
        export.update()
        export.update()  // a second update with nothing new adds nothing
        for partition in Int32(0)..<Self.partitions {
            let dims = [("topic", topic), ("partition", "\(partition)")]
            #expect(backend.counterTotal(label: "kafka_fast_producer_messages_acked_total", dimensions: dims) == Int64(Self.perPartition))
            #expect(backend.counterTotal(label: "kafka_fast_producer_messages_sent_total", dimensions: dims) == Int64(Self.perPartition))
            #expect(backend.counterTotal(label: "kafka_fast_producer_bytes_acked_total", dimensions: dims) == Int64(payloadBytes[partition]!))
            #expect(backend.counterTotal(label: "kafka_fast_producer_messages_failed_total", dimensions: dims) == 0)
            #expect(try backend.expectGauge("kafka_fast_producer_messages_buffered", dims).lastValue == 0)
            let latency = try backend.expectTimer("kafka_fast_producer_ack_latency", dims)
            #expect(!latency.values.isEmpty && latency.values.allSatisfy { $0 > 0 }, "one sample per acknowledged batch")
        }
        #expect(backend.counterTotal(label: "kafka_fast_producer_delivered_total") == Int64(Self.perPartition) * Int64(Self.partitions))
        #expect(backend.counterTotal(label: "kafka_fast_producer_broker_requests_total") > 0)

        // Periodic export: new traffic shows up without calling update().
        let periodic = TestMetrics()
        let ticking = connector.exportMetrics(every: .milliseconds(50), factory: periodic)
        defer { ticking.cancel() }
        _ = try await connector.sendAndWait(topic: topic, value: Array("one more".utf8), partition: 0)
        let dims = [("topic", topic), ("partition", "0")]
        for _ in 0..<200 where periodic.counterTotal(label: "kafka_fast_producer_messages_acked_total", dimensions: dims) < 101 {
            try await Task.sleep(nanoseconds: 25_000_000)
        }
        #expect(periodic.counterTotal(label: "kafka_fast_producer_messages_acked_total", dimensions: dims) == 101)
    }

    @Test(arguments: BrokerKind.allCases)
    func statisticsJSONHasLibrdkafkaFieldsAndTheKnownCounts(_ broker: BrokerKind) async throws {
        let (connector, topic, payloadBytes) = try await knownRun(broker, properties: ["statistics.interval.ms": "100", "client.id": "stats-test"])
        defer { Task { await connector.close() } }
        let total = Self.perPartition * Int(Self.partitions)
        var document: [String: Any] = [:]
        var emitted = 0
        for await text in connector.statistics() {
            emitted += 1
            document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "parses as a JSON object")
            if document["acked_msgs"] as? Int == total || emitted == 50 { break }
        }
        #expect(document["name"] as? String == "stats-test#producer-1")
        #expect(document["client_id"] as? String == "stats-test")
        #expect(document["type"] as? String == "producer")
        #expect((document["ts"] as? Int ?? 0) > 0 && (document["time"] as? Int ?? 0) > 1_700_000_000)
        #expect(document["msg_cnt"] as? Int == 0 && document["msg_size"] as? Int == 0)
        #expect(document["msg_max"] as? Int == 100_000 && document["msg_size_max"] as? Int == 1_048_576 * 1024)
        #expect(document["txmsgs"] as? Int == total && document["acked_msgs"] as? Int == total)
        #expect((document["tx"] as? Int ?? 0) > 0 && (document["rx"] as? Int ?? 0) > 0 && (document["tx_bytes"] as? Int ?? 0) > 0)
        #expect((document["txmsg_bytes"] as? Int ?? 0) >= payloadBytes.values.reduce(0, +))

        let brokers = try #require(document["brokers"] as? [String: [String: Any]])
        #expect(!brokers.isEmpty)
        for (name, stats) in brokers {
            #expect(stats["name"] as? String == name && stats["state"] as? String == "UP")
            #expect(stats["outbuf_cnt"] as? Int == 0 && stats["waitresp_cnt"] != nil)
            let rtt = try #require(stats["rtt"] as? [String: Int])
            #expect(["min", "max", "avg", "p50", "p99"].allSatisfy { rtt[$0] != nil })
            #expect(rtt["max"]! >= rtt["min"]!)
        }
        let topics = try #require(document["topics"] as? [String: [String: Any]])
        let partitions = try #require(topics[topic]?["partitions"] as? [String: [String: Int]])
        #expect(partitions.count == Int(Self.partitions))
        for (key, stats) in partitions {
            #expect(stats["partition"] == Int(key))
            #expect(stats["txmsgs"] == Self.perPartition && stats["acked_msgs"] == Self.perPartition)
            #expect(stats["msgq_cnt"] == 0 && stats["msgq_bytes"] == 0 && stats["msgs_inflight"] == 0)
            #expect(stats["msgs"] == Self.perPartition)
        }
    }

    @Test(arguments: BrokerKind.allCases)
    func statisticsShowMessagesWaitingUnderLinger(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let connector = try KafkaProducer(bootstrap: address, properties: ["linger.ms": "3000"])
        let topic = uniqueTopicName("stats-linger")
        try await connector.client.createTopic(topic, partitions: 1, replicationFactor: 1)
        _ = try await connector.sendAndWait(topic: topic, value: Array("warm-up".utf8))
        for i in 0..<50 { connector.send(topic: topic, value: "v\(i)") }
        let document = try #require(try JSONSerialization.jsonObject(with: Data(connector.statisticsJSON().utf8)) as? [String: Any])
        #expect(document["msg_cnt"] as? Int == 50)
        let topics = try #require(document["topics"] as? [String: [String: Any]])
        let partition = try #require((topics[topic]?["partitions"] as? [String: [String: Int]])?["0"])
        #expect(partition["msgq_cnt"] == 50 && partition["acked_msgs"] == 1)
        await connector.close()
        // Off by default: the sequence ends at once.
        var documents = 0
        for await _ in connector.statistics() { documents += 1 }
        #expect(documents == 0)
    }
}
