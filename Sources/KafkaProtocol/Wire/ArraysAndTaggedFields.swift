import NIOCore

// Array counts and tagged fields.
//
// Arrays: classic ARRAY has an int32 count (-1 = null); COMPACT_ARRAY an unsigned varint
// holding count + 1 (0 = null). Elements follow; the caller decodes them.
//
// Tagged fields (KIP-482) end every struct in a flexible version: an unsigned varint count,
// then per field an unsigned varint tag, an unsigned varint size and `size` bytes.

extension ByteBuffer {
    // MARK: Arrays

    /// Reads an array count; nil means a null array.
    ///
    /// `minElementSize` is the fewest bytes one element can take. A count that could not fit
    /// in the remaining bytes is rejected here, before anyone reserves capacity for it, so a
    /// corrupt count cannot make the decoder allocate gigabytes.
    @inlinable
    public mutating func readKafkaNullableArrayCount(
        compact: Bool, nullable: Bool = true, minElementSize: Int, field: StaticString = "array"
    ) throws(KafkaWireError) -> Int? {
        let count: Int
        if compact {
            let raw = try readUnsignedVarint32(field: "\(field) count")
            if raw == 0 {
                guard nullable else { throw .malformed("\(field) is null but the field is not nullable") }
                return nil
            }
            count = Int(raw) - 1
        } else {
            guard let raw = readInteger(as: Int32.self) else { throw .truncated(field: "\(field) count") }
            if raw == -1 {
                guard nullable else { throw .malformed("\(field) is null but the field is not nullable") }
                return nil
            }
            guard raw >= 0 else { throw .malformed("\(field) has negative count \(raw)") }
            count = Int(raw)
        }
        // Both factors are below 2^32, so the product cannot overflow a 64-bit Int.
        guard count * max(minElementSize, 1) <= readableBytes else {
            throw .malformed("\(field) claims \(count) elements but only \(readableBytes) bytes remain")
        }
        return count
    }

    @inlinable
    public mutating func readKafkaArrayCount(
        compact: Bool, minElementSize: Int, field: StaticString = "array"
    ) throws(KafkaWireError) -> Int {
        try readKafkaNullableArrayCount(compact: compact, nullable: false, minElementSize: minElementSize, field: field)!
    }

    /// Writes an array count. Counts beyond Int32.max cannot occur for arrays that fit in memory.
    @inlinable
    public mutating func writeKafkaArrayCount(_ count: Int, compact: Bool) {
        if compact {
            writeUnsignedVarint(UInt64(count) + 1)
        } else {
            writeInteger(Int32(count))
        }
    }

    /// Writes the null array marker, or throws when this version does not allow a null array.
    @inlinable
    public mutating func writeKafkaNullArray(compact: Bool, nullable: Bool = true, field: StaticString = "array") throws(KafkaWireError) {
        guard nullable else { throw .malformed("\(field) is null but the field is not nullable at this version") }
        if compact { writeInteger(UInt8(0)) } else { writeInteger(Int32(-1)) }
    }

    // MARK: Tagged fields

    /// Reads the number of tagged fields that follow.
    @inlinable
    public mutating func readKafkaTaggedFieldCount(field: StaticString = "tagged fields") throws(KafkaWireError) -> UInt32 {
        try readUnsignedVarint32(field: "\(field) count")
    }

    /// Reads one tagged field's tag and size; the size is checked against the remaining bytes.
    @inlinable
    public mutating func readKafkaTaggedFieldHeader(
        field: StaticString = "tagged field"
    ) throws(KafkaWireError) -> (tag: UInt32, size: Int) {
        let tag = try readUnsignedVarint32(field: "\(field) tag")
        let size = Int(try readUnsignedVarint32(field: "\(field) size"))
        guard size <= readableBytes else { throw .truncated(field: "\(field) \(tag)") }
        return (tag, size)
    }

    /// Reads a tagged-field section and ignores every field in it (for structs with no known tags).
    @inlinable
    public mutating func skipKafkaTaggedFields(field: StaticString = "tagged fields") throws(KafkaWireError) {
        let count = try readKafkaTaggedFieldCount(field: field)
        for _ in 0..<count {
            let (_, size) = try readKafkaTaggedFieldHeader(field: field)
            moveReaderIndex(forwardBy: size)
        }
    }

    /// Writes an empty tagged-field section (count 0).
    @inlinable
    public mutating func writeKafkaEmptyTaggedFields() {
        writeInteger(UInt8(0))
    }

    /// Writes one tagged field whose value has already been encoded into `value`.
    @inlinable
    public mutating func writeKafkaTaggedField(tag: UInt32, value: ByteBuffer) {
        writeUnsignedVarint(UInt64(tag))
        writeUnsignedVarint(UInt64(value.readableBytes))
        writeImmutableBuffer(value)
    }
}
