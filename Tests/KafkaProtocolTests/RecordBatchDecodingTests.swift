import KafkaProtocol
import NIOCore
import Testing

@Suite struct RecordBatchRoundTripTests {
    /// Everything the format can express: keys, null keys, empty values, null values,
    /// repeated header names, null header values, unordered explicit timestamps, and enough
    /// text that every codec actually compresses.
    static let records: [FixtureRecord] = (0..<40).map { index in
        switch index % 5 {
        case 0: return FixtureRecord(key: "key-\(index)", value: RecordFixtures.payload(index), timestamp: 1_000 + Int64(index))
        case 1: return FixtureRecord(key: nil, value: RecordFixtures.payload(index), timestamp: 2_000 - Int64(index))
        case 2: return FixtureRecord(key: "k", value: "", headers: [("trace", "1"), ("trace", "2"), ("empty", "")], timestamp: 5)
        case 3: return FixtureRecord(key: "", value: nil, headers: [("n", nil), ("ü-nicode", "✓")], timestamp: Int64(index) << 30)
        default: return FixtureRecord(key: "key-\(index)", value: RecordFixtures.payload(index), headers: [("h", nil)], timestamp: 0)
        }
    }

    @Test(arguments: CompressionCodec.allCases)
    func everyCodecRoundTrips(codec: CompressionCodec) throws {
        var builder = RecordBatchBuilder()
        for record in Self.records { builder.append(record) }
        var output = ByteBuffer()
        let finished = try builder.finish(codec: codec, producerId: 77, producerEpoch: 3, baseSequence: 100, into: &output)
        #expect(finished.codec == codec, "compressible records should stay compressed")
        #expect(finished.byteCount == output.readableBytes)
        if codec != .none { #expect(finished.byteCount < finished.uncompressedRecordsBytes) }

        let (batches, tail) = try RecordBatchReader.readAll(output)
        #expect(tail == 0)
        let batch = try #require(batches.first)
        #expect(batch.compression == codec)
        #expect(batch.recordCount == Int32(Self.records.count))
        #expect(batch.lastOffsetDelta == Int32(Self.records.count - 1))
        #expect(batch.producerId == 77 && batch.producerEpoch == 3 && batch.baseSequence == 100)
        #expect(batch.maxTimestamp == Self.records.map(\.timestamp).max())
        let decoded = try batch.records()
        #expect(decoded.map(FixtureRecord.init) == Self.records)
        #expect(decoded.map(\.offset) == (0..<Int64(Self.records.count)).map { $0 })
    }

    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func compressionIsDroppedWhenItDoesNotHelp(codec: CompressionCodec) throws {
        var generator = CRCTestRandom(seed: 5)
        let noise = (0..<64).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        var builder = RecordBatchBuilder()
        builder.append(key: nil, value: ByteBuffer(bytes: noise), timestamp: 1)
        var output = ByteBuffer()
        let finished = try builder.finish(codec: codec, into: &output)
        #expect(finished.codec == CompressionCodec.none)
        let batch = try #require(try RecordBatchReader.readAll(output).batches.first)
        #expect(batch.attributes.rawValue == 0)
        #expect(try batch.records().first.map { RecordFixtures.bytes($0.value!) } == noise)
    }

    @Test func uncompressedRecordsAreSlicesOfTheFetchBuffer() throws {
        var builder = RecordBatchBuilder()
        builder.append(FixtureRecord(key: "k", value: "value", timestamp: 1))
        var output = ByteBuffer()
        try builder.finish(into: &output)
        let record = try #require(try RecordBatchReader.readAll(output).batches.first?.records().first)
        let valueAddress = record.value!.withUnsafeReadableBytes { $0.baseAddress! }
        let blobAddress = output.withUnsafeReadableBytes { $0.baseAddress! }
        #expect(valueAddress >= blobAddress && valueAddress < blobAddress + output.readableBytes)
    }

    @Test func severalBatchesWithBrokerOffsetsInOneBlob() throws {
        var blob = ByteBuffer()
        var builder = RecordBatchBuilder()
        var nextOffset: Int64 = 1_000
        var written: [CompressionCodec?] = []
        for (round, codec) in CompressionCodec.allCases.enumerated() {
            builder.reset()
            for index in 0...round { builder.append(FixtureRecord(key: "\(round)", value: RecordFixtures.payload(index), timestamp: 9)) }
            written.append(try builder.finish(codec: codec, baseOffset: nextOffset, into: &blob).codec)
            nextOffset += Int64(round + 1)
        }
        var reader = RecordBatchReader(blob)
        var offsets: [Int64] = []
        var codecs: [CompressionCodec?] = []
        while let batch = try reader.next() {
            codecs.append(batch.compression)
            offsets += try batch.records().map(\.offset)
        }
        #expect(!reader.endedWithTruncatedBatch)
        #expect(codecs == written)
        #expect(Set(written.compactMap { $0 }).count >= 4, "most batches should have kept their codec")
        #expect(offsets == Array(1_000..<nextOffset))
        #expect(try reader.next() == nil)  // stays at the end
    }

    @Test func recordsCanBeAppendedToAReusedArray() throws {
        var builder = RecordBatchBuilder()
        for record in Self.records { builder.append(record) }
        var output = ByteBuffer()
        try builder.finish(codec: .zstd, into: &output)
        let batch = try #require(try RecordBatchReader.readAll(output).batches.first)
        var records: [Record] = []
        try batch.appendRecords(to: &records)
        try batch.appendRecords(to: &records)
        #expect(records.count == 2 * Self.records.count)
    }

    /// A reader that starts inside a batch gets the records from its offset on, decoded as fully as
    /// the rest; the ones before are stepped over.
    @Test(arguments: [CompressionCodec.none, .lz4])
    func recordsFromAnOffsetInsideTheBatch(codec: CompressionCodec) throws {
        var builder = RecordBatchBuilder()
        for record in Self.records { builder.append(record) }
        var output = ByteBuffer()
        try builder.finish(codec: codec, baseOffset: 500, into: &output)
        let batch = try #require(try RecordBatchReader.readAll(output).batches.first)
        var records: [Record] = []
        try batch.appendRecords(to: &records, from: 530)
        #expect(records.map(\.offset) == Array(530..<540))
        #expect(records.map(FixtureRecord.init) == Array(Self.records[30...]))
        records.removeAll()
        try batch.appendRecords(to: &records, from: 100)
        #expect(records.count == Self.records.count, "an offset before the batch takes all of it")
        records.removeAll()
        try batch.appendRecords(to: &records, from: 540)
        #expect(records.isEmpty, "an offset past the batch takes nothing")
    }
}

@Suite struct RecordBatchValidationTests {
    static func singleBatch(codec: CompressionCodec = .none, count: Int = 3) throws -> [UInt8] {
        var builder = RecordBatchBuilder()
        for index in 0..<count {
            builder.append(FixtureRecord(key: "k\(index)", value: RecordFixtures.payload(index), headers: [("h", "v")], timestamp: 42))
        }
        var output = ByteBuffer()
        try builder.finish(codec: codec, into: &output)
        return RecordFixtures.bytes(output)
    }

