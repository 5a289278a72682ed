import Foundation
import KafkaCompression
import Testing
@testable import KafkaFast

/// What the connector produces, read back by librdkafka (confluent-kafka).
@Suite struct ProducerDeliveryTests {
    static func keyFor(_ i: Int) -> String? { i % 2 == 0 ? "key-\(i % 97)" : nil }
    static func valueFor(_ i: Int) -> String { "value-\(i)-" + String(repeating: "x", count: i % 50) }

    @Test(arguments: BrokerKind.allCases, CompressionCodec.allCases)
    func librdkafkaReadsEveryMessageInOrder(_ broker: BrokerKind, _ codec: CompressionCodec) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("produce-\(codec.name)")
        let admin = try KafkaClient(bootstrap: address)
        defer { admin.close() }
        try await admin.createTopic(topic, partitions: 8, replicationFactor: 1)

        let count = 5_000
        let connector = try KafkaConnector(bootstrap: address, properties: ["compression.codec": codec.name, "linger.ms": "5"])
        for i in 0..<count {
            let status = connector.send(topic: topic, value: Self.valueFor(i), key: Self.keyFor(i))
            #expect(status == .enqueued)
        }
        await connector.close()
        #expect(connector.deliveredCount == count)
        #expect(connector.failedCount == 0)

        let consumed = try await Peer.jsonLines(
            ConsumedRecord.self, "peer_consume.py",
            args: ["--client", "confluent", "--bootstrap", address, "--topic", topic, "--from-beginning", "--count", "\(count)"])
        #expect(consumed.count == count)
        var lastIndexByPartition: [Int32: Int] = [:]
        var seen = Set<Int>()
        var outOfOrder: [String] = []
        for record in consumed {
            let value = String(decoding: try #require(record.value), as: UTF8.self)
            let index = try #require(Int(value.split(separator: "-")[1]))
            #expect(value == Self.valueFor(index))
            seen.insert(index)
            if (lastIndexByPartition[record.partition] ?? -1) >= index {
                outOfOrder.append("message \(index) after \(lastIndexByPartition[record.partition]!) in partition \(record.partition)")
            }
            lastIndexByPartition[record.partition] = index
            let key = record.key.map { String(decoding: $0, as: UTF8.self) }
            #expect(key == Self.keyFor(index))
            if let key {
                let expected = Array(key.utf8).withUnsafeBytes { Murmur2.partition(forKey: $0, partitionCount: 8) }
                #expect(record.partition == expected, "keyed message on murmur2's partition")
            }
        }
        #expect(seen.count == count, "none missing")
        #expect(outOfOrder.isEmpty, "order kept within each partition; first breaks: \(outOfOrder.prefix(3))")
    }
}
