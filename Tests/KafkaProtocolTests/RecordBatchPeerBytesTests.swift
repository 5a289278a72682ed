import KafkaProtocol
import NIOCore
import Testing

/// Batches written by another implementation: kafka-python 3.0.12's DefaultRecordBatchBuilder
/// (with python-snappy 0.7.3, lz4 4.4.5, zstandard 0.25.0), run once offline and pasted here.
/// They differ from ours where it matters: snappy is xerial-framed (as the Java client
/// writes it), the lz4 frame carries a content size, gzip has a timestamp in its header.
@Suite struct RecordBatchPeerBytesTests {
    static let gzip = """
        00000000000000000000007f00000000023c994caf0001000000020000018bcfe568000000018bcfe568070000000000
        0003e800020000001e000000031f8b0800fbfa036b02ff6b6062606060c936b8c0989d98969da85b505992919fa74043
        0e0b57495162722a532284667cc0c8c0c7c478896ef62b32083008b3b0641b31300000e66986f3fd000000
        """
    static let snappy = """
        00000000000000000000008c0000000002df1a3ee50002000000020000018bcfe568000000018bcfe568070000000000
        0003e800020000001e0000000382534e4150505900000000010000000100000047fd01588002000000046b30d0016b61
        666b612d707974686f6e20fe0d006a0d0020040a7472616365026109081c01e001000e0201d2fe8000a2800028210010
        001304046b320000
        """
    static let lz4 = """
        00000000000000000000008800000000022834967b0003000000020000018bcfe568000000018bcfe568070000000000
        0003e800020000001e0000000304224d186840fd00000000000000a240000000ff088002000000046b30d0016b61666b
        612d707974686f6e200d004892040a7472616365026108008f01e001000e0201d2800056b0210010001304046b320000
        00000000
        """
    static let zstd = """
        00000000000000000000007b0000000002b737aed30004000000020000018bcfe568000000018bcfe568070000000000
        0003e800020000001e0000000328b52ffd20fd0d020034038002000000046b30d0016b61666b612d707974686f6e2004
        0a7472616365026101e001000e0201d2210010001304046b32000003006660125fc14e84693601
        """

    /// What the Python script appended to each batch.
    static let records = [
        FixtureRecord(key: "k0", value: String(repeating: "kafka-python ", count: 8), headers: [("trace", "a"), ("trace", nil)], timestamp: 1_700_000_000_000),
        FixtureRecord(key: nil, value: String(repeating: "kafka-python ", count: 8) + "!", timestamp: 1_700_000_000_007),
        FixtureRecord(key: "k2", value: "", timestamp: 1_699_999_999_990),
    ]

    @Test func decodesEveryCodecFromAPeer() throws {
        let blob = ByteBuffer(bytes: [Self.gzip, Self.snappy, Self.lz4, Self.zstd].flatMap { RecordFixtures.bytes(hex: $0) })
        let (batches, tail) = try RecordBatchReader.readAll(blob)
        #expect(tail == 0)
        #expect(batches.map(\.compression) == [.gzip, .snappy, .lz4, .zstd])
        for batch in batches {
            #expect(batch.producerId == 1000 && batch.producerEpoch == 2 && batch.baseSequence == 30)
            #expect(batch.baseTimestamp == 1_700_000_000_000 && batch.maxTimestamp == 1_700_000_000_007)
            #expect(batch.lastOffsetDelta == 2 && batch.recordCount == 3)
            #expect(try batch.records().map(FixtureRecord.init) == Self.records, "\(batch.attributes)")
        }
    }

    /// The same records through our builder decode identically (the bytes differ: other codec
    /// settings, and we never write xerial framing).
    @Test func ourEncodingOfTheSameRecordsMatchesTheirs() throws {
        for codec in [CompressionCodec.gzip, .snappy, .lz4, .zstd] {
            var builder = RecordBatchBuilder()
            for record in Self.records { builder.append(record) }
            var output = ByteBuffer()
            try builder.finish(codec: codec, producerId: 1000, producerEpoch: 2, baseSequence: 30, into: &output)
            let batch = try #require(try RecordBatchReader.readAll(output).batches.first)
            #expect(try batch.records().map(FixtureRecord.init) == Self.records)
            // The header up to the CRC is identical to the peer's apart from the attributes and CRC.
            let peer = RecordFixtures.bytes(hex: [Self.gzip, Self.snappy, Self.lz4, Self.zstd][Int(codec.rawValue) - 1])
            let ours = RecordFixtures.bytes(output)
            #expect(Array(ours[23..<61]) == Array(peer[23..<61]), "\(codec) header fields")
        }
    }
}