    @Test func crcMismatchIsDetected() throws {
        let batch = try Self.singleBatch()
        for index in [17, 21, 30, 61, batch.count - 1] {  // crc itself, attributes, header, first and last record byte
            var damaged = batch
            damaged[index] ^= 0x01
            #expect(throws: KafkaWireError.self, "byte \(index)") { try RecordBatchReader.readAll(ByteBuffer(bytes: damaged)) }
        }
        // Bytes before the attributes are not covered by the CRC (the broker rewrites them).
        var moved = batch
        moved[7] = 99  // baseOffset
        #expect(try RecordBatchReader.readAll(ByteBuffer(bytes: moved)).batches.first?.baseOffset == 99)
        // Trusted data may skip the check.
        var unchecked = batch
        unchecked[30] ^= 0x01
        #expect(throws: Never.self) { try RecordBatchReader.readAll(ByteBuffer(bytes: unchecked), verifyChecksums: false) }
    }

    @Test func crcErrorNamesTheBatch() throws {
        var damaged = try Self.singleBatch()
        damaged[61] ^= 0xFF
        do {
            _ = try RecordBatchReader.readAll(ByteBuffer(bytes: damaged))
            Issue.record("expected a CRC error")
        } catch {
            guard case .malformed(let message) = error else { throw error }
            #expect(message.contains("CRC"))
        }
    }

