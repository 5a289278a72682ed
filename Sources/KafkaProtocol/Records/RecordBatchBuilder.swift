import KafkaCompression
import NIOCore

/// Byte offsets inside a v2 record batch, from the start of its baseOffset field.
enum RecordBatchLayout {
    static let baseOffset = 0
    static let batchLength = 8
    static let partitionLeaderEpoch = 12
    static let magic = 16
    static let crc = 17
    static let attributes = 21
    static let lastOffsetDelta = 23
    static let baseTimestamp = 27
    static let maxTimestamp = 35
    static let producerId = 43
    static let producerEpoch = 51
    static let baseSequence = 53
    static let recordCount = 57
    static let records = 61

    /// baseOffset and batchLength precede what batchLength counts.
    static let logOverhead = 12
    static let headerBytes = 61
    static let currentMagic: Int8 = 2

    /// The CRC-32C a v2 batch carries: over attributes...end, for the batch at `start` (its
    /// baseOffset field) that ends at `end`.
    static func checksum(of buffer: ByteBuffer, batchAt start: Int, end: Int) -> UInt32 {
        let crcStart = start + attributes
        return CRC32C.checksum(buffer, at: crcStart, length: end - crcStart)!
    }
}

/// Summary of a batch written by `RecordBatchBuilder.finish`.
public struct FinishedRecordBatch: Sendable, Hashable {
    /// Bytes appended to the output: the whole batch including its 12-byte log overhead.
    public var byteCount: Int
    public var recordCount: Int32
    /// The codec actually used: `.none` when compression did not make the records smaller.
    public var codec: CompressionCodec
    /// Size of the records section before compression.
    public var uncompressedRecordsBytes: Int
    public var crc: UInt32
}

/// Builds a v2 record batch, the producer's hot path.
///
/// Records are encoded straight into a buffer the builder owns, behind 61 bytes kept free for
/// the header, so appending allocates nothing beyond that buffer's occasional growth.
/// `finishInPlace` writes the header into that space: an uncompressed batch is never copied.
/// `finish` writes a copy into another buffer. Either compresses the records section right after
/// the header (keeping the compressed form only if it is smaller), then patches the length and
/// attributes and computes the CRC last, over attributes...end. `reset()` keeps the capacity, so
/// one builder per partition reaches a steady state without allocation.
public struct RecordBatchBuilder: Sendable {
    /// The header space, then the records; the reader index is where the records begin.
    private var records: ByteBuffer
    public private(set) var recordCount: Int32 = 0
    /// Timestamp of the first record appended: the batch's baseTimestamp.
    public private(set) var firstTimestamp: Int64 = 0
    public private(set) var maxTimestamp: Int64 = 0

    public init(initialCapacity: Int = 16 * 1024, allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        records = allocator.buffer(capacity: RecordBatchLayout.headerBytes + initialCapacity)
        reserveHeader()
    }

    private mutating func reserveHeader() {
        records.writeRepeatingByte(0, count: RecordBatchLayout.headerBytes)
        records.moveReaderIndex(forwardBy: RecordBatchLayout.headerBytes)
    }

    public var isEmpty: Bool { recordCount == 0 }

    /// Bytes the builder's buffer holds without growing.
    public var capacity: Int { records.capacity }

    /// Bytes of encoded records so far (uncompressed).
    public var recordsByteCount: Int { records.readableBytes }

    /// The batch size if it were finished uncompressed now; compression can only shrink it.
    public var uncompressedBatchByteCount: Int { RecordBatchLayout.headerBytes + records.readableBytes }

    /// Forgets all records but keeps the buffer's capacity.
    public mutating func reset() {
        records.clear()
        reserveHeader()
        recordCount = 0
        firstTimestamp = 0
        maxTimestamp = 0
    }

    /// The bytes `append` would add for this record, so a producer can check its batch size limit first.
    public func encodedSize(keyCount: Int?, valueCount: Int?, headers: [RecordHeader] = [], timestamp: Int64) -> Int {
        let body = bodySize(keyCount: keyCount, valueCount: valueCount, headers: headers, timestamp: timestamp)
        return VarintSize.signed(Int32(truncatingIfNeeded: body)) + body
    }

