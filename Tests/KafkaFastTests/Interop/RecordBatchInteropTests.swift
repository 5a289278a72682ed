import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import KafkaFast

/// Record batches cross between kafka-fast and the two real peer clients in every codec:
/// what a peer produced decodes to exactly what it sent, and what we produce the peer reads
/// back byte for byte — keys, null keys, empty and null values, repeated and null headers,
/// explicit timestamps, every byte value.
@Suite struct RecordBatchInteropTests {
    /// kafka-python cannot send a header with a null value; librdkafka can.
    static func samples(for client: PeerClient) -> [PeerRecord] {
        let base = Int64(Date().timeIntervalSince1970 * 1000) - 60_000
        var records = HarnessSelfTests.sampleRecords(partition: 0, withNullHeader: client == .confluent)
        var repeated = [PeerHeader("trace", Data("a".utf8)), PeerHeader("trace", Data("b".utf8)), PeerHeader("trace", Data())]
        if client == .confluent { repeated.append(PeerHeader("trace", nil)) }
        records.append(PeerRecord(partition: 0, key: Data("dup".utf8), value: Data("héllo ✓".utf8), headers: repeated, timestampMs: base + 2))
        let payload = Data((0..<278).map(String.init).joined(separator: ",").utf8)
        for i in 0..<200 {
            records.append(PeerRecord(
                partition: 0, key: i % 3 == 0 ? nil : Data("key-\(i)".utf8), value: payload + Data("#\(i)".utf8),
                headers: i % 10 == 0 ? [PeerHeader("i", Data("\(i)".utf8))] : [], timestampMs: base + 10 + Int64(i)))
        }
        return records
    }

    static func expectSame(_ got: ConsumedMessage, _ sent: PeerRecord, _ context: String) {
        #expect(got.key.map { Data($0.readableBytesView) } == sent.key, "key, \(context)")
        #expect(got.value.map { Data($0.readableBytesView) } == sent.value, "value, \(context)")
        #expect(got.headers.map { PeerHeader($0.key, $0.value.map { Data($0.readableBytesView) }) } == sent.headers, "headers, \(context)")
        if let timestamp = sent.timestampMs { #expect(got.timestamp == timestamp, "timestamp, \(context)") }
        #expect(got.timestampType == .createTime, "timestamp type, \(context)")
    }

    @Test(arguments: BrokerKind.allCases, PeerClient.allCases)
    func weDecodeWhatPeersProduceInEveryCodec(_ broker: BrokerKind, _ client: PeerClient) async throws {
        let kafka = try KafkaClient(bootstrap: TestBrokers.address(broker))
        defer { kafka.close() }
        for codec in PeerCodec.allCases {
            let topic = uniqueTopicName("from-\(client.rawValue)-\(codec.rawValue)")
            try await kafka.createTopic(topic, partitions: 1, replicationFactor: 1)
            let sent = Self.samples(for: client)
            let report = try await Peer.produce(sent, topic: topic, to: broker, client: client, codec: codec)
            try #require(report.errors.isEmpty, "\(report.errors)")

            var received: [ConsumedMessage] = []
            var offset: Int64 = 0
            var codecsSeen = Set<String>()
            for _ in 0..<50 where received.count < sent.count {
                let fetched = try await kafka.fetch(topic: topic, partition: 0, offset: offset, maxWaitMs: 100)
                received += fetched.messages
                offset = fetched.nextOffset
                var reader = RecordBatchReader(try #require(fetched.rawRecords))
                while let batch = try reader.next() { codecsSeen.insert(batch.compression?.name ?? "?") }
            }
            try #require(received.count == sent.count, "\(client) \(codec) on \(broker): got \(received.count) of \(sent.count)")
            for (index, (got, expected)) in zip(received, sent).enumerated() {
                #expect(got.offset == Int64(index))
                Self.expectSame(got, expected, "\(client) \(codec) record \(index) on \(broker)")
            }
            #expect(codecsSeen.contains(codec.rawValue), "batches arrive as \(codec) (saw \(codecsSeen))")
        }
    }

    @Test(arguments: BrokerKind.allCases, PeerClient.allCases)
    func peersReadWhatWeProduceInEveryCodec(_ broker: BrokerKind, _ client: PeerClient) async throws {
        let address = try TestBrokers.address(broker)
        for codec in PeerCodec.allCases {
            let topic = uniqueTopicName("to-\(client.rawValue)-\(codec.rawValue)")
            let connector = try KafkaProducer(bootstrap: address, properties: ["compression.codec": codec.rawValue])
            try await connector.client.createTopic(topic, partitions: 1, replicationFactor: 1)
            let sent = Self.samples(for: client)
            for record in sent {
                let status = connector.send(
                    topic: topic, value: record.value.map { [UInt8]($0) }, key: record.key.map { [UInt8]($0) },
                    headers: record.headers.map { MessageHeader($0.name, $0.value.map { [UInt8]($0) }) },
                    partition: 0, timestamp: record.timestampMs)
                #expect(status == .enqueued)
            }
            await connector.close()
            #expect(connector.deliveredCount == sent.count)

            let consumed = try await Peer.consume(topic: topic, from: broker, client: client, count: sent.count)
            try #require(consumed.count == sent.count, "\(client) read \(consumed.count) of \(sent.count) (\(codec), \(broker))")
            for (index, (got, expected)) in zip(consumed, sent).enumerated() {
                let context = "\(client) \(codec) record \(index) on \(broker)"
                #expect(got.offset == Int64(index), "\(context)")
                #expect(got.key == expected.key, "key, \(context)")
                #expect(got.value == expected.value, "value, \(context)")
                #expect(got.headers == expected.headers, "headers, \(context)")
                if let timestamp = expected.timestampMs { #expect(got.timestampMs == timestamp, "timestamp, \(context)") }
            }
        }
    }
}