    @Test func truncatedTrailingBatchIsReportedNotThrown() throws {
        let first = try Self.singleBatch()
        let second = try Self.singleBatch(codec: .lz4)
        for cut in [1, 11, 12, 16, 17, 60, 61, second.count - 1] {
            var reader = RecordBatchReader(ByteBuffer(bytes: first + second.prefix(cut)))
            #expect(try reader.next() != nil)
            #expect(try reader.next() == nil)
            #expect(reader.endedWithTruncatedBatch)
            #expect(reader.truncatedTailBytes == cut)
        }
    }

    /// Every prefix of a batch, uncompressed and compressed: either reported as truncated or,
    /// when the length field is patched to match (as a lying producer could), an error.
    @Test(arguments: CompressionCodec.allCases)
    func everyTruncationIsHandled(codec: CompressionCodec) throws {
        let batch = try Self.singleBatch(codec: codec, count: 4)
        for length in 0..<batch.count {
            let prefix = Array(batch.prefix(length))
            var reader = RecordBatchReader(ByteBuffer(bytes: prefix))
            #expect(try reader.next() == nil)
            #expect(reader.truncatedTailBytes == length)

            guard length >= 61 else { continue }
            var lying = prefix
            RecordFixtures.setBigEndian(Int32(length - 12), at: 8, in: &lying)
            let resealed = RecordFixtures.resealed(lying)
            #expect(throws: KafkaWireError.self, "\(codec) cut to \(length)") {
                guard let batch = try RecordBatchReader.readAll(ByteBuffer(bytes: resealed)).batches.first else { return }
                _ = try batch.records()
            }
        }
    }

