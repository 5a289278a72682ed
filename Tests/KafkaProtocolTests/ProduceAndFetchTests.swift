import KafkaProtocol
import NIOCore
import Testing

// Expected bytes below were written by hand from the message schemas, field by field.
// Record payloads are opaque at this layer, so short placeholder bytes stand in for batches.

@Suite struct ProduceTests {
    private func request(transactionalId: String?, acks: Int16, timeoutMs: Int32, partition: Int32) -> ProduceRequest {
        ProduceRequest(
            transactionalId: transactionalId, acks: acks, timeoutMs: timeoutMs,
            topicData: [.init(name: "t", partitionData: [.init(index: partition, records: ByteBuffer(string: "abc"))])])
    }

    @Test func requestV3() throws {
        let expected = "ffff  ffff  00007530  00000001 0001 74  00000001 00000000 00000003 616263"
        let encoded = try encodedHex(request(transactionalId: nil, acks: -1, timeoutMs: 30000, partition: 0), version: 3)
        #expect(encoded == compactHex(expected))
    }

    @Test func requestV7() throws {
        let expected = "0002 7478  0001  00001388  00000001 0001 74  00000001 00000002 00000003 616263"
        let encoded = try encodedHex(request(transactionalId: "tx", acks: 1, timeoutMs: 5000, partition: 2), version: 7)
        #expect(encoded == compactHex(expected))
    }

    @Test func requestV9() throws {
        let expected = "00  ffff  00007530  02 02 74  02 00000000 04 616263 00  00  00"
        let encoded = try encodedHex(request(transactionalId: nil, acks: -1, timeoutMs: 30000, partition: 0), version: 9)
        #expect(encoded == compactHex(expected))
    }

    @Test func responseV3() throws {
        let hex = "00000001 0001 74  00000001 00000000 0000 000000000000002a ffffffffffffffff  00000000"
        let response = try decode(ProduceResponse.self, hex: hex, version: 3)
        let partition = try #require(response.responses.first?.partitionResponses.first)
        #expect(response.responses[0].name == "t")
        #expect(partition.baseOffset == 42)
        #expect(partition.logAppendTimeMs == -1)
        #expect(partition.logStartOffset == -1, "not on the wire before v5, so left at its default")
        expectEveryPrefixThrows(ProduceResponse.self, bytes: ByteBuffer(hex: hex), version: 3)
    }

    @Test func responseV7() throws {
        let hex = """
            00000001 0001 74  00000001 00000000 0000 000000000000002a ffffffffffffffff 0000000000000000
            00000064
            """
        let response = try decode(ProduceResponse.self, hex: hex, version: 7)
        #expect(response.responses[0].partitionResponses[0].logStartOffset == 0)
        #expect(response.throttleTimeMs == 100)
        expectEveryPrefixThrows(ProduceResponse.self, bytes: ByteBuffer(hex: hex), version: 7)
    }

    @Test func responseV9WithRecordErrors() throws {
        let hex = """
            02  02 74
                02  00000000 0006 ffffffffffffffff ffffffffffffffff 0000000000000000
                    02 00000001 04 626164 00
                    00
                    00
                00
            00000000  00
            """
        let response = try decode(ProduceResponse.self, hex: hex, version: 9)
        let partition = response.responses[0].partitionResponses[0]
        #expect(KafkaErrorCode(partition.errorCode) == .notLeaderOrFollower)
        #expect(partition.baseOffset == -1)
        #expect(partition.recordErrors == [.init(batchIndex: 1, batchIndexErrorMessage: "bad")])
        #expect(partition.errorMessage == nil)
        expectEveryPrefixThrows(ProduceResponse.self, bytes: ByteBuffer(hex: hex), version: 9)
    }
}

@Suite struct FetchTests {
    private func partition(currentLeaderEpoch: Int32 = -1) -> FetchRequest.FetchPartition {
        .init(partition: 0, currentLeaderEpoch: currentLeaderEpoch, fetchOffset: 10, partitionMaxBytes: 65536)
    }

    @Test func requestV4() throws {
        let request = FetchRequest(
            maxWaitMs: 500, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1,
            topics: [.init(topic: "t", partitions: [partition()])])
        let expected = """
            ffffffff 000001f4 00000001 00100000 01
            00000001 0001 74  00000001 00000000 000000000000000a 00010000
            """
        #expect(try encodedHex(request, version: 4) == compactHex(expected))
    }

