import KafkaProtocol
import NIOCore
import Testing

@Suite struct RecordBatchEncodingTests {
    static let baseTimestamp: Int64 = 1_700_000_000_000  // 0x0000018BCFE56800

    /// Two records written out field by field from the v2 format description (`//` starts a
    /// comment). The CRC-32C was computed separately, with a bit-at-a-time Python
    /// implementation over bytes 21...84.
    static let handWrittenBatch = RecordFixtures.bytes(
        hex: """
            0000000000000000  // baseOffset 0
            00000049          // batchLength 73 = 85 - 12
            ffffffff          // partitionLeaderEpoch -1
            02                // magic 2
            7e7efafd          // crc
            0000              // attributes: no compression, CreateTime
            00000001          // lastOffsetDelta 1
            0000018bcfe56800  // baseTimestamp
            0000018bcfe56805  // maxTimestamp (+5 ms)
            ffffffffffffffff  // producerId -1
            ffff              // producerEpoch -1
            ffffffff          // baseSequence -1
            00000002          // recordCount 2
            12                // record 0: length 9 (zig-zag 18)
              00                // attributes
              00                // timestampDelta 0
              00                // offsetDelta 0
              04 6b31           // key length 2, "k1"
              02 76             // value length 1, "v"
              00                // no headers
            1a                // record 1: length 13 (zig-zag 26)
              00                // attributes
              0a                // timestampDelta 5
              02                // offsetDelta 1
              01                // key length -1: null
              00                // value length 0: empty
              04                // 2 headers
              02 68 02 78         // "h" = "x"
              02 68 01            // "h" = null
            """
    )

    static let handWrittenRecords = [
        FixtureRecord(key: "k1", value: "v", timestamp: baseTimestamp),
        FixtureRecord(key: nil, value: "", headers: [("h", "x"), ("h", nil)], timestamp: baseTimestamp + 5),
    ]

    @Test func encodesTheHandWrittenBatchByteForByte() throws {
        var builder = RecordBatchBuilder()
        for record in Self.handWrittenRecords { builder.append(record) }
        var output = ByteBuffer()
        let finished = try builder.finish(into: &output)
        #expect(RecordFixtures.bytes(output) == Self.handWrittenBatch)
        #expect(finished.byteCount == 85)
        #expect(finished.crc == 0x7E7E_FAFD)
        #expect(finished.codec == .none)
        #expect(finished.uncompressedRecordsBytes == 24)
    }

    @Test func pointerAppendWritesTheSameBytes() throws {
        var builder = RecordBatchBuilder()
        let k1 = Array("k1".utf8)
        let v = Array("v".utf8)
        k1.withUnsafeBytes { key in
            v.withUnsafeBytes { value in builder.append(key: key, value: value, timestamp: Self.baseTimestamp) }
        }
        [UInt8]().withUnsafeBytes { empty in
            builder.append(
                key: nil,
                value: empty,
                headers: [(key: "h", value: ByteBuffer(string: "x")), (key: "h", value: nil)],
                timestamp: Self.baseTimestamp + 5
            )
        }
        var output = ByteBuffer()
        try builder.finish(into: &output)
        #expect(RecordFixtures.bytes(output) == Self.handWrittenBatch)
    }

    @Test func decodesTheHandWrittenBatch() throws {
        let (batches, tail) = try RecordBatchReader.readAll(ByteBuffer(bytes: Self.handWrittenBatch))
        #expect(tail == 0)
        let batch = try #require(batches.first)
        #expect(batches.count == 1)
        #expect(batch.baseOffset == 0)
        #expect(batch.batchLength == 73)
        #expect(batch.partitionLeaderEpoch == -1)
        #expect(batch.magic == 2)
        #expect(batch.crc == 0x7E7E_FAFD)
        #expect(batch.compression == CompressionCodec.none)
        #expect(batch.timestampType == .createTime)
        #expect(!batch.isTransactional && !batch.isControl)
        #expect(batch.lastOffsetDelta == 1)
        #expect(batch.lastOffset == 1 && batch.nextOffset == 2)
        #expect(batch.baseTimestamp == Self.baseTimestamp)
        #expect(batch.maxTimestamp == Self.baseTimestamp + 5)
        #expect(batch.producerId == -1 && batch.producerEpoch == -1 && batch.baseSequence == -1)
        #expect(batch.recordCount == 2)
        let records = try batch.records()
        #expect(records.map(FixtureRecord.init) == Self.handWrittenRecords)
        #expect(records.map(\.offset) == [0, 1])
    }