    /// Appends one record. `nil` key or value is a null (distinct from empty);
    /// `timestamp` is milliseconds since the epoch (CreateTime).
    @_disfavoredOverload
    public mutating func append(
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?,
        headers: [RecordHeader] = [],
        timestamp: Int64
    ) {
        let prefix = beginRecord(keyCount: key?.count, valueCount: value?.count, headers: headers, timestamp: timestamp)
        records.writeWithUnsafeMutableBytes(minimumWritableBytes: prefix.recordSize) { free in
            var writer = RecordFieldWriter(free)
            prefix.write(to: &writer)
            writer.writeNullableBytes(key)
            writer.writeNullableBytes(value)
            Self.writeHeaders(headers, to: &writer)
            precondition(writer.position == prefix.recordSize, "record size was computed wrong")
            return writer.position
        }
    }

    /// Appends one record from the readable bytes of `key` and `value` (copied; their reader indices do not move).
    public mutating func append(
        key: ByteBuffer?,
        value: ByteBuffer?,
        headers: [RecordHeader] = [],
        timestamp: Int64
    ) {
        let prefix = beginRecord(keyCount: key?.readableBytes, valueCount: value?.readableBytes, headers: headers, timestamp: timestamp)
        records.writeWithUnsafeMutableBytes(minimumWritableBytes: prefix.recordSize) { free in
            var writer = RecordFieldWriter(free)
            prefix.write(to: &writer)
            withReadableBytes(of: key) { writer.writeNullableBytes($0) }
            withReadableBytes(of: value) { writer.writeNullableBytes($0) }
            Self.writeHeaders(headers, to: &writer)
            precondition(writer.position == prefix.recordSize, "record size was computed wrong")
            return writer.position
        }
    }

    /// Writes the complete batch at `output`'s writer index (a copy; the builder is unchanged).
    ///
    /// - Parameters:
    ///   - codec: compression for the records section; the batch is written uncompressed (and
    ///     says so in its attributes) when compressing does not make it smaller.
    ///   - level: codec level, nil for its default.
    ///   - producerId, producerEpoch, baseSequence: -1 unless the producer is idempotent.
    ///   - partitionLeaderEpoch: -1 from producers; the broker fills it in.
    ///   - baseOffset: 0 from producers; the broker assigns offsets.
    /// - Throws: `KafkaWireError.malformed` for an empty builder or a failing codec.
    @discardableResult
    public func finish(
        codec: CompressionCodec = .none,
        level: Int? = nil,
        producerId: Int64 = -1,
        producerEpoch: Int16 = -1,
        baseSequence: Int32 = -1,
        partitionLeaderEpoch: Int32 = -1,
        isTransactional: Bool = false,
        isControl: Bool = false,
        baseOffset: Int64 = 0,
        into output: inout ByteBuffer
    ) throws(KafkaWireError) -> FinishedRecordBatch {
        guard recordCount > 0 else { throw .malformed("a record batch needs at least one record") }
        let header = HeaderFields(
            baseOffset: baseOffset, partitionLeaderEpoch: partitionLeaderEpoch, stamp: .init(producerId: producerId, producerEpoch: producerEpoch, baseSequence: baseSequence),
            isTransactional: isTransactional, isControl: isControl)
        let start = output.writerIndex
        output.reserveCapacity(minimumWritableBytes: RecordBatchLayout.headerBytes + records.readableBytes)
        if codec != .none, try compress(codec: codec, level: level, header: header, into: &output) {
            return finished(in: output, at: start, codec: codec, header: header)
        }
        output.writeRepeatingByte(0, count: RecordBatchLayout.headerBytes)
        output.writeImmutableBuffer(records)
        try Self.patchHeader(of: &output, at: start, codec: .none, header: header, counts: counts)
        return finished(in: output, at: start, codec: .none, header: header)
    }

