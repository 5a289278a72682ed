import Foundation
import Testing
@testable import KafkaFast

/// The delivery matrix at full scale: 100,000 keyed and unkeyed messages over 8
/// partitions, for every codec and ack level on both brokers, read back once by librdkafka
/// (confluent-kafka), which checks that none is missing or doubled, that order is kept within
/// each partition and that every keyed message sits on the partition Java's murmur2 picks.
/// The 30 cases run concurrently; the peer prints one summary per topic, not a line per message.
@Suite struct ProducerDeliveryTests {
    static let count = 100_000
    static let partitions: Int32 = 8
    /// Built once for every case (see peer_verify_produced.py for the same rule).
    static let values: [[UInt8]] = (0..<count).map { Array("value-\($0)-".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: $0 % 50) }
    static let keys: [[UInt8]] = (0..<97).map { Array("key-\($0)".utf8) }

    struct Verification: Decodable {
        var count: Int
        var partitions: Int
        var missing: Int
        var duplicates: Int
        var outOfOrder: Int
        var badKey: Int
        var badValue: Int
        var wrongPartition: Int
        var problems: [String]

        enum CodingKeys: String, CodingKey {
            case count, partitions, missing, duplicates, problems
            case outOfOrder = "out_of_order", badKey = "bad_key", badValue = "bad_value", wrongPartition = "wrong_partition"
        }
    }

    @Test(arguments: BrokerKind.allCases, CompressionCodec.allCases.flatMap { codec in ["0", "1", "all"].map { (codec, $0) } })
    func librdkafkaReadsEveryMessageInOrder(_ broker: BrokerKind, _ variant: (codec: CompressionCodec, acks: String)) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("produce-\(variant.codec.name)-acks\(variant.acks)")
        let connector = try KafkaProducer(
            bootstrap: address, properties: ["compression.codec": variant.codec.name, "acks": variant.acks, "linger.ms": "5"])
        try await TestTopics.create(topic, partitions: Self.partitions, on: broker, using: connector.client)
        var refused = 0
        for i in 0..<Self.count {
            let key = i % 2 == 0 ? Self.keys[i % 97] : nil
            var status = connector.send(topic: topic, value: Self.values[i], key: key)
            while status == .queueFull {
                try await Task.sleep(nanoseconds: 1_000_000)
                status = connector.send(topic: topic, value: Self.values[i], key: key)
            }
            if status != .enqueued { refused += 1 }
        }
        await connector.close()
        #expect(refused == 0)
        #expect(connector.deliveredCount == Self.count)
        #expect(connector.failedCount == 0)

        let summary = try await Peer.json(
            Verification.self, "peer_verify_produced.py",
            args: ["--bootstrap", address, "--topic", topic, "--count", "\(Self.count)", "--timeout", "120"], timeout: 180)
        #expect(summary.partitions == Int(Self.partitions))
        #expect(summary.count == Self.count, "read back exactly what was sent")
        #expect(summary.missing == 0 && summary.duplicates == 0, "none missing, none twice: \(summary.problems)")
        #expect(summary.outOfOrder == 0, "order kept within each partition: \(summary.problems)")
        #expect(summary.badKey == 0 && summary.badValue == 0, "keys and values as sent: \(summary.problems)")
        #expect(summary.wrongPartition == 0, "keyed messages on murmur2's partition: \(summary.problems)")
    }
}
