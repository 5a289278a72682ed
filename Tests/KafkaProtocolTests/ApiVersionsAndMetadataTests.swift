import KafkaProtocol
import NIOCore
import Testing

// Expected bytes below were written by hand from the message schemas, field by field.

@Suite struct ApiVersionsTests {
    @Test func requestV0IsEmpty() throws {
        #expect(try encodedHex(ApiVersionsRequest(clientSoftwareName: "ignored"), version: 0) == "")
    }

    @Test func requestV3() throws {
        let request = ApiVersionsRequest(clientSoftwareName: "kfast", clientSoftwareVersion: "0.1")
        // compact strings (length + 1), then an empty tagged-field section
        #expect(try encodedHex(request, version: 3) == compactHex("06 6b66617374  04 302e31  00"))
    }

    @Test func responseV0() throws {
        let hex = "0000  00000002  0000 0000 0009  0012 0000 0003"
        let response = try decode(ApiVersionsResponse.self, hex: hex, version: 0)
        #expect(response.errorCode == 0)
        #expect(response.apiKeys == [
            .init(apiKey: 0, minVersion: 0, maxVersion: 9),
            .init(apiKey: 18, minVersion: 0, maxVersion: 3),
        ])
        #expect(response.throttleTimeMs == 0)
        expectEveryPrefixThrows(ApiVersionsResponse.self, bytes: ByteBuffer(hex: hex), version: 0)
    }

    @Test func responseV3WithKnownAndUnknownTaggedFields() throws {
        let hex = """
            0000  03  0000 0000 0009 00  0012 0000 0003 00  00000000
            02  01 08 0000000000000005  09 02 abcd
            """
        let response = try decode(ApiVersionsResponse.self, hex: hex, version: 3)
        #expect(response.apiKeys.map(\.apiKey) == [0, 18])
        #expect(response.apiKeys[1].maxVersion == 3)
        #expect(response.finalizedFeaturesEpoch == 5)
        #expect(response.supportedFeatures.isEmpty)
        #expect(response.zkMigrationReady == false)
        expectEveryPrefixThrows(ApiVersionsResponse.self, bytes: ByteBuffer(hex: hex), version: 3)
    }

    @Test func responseV3EncodesOnlyNonDefaultTaggedFields() throws {
        let response = ApiVersionsResponse(errorCode: 35, apiKeys: [], throttleTimeMs: 1, zkMigrationReady: true)
        var buffer = ByteBuffer()
        try response.encode(into: &buffer, version: 3)
        #expect(buffer.hex == compactHex("0023  01  00000001  01 03 01 01"))
    }
}

@Suite struct MetadataTests {
    @Test func requestV1() throws {
        let request = MetadataRequest(topics: [.init(name: "orders")])
        #expect(try encodedHex(request, version: 1) == compactHex("00000001  0006 6f7264657273"))
        // A null topic list means "all topics" from v1 on.
        #expect(try encodedHex(MetadataRequest(topics: nil), version: 1) == "ffffffff")
    }

    @Test func requestV0CannotBeNull() {
        #expect(throws: KafkaWireError.self) { try encodedHex(MetadataRequest(topics: nil), version: 0) }
    }

    @Test func requestV9() throws {
        let request = MetadataRequest(
            topics: [.init(name: "orders")], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true)
        // topics[1]: name, tags | allowAuto | includeCluster (v8-10) | includeTopic | tags
        #expect(try encodedHex(request, version: 9) == compactHex("02  07 6f7264657273 00  00  00  01  00"))
    }

    @Test func requestV12ByTopicId() throws {
        let id = KafkaUUID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
        let request = MetadataRequest(topics: [.init(topicId: id, name: nil)])
        let expected = "02  0123456789abcdeffedcba9876543210 00 00  01  00  00"
        #expect(try encodedHex(request, version: 12) == compactHex(expected))
        #expect(try encodedHex(MetadataRequest(topics: nil), version: 12) == compactHex("00 01 00 00"))
    }

    @Test func nonIgnorableFieldsAreNotDroppedSilently() {
        // allowAutoTopicCreation only exists from v4; dropping `false` would auto-create topics.
        #expect(throws: KafkaWireError.unsupportedVersion(api: 3, version: 3)) {
            try encodedHex(MetadataRequest(topics: [], allowAutoTopicCreation: false), version: 3)
        }
    }

    @Test func responseV1() throws {
        let hex = """
            00000001  00000001 0006 6b61666b6131 00002384 ffff
            00000001
            00000001  0000 0006 6f7264657273 00
                      00000001  0000 00000000 00000001  00000001 00000001  00000001 00000001
            """
        let response = try decode(MetadataResponse.self, hex: hex, version: 1)
        #expect(response.brokers == [.init(nodeId: 1, host: "kafka1", port: 9092, rack: nil)])
        #expect(response.controllerId == 1)
        #expect(response.clusterId == nil)
        #expect(response.topics.count == 1)
        let topic = response.topics[0]
        #expect(topic.name == "orders")
        #expect(topic.isInternal == false)
        #expect(topic.partitions == [
            .init(errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: -1, replicaNodes: [1], isrNodes: [1]),
        ])
        expectEveryPrefixThrows(MetadataResponse.self, bytes: ByteBuffer(hex: hex), version: 1)
    }

    @Test func responseV9() throws {
        let hex = """
            00000000  02  00000001 07 6b61666b6131 00002384 03 7231 00
            04 616263  00000001
            02  0003 07 6f7264657273 00 01 80000000 00
            80000000  00
            """
        let response = try decode(MetadataResponse.self, hex: hex, version: 9)
        #expect(response.brokers == [.init(nodeId: 1, host: "kafka1", port: 9092, rack: "r1")])
        #expect(response.clusterId == "abc")
        #expect(response.topics.map(\.errorCode) == [KafkaErrorCode.unknownTopicOrPartition.rawValue])
        #expect(response.topics[0].partitions.isEmpty)
        #expect(response.topics[0].topicAuthorizedOperations == Int32.min)
        #expect(response.clusterAuthorizedOperations == Int32.min)
        expectEveryPrefixThrows(MetadataResponse.self, bytes: ByteBuffer(hex: hex), version: 9)
    }

    @Test func responseV12() throws {
        let hex = """
            00000000  01  00  ffffffff
            02  0000 00 0123456789abcdeffedcba9876543210 01
                02  0000 00000002 00000003 00000005  02 00000003  02 00000003  01  00
                0000000f  00
            00
            """
        let response = try decode(MetadataResponse.self, hex: hex, version: 12)
        #expect(response.clusterId == nil)
        #expect(response.controllerId == -1)
        let topic = response.topics[0]
        #expect(topic.name == nil)
        #expect(topic.topicId == KafkaUUID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210))
        #expect(topic.isInternal)
        #expect(topic.partitions == [
            .init(errorCode: 0, partitionIndex: 2, leaderId: 3, leaderEpoch: 5, replicaNodes: [3], isrNodes: [3]),
        ])
        #expect(topic.topicAuthorizedOperations == 15)
        expectEveryPrefixThrows(MetadataResponse.self, bytes: ByteBuffer(hex: hex), version: 12)
    }

    @Test func hugeBrokerCountIsRejected() {
        var classic = ByteBuffer(hex: "7fffffff 00000001 0001 61 00000001")
        #expect(throws: KafkaWireError.self) { try MetadataResponse(from: &classic, version: 1) }
        var compact = ByteBuffer(hex: "00000000 ffffffff0f 00")
        #expect(throws: KafkaWireError.self) { try MetadataResponse(from: &compact, version: 9) }
    }
}
