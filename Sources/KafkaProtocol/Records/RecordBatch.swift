import KafkaCompression
import NIOCore

/// One record of a batch, with offset and timestamp already made absolute.
public struct Record: Sendable {
    public var offset: Int64
    /// Milliseconds since the epoch: the producer's CreateTime, or the batch's maxTimestamp
    /// when the batch uses LogAppendTime.
    public var timestamp: Int64
    /// A slice of the batch's records data (no copy when the batch was uncompressed); nil for a null key.
    public var key: ByteBuffer?
    public var value: ByteBuffer?
    public var headers: [RecordHeader]
    /// The per-record attributes byte; Kafka defines no bits in it today.
    public var attributes: Int8

    public init(offset: Int64, timestamp: Int64, key: ByteBuffer?, value: ByteBuffer?, headers: [RecordHeader] = [], attributes: Int8 = 0) {
        self.offset = offset
        self.timestamp = timestamp
        self.key = key
        self.value = value
        self.headers = headers
        self.attributes = attributes
    }

    /// For records of a control batch: the marker type from the key, or nil when the key is not
    /// a control key (shorter than 4 bytes or null).
    public var controlType: ControlRecordType? {
        guard let key, key.readableBytes >= 4, let type = key.getInteger(at: key.readerIndex + 2, as: Int16.self) else { return nil }
        return ControlRecordType(rawValue: type)
    }
}

/// A v2 record batch whose header has been read and whose CRC has been verified.
///
/// The records themselves are decoded on demand by `records()`, so a consumer can skip a
/// batch (for example one that ends before its fetch offset) without decompressing it.
public struct RecordBatch: Sendable {
    public var baseOffset: Int64
    /// Bytes after the batchLength field; the whole batch is `batchLength + 12` bytes.
    public var batchLength: Int32
    public var partitionLeaderEpoch: Int32
    public var magic: Int8
    public var crc: UInt32
    public var attributes: RecordBatchAttributes
    public var lastOffsetDelta: Int32
    /// The first record's timestamp (or the delete horizon when `attributes.hasDeleteHorizon`).
    public var baseTimestamp: Int64
    public var maxTimestamp: Int64
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var recordCount: Int32
    /// The records section exactly as stored: compressed when `attributes.compression` is not `.none`.
    public var storedRecords: ByteBuffer

    public var lastOffset: Int64 { baseOffset &+ Int64(lastOffsetDelta) }
    /// The offset to fetch after this batch. Compaction can remove records, so this comes from
    /// lastOffsetDelta rather than from the records.
    public var nextOffset: Int64 { lastOffset &+ 1 }
    public var compression: CompressionCodec? { attributes.compression }
    public var timestampType: TimestampType { attributes.timestampType }
    public var isTransactional: Bool { attributes.isTransactional }
    public var isControl: Bool { attributes.isControl }

    /// Decompresses (within `maxDecompressedBytes`) and decodes the records from `firstOffset` on
    /// (all of them by default).
    public func records(
        from firstOffset: Int64 = .min, maxDecompressedBytes: Int = RecordBatchReader.defaultMaxDecompressedBytes
    ) throws(KafkaWireError) -> [Record] {
        var result: [Record] = []
        try appendRecords(to: &result, from: firstOffset, maxDecompressedBytes: maxDecompressedBytes)
        return result
    }

    /// Like `records()`, appending to an existing array so its capacity can be reused. Records
    /// before `firstOffset` are stepped over without decoding their fields: a consumer that starts
    /// inside a large batch (a tail near the end of a busy partition) asks for its last few only.
    public func appendRecords(
        to result: inout [Record], from firstOffset: Int64 = .min,
        maxDecompressedBytes: Int = RecordBatchReader.defaultMaxDecompressedBytes
    ) throws(KafkaWireError) {
        try forEachRecord(from: firstOffset, maxDecompressedBytes: maxDecompressedBytes, reserving: { count in
            result.reserveCapacity(result.count + count)
        }) { result.append($0) }
    }