    @Test func damagedRecordsNeverCrash() throws {
        let batch = try Self.singleBatch(count: 2)
        var generator = CRCTestRandom(seed: 11)
        for _ in 0..<500 {
            var damaged = batch
            for _ in 0..<3 {
                let index = 61 + Int(generator.next() % UInt64(batch.count - 61))
                damaged[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            // Resealed so the decoder must cope with the damage itself; any outcome but a crash is fine.
            if let parsed = try? RecordBatchReader.readAll(ByteBuffer(bytes: RecordFixtures.resealed(damaged))).batches.first {
                _ = try? parsed.records()
            }
        }
    }

    @Test func legacyMagicIsAClearError() throws {
        var legacy = try Self.singleBatch()
        legacy[16] = 1
        do {
            _ = try RecordBatchReader.readAll(ByteBuffer(bytes: legacy))
            Issue.record("expected magic 1 to be rejected")
        } catch {
            guard case .malformed(let message) = error else { throw error }
            #expect(message.contains("magic 1"))
        }
    }

    @Test func impossibleLengthsThrow() throws {
        var short = try Self.singleBatch()
        RecordFixtures.setBigEndian(Int32(10), at: 8, in: &short)
        #expect(throws: KafkaWireError.self) { try RecordBatchReader.readAll(ByteBuffer(bytes: short)) }

        var negativeCount = try Self.singleBatch()
        RecordFixtures.setBigEndian(Int32(-5), at: 57, in: &negativeCount)
        #expect(throws: KafkaWireError.self) { try RecordBatchReader.readAll(ByteBuffer(bytes: RecordFixtures.resealed(negativeCount))) }

        // A count larger than the records present, and one smaller (bytes left over).
        for count in [Int32(4), 2] {
            var wrongCount = try Self.singleBatch()
            RecordFixtures.setBigEndian(count, at: 57, in: &wrongCount)
            let batch = try #require(try RecordBatchReader.readAll(ByteBuffer(bytes: RecordFixtures.resealed(wrongCount))).batches.first)
            #expect(throws: KafkaWireError.self, "count \(count)") { try batch.records() }
        }

        var unknownCodec = try Self.singleBatch()
        unknownCodec[22] = 0x05
        let batch = try #require(try RecordBatchReader.readAll(ByteBuffer(bytes: RecordFixtures.resealed(unknownCodec))).batches.first)
        #expect(batch.compression == nil)
        #expect(throws: KafkaWireError.self) { try batch.records() }
    }

    @Test func decompressionBombInABatchIsTooLarge() throws {
        var builder = RecordBatchBuilder()
        let zeros = ByteBuffer(repeating: 0, count: 1 << 20)
        for _ in 0..<8 { builder.append(key: nil, value: zeros, timestamp: 0) }
        var output = ByteBuffer()
        try builder.finish(codec: .zstd, into: &output)
        #expect(output.readableBytes < 10_000)
        let batch = try #require(try RecordBatchReader.readAll(output).batches.first)
        #expect(throws: KafkaWireError.self) { try batch.records(maxDecompressedBytes: 1 << 20) }
        do {
            _ = try batch.records(maxDecompressedBytes: 1 << 20)
        } catch {
            guard case .tooLarge = error else {
                Issue.record("expected tooLarge, got \(error)")
                return
            }
        }
        #expect(try batch.records().count == 8)
    }

    @Test func controlBatchIsRecognised() throws {
        var builder = RecordBatchBuilder()
        // Control record key: version 0, type 1 (commit); value: version 0, coordinator epoch 5.
        builder.append(key: ByteBuffer(bytes: [0, 0, 0, 1]), value: ByteBuffer(bytes: [0, 0, 0, 0, 0, 5]), timestamp: 10)
        var output = ByteBuffer()
        try builder.finish(producerId: 9, producerEpoch: 1, isTransactional: true, isControl: true, into: &output)
        let batch = try #require(try RecordBatchReader.readAll(output).batches.first)
        #expect(batch.isControl && batch.isTransactional)
        #expect(batch.attributes.rawValue == 0x30)
        #expect(try batch.records().first?.controlType == .commit)

        let abort = Record(offset: 0, timestamp: 0, key: ByteBuffer(bytes: [0, 0, 0, 0]), value: nil)
        #expect(abort.controlType == .abort)
        #expect(Record(offset: 0, timestamp: 0, key: ByteBuffer(bytes: [0, 0, 0, 7]), value: nil).controlType == .other(7))
        #expect(Record(offset: 0, timestamp: 0, key: nil, value: nil).controlType == nil)
    }

    @Test func logAppendTimeGivesEveryRecordTheBatchMaxTimestamp() throws {
        var bytes = try Self.singleBatch()
        bytes[22] |= 0x08  // timestamp type bit
        RecordFixtures.setBigEndian(Int64(1_234_567), at: 35, in: &bytes)  // the broker's append time
        let batch = try #require(try RecordBatchReader.readAll(ByteBuffer(bytes: RecordFixtures.resealed(bytes))).batches.first)
        #expect(batch.timestampType == .logAppendTime)
        #expect(try batch.records().map(\.timestamp) == [1_234_567, 1_234_567, 1_234_567])
    }

    @Test func attributesDescribeThemselves() {
        let attributes = RecordBatchAttributes(compression: .zstd, timestampType: .logAppendTime, isTransactional: true, isControl: true)
        #expect(attributes.rawValue == 0x3C)
        #expect(attributes.description == "zstd,logAppendTime,transactional,control")
        #expect(RecordBatchAttributes(rawValue: 0x40).hasDeleteHorizon)
    }
}
