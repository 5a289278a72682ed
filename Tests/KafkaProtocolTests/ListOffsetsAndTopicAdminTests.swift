import KafkaProtocol
import NIOCore
import Testing

// Expected bytes below were written by hand from the message schemas, field by field.

@Suite struct ListOffsetsTests {
    @Test func requestV1() throws {
        let request = ListOffsetsRequest(
            replicaId: -1, topics: [.init(name: "t", partitions: [.init(partitionIndex: 0, timestamp: -2)])])
        let expected = "ffffffff  00000001 0001 74  00000001 00000000 fffffffffffffffe"
        #expect(try encodedHex(request, version: 1) == compactHex(expected))
    }

    @Test func requestV5() throws {
        let request = ListOffsetsRequest(
            replicaId: -1, isolationLevel: 1,
            topics: [.init(name: "t", partitions: [.init(partitionIndex: 0, timestamp: -1)])])
        let expected = "ffffffff 01  00000001 0001 74  00000001 00000000 ffffffff ffffffffffffffff"
        #expect(try encodedHex(request, version: 5) == compactHex(expected))
    }

    @Test func requestV7() throws {
        let request = ListOffsetsRequest(
            replicaId: -1,
            topics: [.init(name: "t", partitions: [.init(partitionIndex: 1, currentLeaderEpoch: 4, timestamp: -3)])])
        let expected = "ffffffff 00  02 02 74  02 00000001 00000004 fffffffffffffffd 00  00  00"
        #expect(try encodedHex(request, version: 7) == compactHex(expected))
    }

    @Test func responseV1() throws {
        let hex = "00000001 0001 74  00000001 00000000 0000 ffffffffffffffff 000000000000002a"
        let response = try decode(ListOffsetsResponse.self, hex: hex, version: 1)
        let partition = response.topics[0].partitions[0]
        #expect(partition.offset == 42)
        #expect(partition.timestamp == -1)
        #expect(partition.oldStyleOffsets.isEmpty)
        expectEveryPrefixThrows(ListOffsetsResponse.self, bytes: ByteBuffer(hex: hex), version: 1)
    }

    @Test func responseV5() throws {
        let hex = "00000000  00000001 0001 74  00000001 00000000 0000 ffffffffffffffff 000000000000002a 00000003"
        let response = try decode(ListOffsetsResponse.self, hex: hex, version: 5)
        #expect(response.topics[0].partitions[0].leaderEpoch == 3)
        expectEveryPrefixThrows(ListOffsetsResponse.self, bytes: ByteBuffer(hex: hex), version: 5)
    }

    @Test func responseV7() throws {
        let hex = "00000000  02 02 74  02 00000000 0000 ffffffffffffffff 000000000000002a 00000003 00  00  00"
        let response = try decode(ListOffsetsResponse.self, hex: hex, version: 7)
        #expect(response.topics[0].name == "t")
        #expect(response.topics[0].partitions[0].offset == 42)
        expectEveryPrefixThrows(ListOffsetsResponse.self, bytes: ByteBuffer(hex: hex), version: 7)
    }
}

@Suite struct CreateTopicsTests {
    @Test func requestV2() throws {
        let request = CreateTopicsRequest(
            topics: [.init(name: "t", numPartitions: 3, replicationFactor: 1, configs: [.init(name: "retention.ms", value: "1000")])],
            timeoutMs: 30000)
        let expected = """
            00000001 0001 74 00000003 0001  00000000  00000001 000c 726574656e74696f6e2e6d73 0004 31303030
            00007530  00
            """
        #expect(try encodedHex(request, version: 2) == compactHex(expected))
    }

    @Test func requestV5() throws {
        let request = CreateTopicsRequest(
            topics: [.init(name: "t", numPartitions: -1, replicationFactor: -1,
                           assignments: [.init(partitionIndex: 0, brokerIds: [1, 2])])],
            validateOnly: true)
        let expected = "02 02 74 ffffffff ffff  02 00000000 03 00000001 00000002 00  01  00  0000ea60 01 00"
        #expect(try encodedHex(request, version: 5) == compactHex(expected))
    }

    @Test func responseV2() throws {
        let hex = "00000000  00000001 0001 74 0024 0006 657869737473"
        let response = try decode(CreateTopicsResponse.self, hex: hex, version: 2)
        #expect(KafkaErrorCode(response.topics[0].errorCode) == .topicAlreadyExists)
        #expect(response.topics[0].errorMessage == "exists")
        expectEveryPrefixThrows(CreateTopicsResponse.self, bytes: ByteBuffer(hex: hex), version: 2)
    }

    @Test func responseV5WithTaggedConfigError() throws {
        let hex = "00000000  02 02 74 0000 00 00000003 0001  02 02 61 02 62 00 05 00 00  01 00 02 0028  00"
        let response = try decode(CreateTopicsResponse.self, hex: hex, version: 5)
        let topic = response.topics[0]
        #expect(topic.errorMessage == nil)
        #expect(topic.numPartitions == 3)
        #expect(topic.configs == [.init(name: "a", value: "b", readOnly: false, configSource: 5, isSensitive: false)])
        #expect(topic.topicConfigErrorCode == 40)
        expectEveryPrefixThrows(CreateTopicsResponse.self, bytes: ByteBuffer(hex: hex), version: 5)
    }
}

@Suite struct DeleteTopicsTests {
    @Test func requestV1() throws {
        let request = DeleteTopicsRequest(topicNames: ["t"], timeoutMs: 30000)
        #expect(try encodedHex(request, version: 1) == compactHex("00000001 0001 74  00007530"))
    }

    @Test func requestV4() throws {
        let request = DeleteTopicsRequest(topicNames: ["t"], timeoutMs: 30000)
        #expect(try encodedHex(request, version: 4) == compactHex("02 02 74  00007530  00"))
    }

    @Test func responseV1() throws {
        let hex = "00000000  00000001 0001 74 0000"
        let response = try decode(DeleteTopicsResponse.self, hex: hex, version: 1)
        #expect(response.responses == [.init(name: "t", errorCode: 0)])
        expectEveryPrefixThrows(DeleteTopicsResponse.self, bytes: ByteBuffer(hex: hex), version: 1)
    }

    @Test func responseV4() throws {
        let hex = "00000000  02 02 74 0003 00  00"
        let response = try decode(DeleteTopicsResponse.self, hex: hex, version: 4)
        #expect(response.responses == [.init(name: "t", errorCode: 3)])
        expectEveryPrefixThrows(DeleteTopicsResponse.self, bytes: ByteBuffer(hex: hex), version: 4)
    }
}
