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
/// Records are encoded straight into a buffer the builder owns, so appending allocates nothing
/// beyond that buffer's occasional growth. `finish` writes the 61-byte header into the output,
/// compresses the records section directly after it (keeping the compressed form only if it is
/// smaller), then patches the length and attributes and computes the CRC last, over
/// attributes...end. `reset()` keeps the capacity, so one builder per partition reaches a steady
/// state without allocation.
public struct RecordBatchBuilder: Sendable {
    private var records: ByteBuffer
    public private(set) var recordCount: Int32 = 0
    /// Timestamp of the first record appended: the batch's baseTimestamp.
    public private(set) var firstTimestamp: Int64 = 0
    public private(set) var maxTimestamp: Int64 = 0

    public init(initialCapacity: Int = 16 * 1024, allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        records = allocator.buffer(capacity: initialCapacity)
    }

    public var isEmpty: Bool { recordCount == 0 }

    /// Bytes of encoded records so far (uncompressed).
    public var recordsByteCount: Int { records.readableBytes }

    /// The batch size if it were finished uncompressed now; compression can only shrink it.
    public var uncompressedBatchByteCount: Int { RecordBatchLayout.headerBytes + records.readableBytes }

    /// Forgets all records but keeps the buffer's capacity.
    public mutating func reset() {
        records.clear()
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

    /// Writes the complete batch at `output`'s writer index.
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
        let start = output.writerIndex
        output.reserveCapacity(minimumWritableBytes: RecordBatchLayout.headerBytes + records.readableBytes)

        output.writeInteger(baseOffset)
        output.writeInteger(Int32(0))  // batchLength, patched below
        output.writeInteger(partitionLeaderEpoch)
        output.writeInteger(RecordBatchLayout.currentMagic)
        output.writeInteger(UInt32(0))  // crc, patched last
        output.writeInteger(Int16(0))  // attributes, patched once the codec is known
        output.writeInteger(recordCount - 1)  // lastOffsetDelta
        output.writeInteger(firstTimestamp)
        output.writeInteger(maxTimestamp)
        output.writeInteger(producerId)
        output.writeInteger(producerEpoch)
        output.writeInteger(baseSequence)
        output.writeInteger(recordCount)

        let recordsStart = output.writerIndex
        var usedCodec = codec
        if codec != .none {
            do {
                try Compression.compress(records, codec: codec, level: level, into: &output)
            } catch {
                output.moveWriterIndex(to: start)
                throw .malformed("cannot compress record batch: \(error)")
            }
            if output.writerIndex - recordsStart >= records.readableBytes {
                output.moveWriterIndex(to: recordsStart)
                usedCodec = .none
            }
        }
        if usedCodec == .none { output.writeImmutableBuffer(records) }

        let end = output.writerIndex
        guard end - start - RecordBatchLayout.logOverhead <= Int(Int32.max) else {
            output.moveWriterIndex(to: start)
            throw .malformed("record batch of \(end - start) bytes exceeds the int32 length field")
        }
        output.setInteger(Int32(end - start - RecordBatchLayout.logOverhead), at: start + RecordBatchLayout.batchLength)
        let attributes = RecordBatchAttributes(compression: usedCodec, isTransactional: isTransactional, isControl: isControl)
        output.setInteger(attributes.rawValue, at: start + RecordBatchLayout.attributes)
        let crcStart = start + RecordBatchLayout.attributes
        let crc = CRC32C.checksum(output, at: crcStart, length: end - crcStart)!
        output.setInteger(crc, at: start + RecordBatchLayout.crc)

        return FinishedRecordBatch(
            byteCount: end - start,
            recordCount: recordCount,
            codec: usedCodec,
            uncompressedRecordsBytes: records.readableBytes,
            crc: crc
        )
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
