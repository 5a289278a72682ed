import KafkaProtocol
import NIOCore
import Testing
@testable import KafkaFast

/// The consumer protocol's subscription and assignment bytes, byte-exact against the layout of
/// Kafka's ConsumerProtocolSubscription / ConsumerProtocolAssignment schemas.
@Suite struct ConsumerProtocolTests {
    func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }
    func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    @Test func subscriptionV1IsByteExact() {
        let encoded = ConsumerProtocol.encode(ConsumerProtocol.Subscription(topics: ["a", "bc"]))
        #expect(bytes(encoded) == [
            0x00, 0x01,                     // version 1
            0x00, 0x00, 0x00, 0x02,         // 2 topics
            0x00, 0x01, 0x61,               // "a"
            0x00, 0x02, 0x62, 0x63,         // "bc"
            0xFF, 0xFF, 0xFF, 0xFF,         // user data: null
            0x00, 0x00, 0x00, 0x00,         // owned partitions: none
        ])
    }

    @Test func subscriptionV0HasNoOwnedPartitions() {
        let encoded = ConsumerProtocol.encode(ConsumerProtocol.Subscription(topics: ["t"]), version: 0)
        #expect(bytes(encoded) == [0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x74, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    @Test func assignmentIsByteExactWithSortedPartitions() {
        let encoded = ConsumerProtocol.encode(ConsumerProtocol.Assignment(partitions: ["t": [2, 0]]))
        #expect(bytes(encoded) == [
            0x00, 0x01,                     // version 1
            0x00, 0x00, 0x00, 0x01,         // 1 topic
            0x00, 0x01, 0x74,               // "t"
            0x00, 0x00, 0x00, 0x02,         // 2 partitions
            0x00, 0x00, 0x00, 0x00,         // 0
            0x00, 0x00, 0x00, 0x02,         // 2
            0xFF, 0xFF, 0xFF, 0xFF,         // user data: null
        ])
    }

    @Test func roundTripsWithUserDataAndOwnedPartitions() throws {
        let subscription = ConsumerProtocol.Subscription(
            topics: ["x", "y"], ownedPartitions: ["x": [1, 3]], userData: ByteBuffer(bytes: [1, 2, 3]))
        #expect(try ConsumerProtocol.decodeSubscription(ConsumerProtocol.encode(subscription)) == subscription)
        let assignment = ConsumerProtocol.Assignment(partitions: ["x": [0], "y": [4, 5]], userData: ByteBuffer(bytes: [9]))
        #expect(try ConsumerProtocol.decodeAssignment(ConsumerProtocol.encode(assignment)) == assignment)
    }

    /// librdkafka and Java send v3 (generation id, rack id); a future v9 adds fields after
    /// those, which the schema's rule says to ignore.
    @Test func readsNewerVersionsWithTheNewestKnownLayout() throws {
        let v3: [UInt8] = [
            0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x74, 0xFF, 0xFF, 0xFF, 0xFF,
            0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x74, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07,  // owned t/7
            0x00, 0x00, 0x00, 0x05,         // generation 5
            0x00, 0x02, 0x72, 0x31,         // rack "r1"
        ]
        let decoded = try ConsumerProtocol.decodeSubscription(buffer(v3))
        #expect(decoded.topics == ["t"])
        #expect(decoded.ownedPartitions == ["t": [7]])
        var future = v3
        future[1] = 9
        future += [0xDE, 0xAD]
        #expect(try ConsumerProtocol.decodeSubscription(buffer(future)).topics == ["t"])
    }

    @Test func emptyAssignmentBytesMeanNothingAssigned() throws {
        #expect(try ConsumerProtocol.decodeAssignment(ByteBuffer()).partitions.isEmpty)
    }

    @Test func truncatedOrNegativeVersionIsAnError() {
        #expect(throws: KafkaWireError.self) { try ConsumerProtocol.decodeSubscription(self.buffer([0x00])) }
        #expect(throws: KafkaWireError.self) { try ConsumerProtocol.decodeAssignment(self.buffer([0xFF, 0xFF, 0, 0, 0, 0])) }
        #expect(throws: KafkaWireError.self) { try ConsumerProtocol.decodeAssignment(self.buffer([0x00, 0x01, 0x00, 0x00, 0x00, 0x05])) }
    }
}