    /// Decodes the records from `firstOffset` on and hands each to `body` as it is read, for a
    /// caller that turns them into something else (a consumer's messages) without an array of
    /// `Record`s in between: `body` may move the key, value and headers out of the record
    /// (`key.take()`), which saves counting references to the batch's memory twice per record.
    /// `reserving` is told first how many records at most will come (a hostile count is bounded
    /// by the bytes there are: every record takes at least 7). Throws, after handing out the
    /// records before it, at the first record that breaks the format.
    public func forEachRecord(
        from firstOffset: Int64 = .min, maxDecompressedBytes: Int = RecordBatchReader.defaultMaxDecompressedBytes,
        reserving: (Int) -> Void = { _ in }, _ body: (inout Record) -> Void
    ) throws(KafkaWireError) {
        let data = try decompressedRecords(maxDecompressedBytes: maxDecompressedBytes)
        let count = Int(max(recordCount, 0))
        let wanted = firstOffset > baseOffset ? min(count, max(0, Int(clamping: lastOffset - firstOffset + 1))) : count
        reserving(min(wanted, data.readableBytes / 7))
        // Whether every key and value can be a plain slice (see `ByteBuffer.view(at:length:)`),
        // asked once for the batch: asking per field reads the storage's capacity, a dynamic
        // exclusivity check on NIO's storage class each time (a tenth of decoding a record).
        let slices = data.slicesWithoutCopy(upTo: data.writerIndex)
        let outcome: Result<Void, KafkaWireError> = data.withUnsafeReadableBytes { bytes in
            do throws(KafkaWireError) {
                var reader = RecordFieldReader(bytes)
                var record = Record(offset: 0, timestamp: 0, key: nil, value: nil)
                let fields = RecordFieldBytes(data: data, slices: slices)
                for _ in 0..<count {
                    if try readRecord(from: &reader, in: fields, from: firstOffset, into: &record) { body(&record) }
                }
                guard reader.remaining == 0 else {
                    throw .malformed("record batch at offset \(baseOffset) has \(reader.remaining) bytes after its \(count) records")
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try outcome.get()
    }

    /// The records section, decompressed if needed. Uncompressed batches return a slice, not a copy.
    public func decompressedRecords(maxDecompressedBytes: Int = RecordBatchReader.defaultMaxDecompressedBytes) throws(KafkaWireError) -> ByteBuffer {
        guard let codec = attributes.compression else {
            throw .malformed("record batch at offset \(baseOffset) uses unknown compression codec \(attributes.rawValue & 0x07)")
        }
        if codec == .none { return storedRecords }
        var output = ByteBuffer()
        do {
            try Compression.decompress(storedRecords, codec: codec, maxOutputBytes: maxDecompressedBytes, into: &output)
        } catch {
            switch error {
            case .outputLimitExceeded:
                throw .tooLarge("record batch at offset \(baseOffset): \(error)")
            default:
                throw .malformed("record batch at offset \(baseOffset): \(error)")
            }
        }
        return output
    }

    /// Decodes one record into `record`; `data` holds the buffer `reader` walks, for slicing keys
    /// and values out of it. False (its fields left unread) when its offset is before `firstOffset`.
    /// Filling the caller's record lets the caller move the key, value and headers out of it.
    private func readRecord(
        from reader: inout RecordFieldReader, in data: RecordFieldBytes, from firstOffset: Int64, into record: inout Record
    ) throws(KafkaWireError) -> Bool {
        let length = try reader.readVarint("record length")
        guard length >= 0, Int(length) <= reader.remaining else {
            throw .malformed("record length \(length) with \(reader.remaining) bytes left in the batch at offset \(baseOffset)")
        }
        // A reader that ends with the record keeps a bad field length from reaching into the next one.
        var body = reader.split(count: Int(length))
        let attributes = Int8(bitPattern: try body.readByte("record attributes"))
        let timestampDelta = try body.readVarlong("record timestampDelta")
        let offsetDelta = try body.readVarint("record offsetDelta")
        // Brokers number a batch's records 0...lastOffsetDelta (compaction leaves gaps, never more).
        guard offsetDelta >= 0, offsetDelta <= lastOffsetDelta else {
            throw .malformed("record offset delta \(offsetDelta) outside 0...\(lastOffsetDelta) in the batch at offset \(baseOffset)")
        }
        if baseOffset &+ Int64(offsetDelta) < firstOffset { return false }
        let key = try body.readNullableBytesRange("record key length").map(data.bytes)
        let value = try body.readNullableBytesRange("record value length").map(data.bytes)
        let headerCount = try body.readVarint("record header count")
        // Each header takes at least 2 bytes, so a larger count is a lie (and would over-reserve).
        guard headerCount >= 0, Int(headerCount) <= body.remaining / 2 else {
            throw .malformed("record header count \(headerCount) in the batch at offset \(baseOffset)")
        }
        var headers: [RecordHeader] = []
        if headerCount > 0 {
            headers.reserveCapacity(Int(headerCount))
            for _ in 0..<headerCount {
                let headerKey = try body.readString("header key length")
                let headerValue = try body.readNullableBytesRange("header value length").map(data.bytes)
                headers.append((key: headerKey, value: headerValue))
            }
        }
        guard body.remaining == 0 else {
            throw .malformed("record at offset delta \(offsetDelta) has \(body.remaining) bytes past its fields")
        }
        let timestamp = self.attributes.timestampType == .logAppendTime ? maxTimestamp : baseTimestamp &+ timestampDelta
        record.offset = baseOffset &+ Int64(offsetDelta)
        record.timestamp = timestamp
        record.key = key
        record.value = value
        record.headers = headers
        record.attributes = attributes
        return true
    }
}