    /// Finishes the batch without copying it when it goes uncompressed: the header is written into
    /// the space kept before the records and the batch is a view of the builder's own buffer. A
    /// compressed batch goes into `compressionOutput` (appended at its writer index), and the
    /// result is a view of that.
    ///
    /// The builder then holds a finished batch: `reset()` it before appending again, and only once
    /// the result is gone, or the reset copies the buffer instead of reusing it.
    public mutating func finishInPlace(
        codec: CompressionCodec = .none,
        level: Int? = nil,
        stamp: RecordBatchStamp = .none,
        compressionOutput: inout ByteBuffer
    ) throws(KafkaWireError) -> (batch: ByteBuffer, summary: FinishedRecordBatch) {
        guard recordCount > 0 else { throw .malformed("a record batch needs at least one record") }
        let header = HeaderFields(baseOffset: 0, partitionLeaderEpoch: -1, stamp: stamp, isTransactional: false, isControl: false)
        let start = compressionOutput.writerIndex
        if codec != .none, try compress(codec: codec, level: level, header: header, into: &compressionOutput) {
            let summary = finished(in: compressionOutput, at: start, codec: codec, header: header)
            // The whole buffer when it held nothing else, so its capacity can be reused once the batch is done.
            if start == compressionOutput.readerIndex { return (compressionOutput, summary) }
            return (compressionOutput.getSlice(at: start, length: summary.byteCount)!, summary)
        }
        // Reads below the reader index are refused: the header is made readable while it is written.
        let recordsStart = records.readerIndex
        let headerStart = recordsStart - RecordBatchLayout.headerBytes
        records.moveReaderIndex(to: headerStart)
        defer { records.moveReaderIndex(to: recordsStart) }
        let counts = self.counts
        try Self.patchHeader(of: &records, at: headerStart, codec: .none, header: header, counts: counts)
        let summary = FinishedRecordBatch(
            byteCount: records.readableBytes, recordCount: recordCount, codec: .none,
            uncompressedRecordsBytes: records.readableBytes - RecordBatchLayout.headerBytes,
            crc: records.getInteger(at: headerStart + RecordBatchLayout.crc)!)
        return (records.getSlice(at: headerStart, length: summary.byteCount)!, summary)
    }

    /// The header's fields that do not come from the records.
    private struct HeaderFields {
        var baseOffset: Int64
        var partitionLeaderEpoch: Int32
        var stamp: RecordBatchStamp
        var isTransactional: Bool
        var isControl: Bool
    }

    /// What the header takes from the records.
    private var counts: RecordCounts { RecordCounts(recordCount: recordCount, firstTimestamp: firstTimestamp, maxTimestamp: maxTimestamp) }

    private struct RecordCounts {
        var recordCount: Int32
        var firstTimestamp: Int64
        var maxTimestamp: Int64
    }

    /// Writes header space and the compressed records at `output`'s writer index and patches the
    /// header; false (output as it was) when compressing did not make the records smaller.
    private func compress(codec: CompressionCodec, level: Int?, header: HeaderFields, into output: inout ByteBuffer) throws(KafkaWireError) -> Bool {
        let start = output.writerIndex
        output.reserveCapacity(minimumWritableBytes: RecordBatchLayout.headerBytes + records.readableBytes)
        output.writeRepeatingByte(0, count: RecordBatchLayout.headerBytes)
        do {
            try Compression.compress(records, codec: codec, level: level, into: &output)
        } catch {
            output.moveWriterIndex(to: start)
            throw .malformed("cannot compress record batch: \(error)")
        }
        guard output.writerIndex - start - RecordBatchLayout.headerBytes < records.readableBytes else {
            output.moveWriterIndex(to: start)
            return false
        }
        do {
            try Self.patchHeader(of: &output, at: start, codec: codec, header: header, counts: counts)
        } catch {
            output.moveWriterIndex(to: start)
            throw error
        }
        return true
    }

    /// Fills in the 61 header bytes at `start`, the batch ending at `buffer`'s writer index: the
    /// length and attributes once the codec is known, the CRC last. Static, so that patching the
    /// builder's own buffer does not borrow a copy of the builder, which would make the buffer
    /// shared and the first write copy all of it.
    private static func patchHeader(
        of buffer: inout ByteBuffer, at start: Int, codec: CompressionCodec, header: HeaderFields, counts: RecordCounts
    ) throws(KafkaWireError) {
        let end = buffer.writerIndex
        guard end - start - RecordBatchLayout.logOverhead <= Int(Int32.max) else {
            throw .malformed("record batch of \(end - start) bytes exceeds the int32 length field")
        }
        buffer.setInteger(header.baseOffset, at: start + RecordBatchLayout.baseOffset)
        buffer.setInteger(Int32(end - start - RecordBatchLayout.logOverhead), at: start + RecordBatchLayout.batchLength)
        buffer.setInteger(header.partitionLeaderEpoch, at: start + RecordBatchLayout.partitionLeaderEpoch)
        buffer.setInteger(RecordBatchLayout.currentMagic, at: start + RecordBatchLayout.magic)
        let attributes = RecordBatchAttributes(compression: codec, isTransactional: header.isTransactional, isControl: header.isControl)
        buffer.setInteger(attributes.rawValue, at: start + RecordBatchLayout.attributes)
        buffer.setInteger(counts.recordCount - 1, at: start + RecordBatchLayout.lastOffsetDelta)
        buffer.setInteger(counts.firstTimestamp, at: start + RecordBatchLayout.baseTimestamp)
        buffer.setInteger(counts.maxTimestamp, at: start + RecordBatchLayout.maxTimestamp)
        header.stamp.setFields(in: &buffer, batchAt: start)
        buffer.setInteger(counts.recordCount, at: start + RecordBatchLayout.recordCount)
        buffer.setInteger(RecordBatchLayout.checksum(of: buffer, batchAt: start, end: end), at: start + RecordBatchLayout.crc)
    }

