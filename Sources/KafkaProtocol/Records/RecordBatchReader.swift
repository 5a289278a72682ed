import NIOCore

/// Iterates the record batches of a records blob: the `records` field of a Fetch response
/// partition, zero or more batches back to back.
///
/// A batch cut off at the end of the blob is normal (the broker fills the response up to its
/// byte limit) and is not an error: iteration stops and `truncatedTailBytes` says how many
/// bytes were left over. Anything else that breaks the format throws.
///
///     var reader = RecordBatchReader(recordsBlob)
///     while let batch = try reader.next() {
///         for record in try batch.records() { ... }
///     }
///     if reader.endedWithTruncatedBatch { /* fetch again from the next offset */ }
public struct RecordBatchReader: Sendable {
    /// Bound on one batch's decompressed records section: 64 MiB, well above Kafka's default
    /// 1 MiB message limit but far below what a decompression bomb would ask for.
    public static let defaultMaxDecompressedBytes = 64 << 20

    private var remaining: ByteBuffer
    private let verifyChecksums: Bool
    /// Bytes of an incomplete batch at the end of the blob, once `next()` has returned nil.
    public private(set) var truncatedTailBytes = 0

    /// - Parameters:
    ///   - records: the blob; its readable bytes are read (the buffer is not consumed).
    ///   - verifyChecksums: check each batch's CRC-32C (cheap with SSE4.2; disable only for trusted data).
    public init(_ records: ByteBuffer, verifyChecksums: Bool = true) {
        remaining = records
        self.verifyChecksums = verifyChecksums
    }

    public var endedWithTruncatedBatch: Bool { truncatedTailBytes > 0 }

    /// The next complete batch, or nil at the end of the blob or at a truncated final batch.
    ///
    /// Throws for a batch that is complete but invalid: magic other than 2 (legacy message
    /// sets are not supported), a CRC mismatch, or impossible lengths. After a throw the reader
    /// has moved past the bad batch when its length was usable.
    public mutating func next() throws(KafkaWireError) -> RecordBatch? {
        let available = remaining.readableBytes
        guard available > 0 else { return nil }
        let start = remaining.readerIndex
        guard available >= RecordBatchLayout.logOverhead else {
            truncatedTailBytes = available
            return nil
        }
        let batchLength = remaining.getInteger(at: start + RecordBatchLayout.batchLength, as: Int32.self)!
        if available > RecordBatchLayout.magic {
            let magic = remaining.getInteger(at: start + RecordBatchLayout.magic, as: Int8.self)!
            guard magic == RecordBatchLayout.currentMagic else {
                skipIfPossible(batchLength: batchLength)
                throw .malformed("record batch magic \(magic) at offset \(baseOffset(at: start)) is not supported; only magic 2 (Kafka 0.11+) is")
            }
        }
        guard batchLength >= RecordBatchLayout.headerBytes - RecordBatchLayout.logOverhead else {
            remaining.moveReaderIndex(forwardBy: available)
            throw .malformed("record batch length \(batchLength) at offset \(baseOffset(at: start)) is shorter than a batch header")
        }
        let totalBytes = RecordBatchLayout.logOverhead + Int(batchLength)
        guard totalBytes <= available else {
            truncatedTailBytes = available
            return nil
        }
        let batchBytes = remaining.view(at: start, length: totalBytes)!
        remaining.moveReaderIndex(forwardBy: totalBytes)
        return try Self.parse(batchBytes, verifyChecksum: verifyChecksums)
    }

    /// Reads all complete batches; convenient when the whole fetch is wanted at once.
    public static func readAll(_ records: ByteBuffer, verifyChecksums: Bool = true) throws(KafkaWireError) -> (batches: [RecordBatch], truncatedTailBytes: Int) {
        var reader = RecordBatchReader(records, verifyChecksums: verifyChecksums)
        var batches: [RecordBatch] = []
        while let batch = try reader.next() { batches.append(batch) }
        return (batches, reader.truncatedTailBytes)
    }

    /// Parses one complete batch (`bytes` is exactly the batch, log overhead included).
    static func parse(_ bytes: ByteBuffer, verifyChecksum: Bool) throws(KafkaWireError) -> RecordBatch {
        let base = bytes.readerIndex
        func field<T: FixedWidthInteger>(_ offset: Int, _: T.Type = T.self) -> T {
            bytes.getInteger(at: base + offset, as: T.self)!
        }
        let storedCRC: UInt32 = field(RecordBatchLayout.crc)
        let baseOffset: Int64 = field(RecordBatchLayout.baseOffset)
        if verifyChecksum {
            let computed = RecordBatchLayout.checksum(of: bytes, batchAt: base, end: bytes.writerIndex)
            guard computed == storedCRC else {
                throw .malformed(
                    "record batch at offset \(baseOffset) failed its CRC check (stored \(hex(storedCRC)), computed \(hex(computed)))"
                )
            }
        }
        let recordCount: Int32 = field(RecordBatchLayout.recordCount)
        guard recordCount >= 0 else { throw .malformed("record batch at offset \(baseOffset) has record count \(recordCount)") }
        return RecordBatch(
            baseOffset: baseOffset,
            batchLength: field(RecordBatchLayout.batchLength),
            partitionLeaderEpoch: field(RecordBatchLayout.partitionLeaderEpoch),
            magic: field(RecordBatchLayout.magic),
            crc: storedCRC,
            attributes: RecordBatchAttributes(rawValue: field(RecordBatchLayout.attributes)),
            lastOffsetDelta: field(RecordBatchLayout.lastOffsetDelta),
            baseTimestamp: field(RecordBatchLayout.baseTimestamp),
            maxTimestamp: field(RecordBatchLayout.maxTimestamp),
            producerId: field(RecordBatchLayout.producerId),
            producerEpoch: field(RecordBatchLayout.producerEpoch),
            baseSequence: field(RecordBatchLayout.baseSequence),
            recordCount: recordCount,
            storedRecords: bytes.view(at: base + RecordBatchLayout.records, length: bytes.readableBytes - RecordBatchLayout.records)!
        )
    }

    private func baseOffset(at index: Int) -> Int64 {
        remaining.getInteger(at: index, as: Int64.self) ?? -1
    }

    /// Moves past a batch that will be reported as an error, so a caller may choose to continue.
    private mutating func skipIfPossible(batchLength: Int32) {
        let total = RecordBatchLayout.logOverhead + Int(max(batchLength, 0))
        remaining.moveReaderIndex(forwardBy: min(total, remaining.readableBytes))
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
