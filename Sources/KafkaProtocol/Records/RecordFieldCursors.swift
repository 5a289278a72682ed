import NIOCore

// Pointer cursors for the record fields of a batch.
//
// The ByteBuffer varint helpers in Wire/Varint.swift read and write one byte per call, and
// every such call pays NIO's bounds, uniqueness and (in code inlined into this module)
// dynamic exclusivity checks on the buffer's storage. Profiling KafkaBench showed those
// checks at ~18% of batch encode/decode time, so the per-record loops take the buffer's bytes
// once and walk them with these cursors instead. The encoding is the same zig-zag varint
// format; sizes still come from `VarintSize`.

/// Writes record fields into memory the caller has sized exactly (see `RecordBatchBuilder`).
struct RecordFieldWriter {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    private(set) var position = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    // The preconditions cost a predictable branch per field and turn a sizing bug into a trap
    // instead of a heap overwrite.
    @inline(__always)
    mutating func writeByte(_ byte: UInt8) {
        precondition(position < capacity, "record size was computed wrong")
        base.storeBytes(of: byte, toByteOffset: position, as: UInt8.self)
        position += 1
    }

    @inline(__always)
    mutating func writeUnsignedVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            writeByte(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        writeByte(UInt8(truncatingIfNeeded: remaining))
    }

    @inline(__always)
    mutating func writeVarint(_ value: Int32) {
        writeUnsignedVarint(UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31))))
    }

    @inline(__always)
    mutating func writeVarlong(_ value: Int64) {
        writeUnsignedVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    @inline(__always)
    mutating func writeBytes(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        precondition(bytes.count <= capacity - position, "record size was computed wrong")
        (base + position).copyMemory(from: source, byteCount: bytes.count)
        position += bytes.count
    }

    /// A nullable bytes field: zig-zag length (-1 for null) then the bytes.
    @inline(__always)
    mutating func writeNullableBytes(_ bytes: UnsafeRawBufferPointer?) {
        guard let bytes else { return writeVarint(-1) }
        writeVarint(Int32(bytes.count))
        writeBytes(bytes)
    }

    mutating func writeString(_ string: String) {
        writeVarint(Int32(string.utf8.count))
        let copied: Void? = string.utf8.withContiguousStorageIfAvailable { writeBytes(UnsafeRawBufferPointer($0)) }
        if copied == nil {
            for byte in string.utf8 { writeByte(byte) }
        }
    }
}

/// Reads record fields from a batch's records section, never past `end`.
struct RecordFieldReader {
    private let base: UnsafeRawPointer
    private(set) var position: Int
    let end: Int

    init(_ buffer: UnsafeRawBufferPointer) {
        // An empty buffer may have no address; any non-null pointer will do, nothing is read.
        base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        position = 0
        end = buffer.count
    }

    private init(base: UnsafeRawPointer, position: Int, end: Int) {
        self.base = base
        self.position = position
        self.end = end
    }

    var remaining: Int { end - position }

    /// A reader over the next `count` bytes, which this reader then skips.
    @inline(__always)
    mutating func split(count: Int) -> RecordFieldReader {
        let part = RecordFieldReader(base: base, position: position, end: position + count)
        position += count
        return part
    }

    @inline(__always)
    mutating func readByte(_ field: StaticString) throws(KafkaWireError) -> UInt8 {
        guard position < end else { throw .truncated(field: field.description) }
        let byte = base.load(fromByteOffset: position, as: UInt8.self)
        position += 1
        return byte
    }

    @inline(__always)
    mutating func readUnsignedVarint(maxBytes: Int, _ field: StaticString) throws(KafkaWireError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for _ in 0..<maxBytes {
            let byte = try readByte(field)
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw .malformed("\(field) is longer than \(maxBytes) bytes")
    }

    @inline(__always)
    mutating func readVarint(_ field: StaticString) throws(KafkaWireError) -> Int32 {
        let raw = try readUnsignedVarint(maxBytes: 5, field)
        guard raw <= UInt64(UInt32.max) else { throw .malformed("\(field) overflows 32 bits") }
        let narrow = UInt32(raw)
        return Int32(bitPattern: (narrow >> 1) ^ (0 &- (narrow & 1)))
    }

    @inline(__always)
    mutating func readVarlong(_ field: StaticString) throws(KafkaWireError) -> Int64 {
        let raw = try readUnsignedVarint(maxBytes: 10, field)
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A nullable bytes field as (offset, count) within the records section, or nil for null.
    @inline(__always)
    mutating func readNullableBytesRange(_ field: StaticString) throws(KafkaWireError) -> (offset: Int, count: Int)? {
        let length = try readVarint(field)
        if length == -1 { return nil }
        guard length >= 0 else { throw .malformed("\(field) is \(length)") }
        guard Int(length) <= remaining else { throw .truncated(field: field.description) }
        defer { position += Int(length) }
        return (position, Int(length))
    }

    mutating func readString(_ field: StaticString) throws(KafkaWireError) -> String {
        let length = try readVarint(field)
        guard length >= 0 else { throw .malformed("\(field) is \(length)") }
        guard Int(length) <= remaining else { throw .truncated(field: field.description) }
        defer { position += Int(length) }
        return String(decoding: UnsafeRawBufferPointer(start: base + position, count: Int(length)), as: UTF8.self)
    }
}

/// The records section a `RecordFieldReader` walks, as the buffer its keys, values and header
/// values are cut from without copying.
struct RecordFieldBytes {
    let data: ByteBuffer
    /// Every field can be a plain slice (`getSlice`); otherwise `view(at:length:)` decides per field.
    let slices: Bool

    /// The field at `range` (relative to the section's first readable byte); the reader has
    /// already checked that it lies within the section.
    @inline(__always)
    func bytes(_ range: (offset: Int, count: Int)) -> ByteBuffer {
        let index = data.readerIndex + range.offset
        return (slices ? data.getSlice(at: index, length: range.count) : data.view(at: index, length: range.count))!
    }
}