    @Test func requestV11() throws {
        let request = FetchRequest(
            maxWaitMs: 500, minBytes: 1, maxBytes: 1 << 20, topics: [.init(topic: "t", partitions: [partition()])])
        let expected = """
            ffffffff 000001f4 00000001 00100000 00 00000000 ffffffff
            00000001 0001 74  00000001 00000000 ffffffff 000000000000000a ffffffffffffffff 00010000
            00000000  0000
            """
        #expect(try encodedHex(request, version: 11) == compactHex(expected))
    }

    @Test func requestV12WithTaggedClusterId() throws {
        let request = FetchRequest(
            clusterId: "c", maxWaitMs: 500, minBytes: 1, maxBytes: 1 << 20,
            topics: [.init(topic: "t", partitions: [partition()])])
        let expected = """
            ffffffff 000001f4 00000001 00100000 00 00000000 ffffffff
            02 02 74  02 00000000 ffffffff 000000000000000a ffffffff ffffffffffffffff 00010000 00  00
            01  01
            01 00 02 0263
            """
        #expect(try encodedHex(request, version: 12) == compactHex(expected))
    }

    @Test func lastFetchedEpochCannotBeDroppedBeforeV12() {
        var request = FetchRequest(topics: [.init(topic: "t", partitions: [partition()])])
        request.topics[0].partitions[0].lastFetchedEpoch = 5
        #expect(throws: KafkaWireError.unsupportedVersion(api: 1, version: 11)) { try encodedHex(request, version: 11) }
    }

    @Test func responseV4() throws {
        let hex = """
            00000000
            00000001 0001 74
                00000001 00000000 0000 0000000000000064 0000000000000064
                    00000001 0000000000000007 0000000000000032
                    00000004 deadbeef
            """
        let response = try decode(FetchResponse.self, hex: hex, version: 4)
        let partition = response.responses[0].partitions[0]
        #expect(response.responses[0].topic == "t")
        #expect(partition.highWatermark == 100)
        #expect(partition.lastStableOffset == 100)
        #expect(partition.abortedTransactions == [.init(producerId: 7, firstOffset: 50)])
        #expect(partition.records == ByteBuffer(hex: "deadbeef"))
        expectEveryPrefixThrows(FetchResponse.self, bytes: ByteBuffer(hex: hex), version: 4)
    }

    @Test func responseV11() throws {
        let hex = """
            00000000 0000 0000000c
            00000001 0001 74
                00000001 00000000 0000 0000000000000064 0000000000000064 0000000000000000
                    ffffffff  ffffffff  ffffffff
            """
        let response = try decode(FetchResponse.self, hex: hex, version: 11)
        #expect(response.sessionId == 12)
        let partition = response.responses[0].partitions[0]
        #expect(partition.abortedTransactions == nil)
        #expect(partition.preferredReadReplica == -1)
        #expect(partition.records == nil)
        expectEveryPrefixThrows(FetchResponse.self, bytes: ByteBuffer(hex: hex), version: 11)
    }

    @Test func responseV12WithTaggedCurrentLeader() throws {
        let hex = """
            00000000 0000 0000000c
            02 02 74
                02 00000000 0000 0000000000000064 0000000000000064 0000000000000000
                    00  ffffffff  05 deadbeef
                    01 01 09 00000002 00000003 00
                00
            00
            """
        let response = try decode(FetchResponse.self, hex: hex, version: 12)
        let partition = response.responses[0].partitions[0]
        #expect(partition.currentLeader == .init(leaderId: 2, leaderEpoch: 3))
        #expect(partition.divergingEpoch == .init(epoch: -1, endOffset: -1))
        #expect(partition.records == ByteBuffer(hex: "deadbeef"))
        expectEveryPrefixThrows(FetchResponse.self, bytes: ByteBuffer(hex: hex), version: 12)
    }

    @Test func recordsAreASliceOfTheInput() throws {
        var buffer = ByteBuffer(hex: """
            00000000 0000 0000000c 02 02 74 02 00000000 0000 0000000000000064 0000000000000064
            0000000000000000 00 ffffffff 05 deadbeef 00 00 00
            """)
        let inputStart = buffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress!) }
        let response = try FetchResponse(from: &buffer, version: 12)
        let records = try #require(response.responses[0].partitions[0].records)
        // A slice points into the input's storage (records start 50 bytes in); a copy would not.
        let recordsStart = records.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress!) }
        #expect(recordsStart == inputStart + 50)
    }
}