    private func finished(in buffer: ByteBuffer, at start: Int, codec: CompressionCodec, header: HeaderFields) -> FinishedRecordBatch {
        FinishedRecordBatch(
            byteCount: buffer.writerIndex - start, recordCount: recordCount, codec: codec,
            uncompressedRecordsBytes: records.readableBytes, crc: buffer.getInteger(at: start + RecordBatchLayout.crc)!)
    }

    // MARK: - Record encoding

    private func timestampDelta(for timestamp: Int64) -> Int64 {
        recordCount == 0 ? 0 : timestamp &- firstTimestamp
    }

    /// Size of everything after the record's length varint.
    private func bodySize(keyCount: Int?, valueCount: Int?, headers: [RecordHeader], timestamp: Int64) -> Int {
        var size = 1  // attributes
        size += VarintSize.signed(timestampDelta(for: timestamp))
        size += VarintSize.signed(recordCount)  // offsetDelta
        size += Self.nullableFieldSize(keyCount)
        size += Self.nullableFieldSize(valueCount)
        size += VarintSize.signed(Int32(truncatingIfNeeded: headers.count))
        for header in headers {
            let keyCount = header.key.utf8.count
            size += VarintSize.signed(Int32(truncatingIfNeeded: keyCount)) + keyCount
            size += Self.nullableFieldSize(header.value?.readableBytes)
        }
        return size
    }

    private static func nullableFieldSize(_ count: Int?) -> Int {
        guard let count else { return 1 }  // varint -1
        return VarintSize.signed(Int32(truncatingIfNeeded: count)) + count
    }

    /// The fields before the key, computed before the buffer is touched.
    private struct RecordPrefix {
        var recordSize: Int
        var bodySize: Int32
        var timestampDelta: Int64
        var offsetDelta: Int32

        func write(to writer: inout RecordFieldWriter) {
            writer.writeVarint(bodySize)
            writer.writeByte(0)  // record attributes: unused by Kafka
            writer.writeVarlong(timestampDelta)
            writer.writeVarint(offsetDelta)
        }
    }

    /// Sizes the record and updates the batch's counters and timestamps.
    private mutating func beginRecord(keyCount: Int?, valueCount: Int?, headers: [RecordHeader], timestamp: Int64) -> RecordPrefix {
        let body = bodySize(keyCount: keyCount, valueCount: valueCount, headers: headers, timestamp: timestamp)
        // Anything this large could not be sent anyway (Kafka caps requests far lower).
        precondition(body <= Int(Int32.max) - 5, "record of \(body) bytes exceeds the int32 length field")
        precondition(recordCount < Int32.max, "record batch is full")
        let prefix = RecordPrefix(
            recordSize: VarintSize.signed(Int32(body)) + body,
            bodySize: Int32(body),
            timestampDelta: timestampDelta(for: timestamp),
            offsetDelta: recordCount
        )
        if recordCount == 0 {
            firstTimestamp = timestamp
            maxTimestamp = timestamp
        } else if timestamp > maxTimestamp {
            maxTimestamp = timestamp
        }
        recordCount += 1
        return prefix
    }

    private static func writeHeaders(_ headers: [RecordHeader], to writer: inout RecordFieldWriter) {
        writer.writeVarint(Int32(headers.count))
        for header in headers {
            writer.writeString(header.key)
            withReadableBytes(of: header.value) { writer.writeNullableBytes($0) }
        }
    }
}

@inline(__always)
private func withReadableBytes(of buffer: ByteBuffer?, _ body: (UnsafeRawBufferPointer?) -> Void) {
    guard let buffer else { return body(nil) }
    buffer.withUnsafeReadableBytes { body($0) }
}