    @Test func builderTracksCountsTimestampsAndSizes() throws {
        var builder = RecordBatchBuilder()
        #expect(builder.isEmpty)
        var expectedBytes = 0
        for (index, timestamp) in [Int64(500), 300, 900, 100].enumerated() {
            let record = FixtureRecord(key: "key\(index)", value: RecordFixtures.payload(index), headers: [("a", "b")], timestamp: timestamp)
            let predicted = builder.encodedSize(
                keyCount: record.key?.count,
                valueCount: record.value?.count,
                headers: record.wireHeaders,
                timestamp: timestamp
            )
            builder.append(record)
            expectedBytes += predicted
            #expect(builder.recordsByteCount == expectedBytes)
        }
        #expect(builder.recordCount == 4)
        #expect(builder.firstTimestamp == 500)
        #expect(builder.maxTimestamp == 900)
        #expect(builder.uncompressedBatchByteCount == 61 + expectedBytes)

        var output = ByteBuffer()
        try builder.finish(into: &output)
        let batch = try #require(try RecordBatchReader.readAll(output).batches.first)
        // Timestamps before the first record give negative deltas; they must survive.
        #expect(try batch.records().map(\.timestamp) == [500, 300, 900, 100])
        #expect(batch.baseTimestamp == 500 && batch.maxTimestamp == 900)
    }

    @Test func resetBuilderProducesTheSameBytesAsAFreshOne() throws {
        var reused = RecordBatchBuilder(initialCapacity: 64)
        for index in 0..<50 { reused.append(FixtureRecord(key: nil, value: RecordFixtures.payload(index), timestamp: Int64(index))) }
        var scratch = ByteBuffer()
        try reused.finish(codec: .lz4, into: &scratch)
        reused.reset()
        #expect(reused.isEmpty && reused.recordsByteCount == 0)

        var fresh = RecordBatchBuilder()
        for record in Self.handWrittenRecords {
            reused.append(record)
            fresh.append(record)
        }
        var fromReused = ByteBuffer()
        var fromFresh = ByteBuffer()
        try reused.finish(into: &fromReused)
        try fresh.finish(into: &fromFresh)
        #expect(fromReused == fromFresh)
        #expect(RecordFixtures.bytes(fromReused) == Self.handWrittenBatch)
    }

    @Test func finishAppendsAfterExistingBytesAndCanBeRepeated() throws {
        var builder = RecordBatchBuilder()
        for record in Self.handWrittenRecords { builder.append(record) }
        var output = ByteBuffer(string: "request header")
        try builder.finish(into: &output)
        try builder.finish(into: &output)  // finishing does not consume the records (retries re-encode)
        #expect(output.readString(length: 14) == "request header")
        #expect(RecordFixtures.bytes(output) == Self.handWrittenBatch + Self.handWrittenBatch)
    }

    @Test func emptyBuilderCannotFinish() {
        var output = ByteBuffer()
        #expect(throws: KafkaWireError.self) { try RecordBatchBuilder().finish(into: &output) }
        #expect(output.readableBytes == 0)
    }

    @Test func producerFieldsAndFlagsAreWritten() throws {
        var builder = RecordBatchBuilder()
        builder.append(FixtureRecord(key: "k", value: "v", timestamp: 7))
        var output = ByteBuffer()
        try builder.finish(
            producerId: 0x0102_0304_0506_0708,
            producerEpoch: 9,
            baseSequence: 1234,
            partitionLeaderEpoch: 17,
            isTransactional: true,
            baseOffset: 4242,
            into: &output
        )
        let batch = try #require(try RecordBatchReader.readAll(output).batches.first)
        #expect(batch.producerId == 0x0102_0304_0506_0708)
        #expect(batch.producerEpoch == 9)
        #expect(batch.baseSequence == 1234)
        #expect(batch.partitionLeaderEpoch == 17)
        #expect(batch.isTransactional && !batch.isControl)
        #expect(batch.attributes.rawValue == 0x10)
        #expect(try batch.records().first?.offset == 4242)
    }

    /// The in-place finish gives the very bytes `finish(into:)` copies out, in every codec; an
    /// uncompressed batch (asked for, or compression that did not pay) leaves the output alone,
    /// being a view of the builder's own buffer, and a reset builder builds the next batch right.
    @Test(arguments: CompressionCodec.allCases)
    func finishingInPlaceEqualsACopy(_ codec: CompressionCodec) throws {
        let stamp = RecordBatchStamp(producerId: 5, producerEpoch: 1, baseSequence: 40)
        var builder = RecordBatchBuilder(initialCapacity: 64)
        for round in 0..<2 {
            for record in Self.handWrittenRecords + Self.handWrittenRecords.map({ FixtureRecord(key: "\(round)", value: String(repeating: "v", count: 400), timestamp: $0.timestamp) }) {
                builder.append(record)
            }
            var copied = ByteBuffer()
            let expected = try builder.finish(codec: codec, producerId: 5, producerEpoch: 1, baseSequence: 40, into: &copied)
            var output = ByteBuffer(string: "prefix")
            let (batch, summary) = try builder.finishInPlace(codec: codec, stamp: stamp, compressionOutput: &output)
            #expect(Array(batch.readableBytesView) == Array(copied.readableBytesView))
            #expect(summary == expected)
            #expect(output.readableBytes == (summary.codec == .none ? 6 : 6 + summary.byteCount))
            builder.reset()
        }
    }
}
