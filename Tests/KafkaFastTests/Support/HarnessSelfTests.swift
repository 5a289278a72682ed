// Checks the harness itself: both brokers answer, and the two peer clients agree with each other
// byte for byte (binary keys, values, headers, null vs empty), compressed and not.

import Foundation
import Testing

@Suite("Harness: brokers and peer clients")
struct HarnessSelfTests {
    /// Every byte value, an empty value next to a null one, and a header with a null value.
    static func sampleRecords(partition: Int32, withNullHeader: Bool) -> [PeerRecord] {
        // A recent timestamp: noida deletes at once a batch whose timestamps are older than its 7-day retention.
        let now = Int64(Date().timeIntervalSince1970 * 1000) - 60_000
        var headers = [PeerHeader("bin", Data([0, 0xFF, 0x80])), PeerHeader("empty", Data())]
        if withNullHeader { headers.append(PeerHeader("null", nil)) }
        return [
            PeerRecord(partition: partition, key: Data("k0".utf8), value: Data((0...255).map { UInt8($0) }),
                       headers: headers, timestampMs: now),
            PeerRecord(partition: partition, key: nil, value: Data(), headers: [], timestampMs: now + 1),
            PeerRecord(partition: partition, key: Data(), value: nil, headers: [], timestampMs: nil),
        ]
    }

    @Test("environment is set by make test")
    func environmentIsSet() throws {
        for broker in BrokerKind.allCases {
            #expect(try TestBrokers.address(broker).hasPrefix("127.0.0.1:"))
        }
        #expect(FileManager.default.isExecutableFile(atPath: try TestEnvironment.python()))
    }

    @Test("one client produces, the other consumes the same bytes", arguments: BrokerKind.allCases)
    func peersAgree(broker: BrokerKind) async throws {
        let topic = uniqueTopicName("harness")
        try await Peer.createTopic(topic, partitions: 2, on: broker)

        let fromConfluent = Self.sampleRecords(partition: 0, withNullHeader: true)
        let report1 = try await Peer.produce(fromConfluent, topic: topic, to: broker, client: .confluent, codec: .lz4)
        #expect(report1.errors.isEmpty)
        #expect(report1.delivered.map(\.offset) == [0, 1, 2])

        // kafka-python cannot send a null header value.
        let fromKafkaPython = Self.sampleRecords(partition: 1, withNullHeader: false)
        let report2 = try await Peer.produce(fromKafkaPython, topic: topic, to: broker, client: PeerClient.other(on: broker), codec: .zstd)
        #expect(report2.errors.isEmpty)
        #expect(report2.delivered.map(\.offset) == [0, 1, 2])

        let seenByKafkaPython = try await Peer.consume(topic: topic, from: broker, client: PeerClient.other(on: broker), partition: 0)
        let seenByConfluent = try await Peer.consume(topic: topic, from: broker, client: .confluent, partition: 1)
        for (sent, seen) in zip(fromConfluent + fromKafkaPython, seenByKafkaPython + seenByConfluent) {
            #expect(seen.key == sent.key)
            #expect(seen.value == sent.value)
            #expect(seen.headers == sent.headers)
            if let timestamp = sent.timestampMs { #expect(seen.timestampMs == timestamp) }
        }
        #expect(seenByKafkaPython.count == 3 && seenByConfluent.count == 3)

        let metadata = try await Peer.metadata(of: broker, topic: topic)
        #expect(metadata.topics.map(\.name) == [topic])
        #expect(metadata.topics.first?.partitions.count == 2)
        try await Peer.deleteTopic(topic, on: broker)
    }
}
