import NIOCore

// Length-prefixed strings and byte arrays, in both of Kafka's encodings:
// - classic: STRING has an int16 length, BYTES an int32 length, -1 meaning null;
// - compact (flexible versions, KIP-482): an unsigned varint holding length + 1, 0 meaning null.
// Each call takes `compact:` so generated code can pass its per-version flag straight through.
//
// Readers accept null only when `nullable` is true: a null where the schema forbids one
// is malformed input, not something to paper over with an empty value.

/// The longest string Kafka accepts (its length must fit in an int16, also in compact form).
public let kafkaMaxStringLength = Int(Int16.max)

extension ByteBuffer {
    // MARK: Lengths

    /// Reads a string or bytes length prefix; nil means null.
    @inlinable
    mutating func readKafkaLength(
        compact: Bool, classicWidth16: Bool, nullable: Bool, field: StaticString
    ) throws(KafkaWireError) -> Int? {
        let length: Int
        if compact {
            let raw = try readUnsignedVarint32(field: "\(field) length")
            if raw == 0 {
                guard nullable else { throw .malformed("\(field) is null but the field is not nullable") }
                return nil
            }
            length = Int(raw) - 1
        } else {
            let raw: Int
            if classicWidth16 {
                guard let value = readInteger(as: Int16.self) else { throw .truncated(field: "\(field) length") }
                raw = Int(value)
            } else {
                guard let value = readInteger(as: Int32.self) else { throw .truncated(field: "\(field) length") }
                raw = Int(value)
            }
            if raw == -1 {
                guard nullable else { throw .malformed("\(field) is null but the field is not nullable") }
                return nil
            }
            guard raw >= 0 else { throw .malformed("\(field) has negative length \(raw)") }
            length = raw
        }
        guard length <= readableBytes else { throw .truncated(field: "\(field)") }
        return length
    }

    // MARK: Strings

    @inlinable
    public mutating func readKafkaString(compact: Bool, field: StaticString = "string") throws(KafkaWireError) -> String {
        let length = try readKafkaLength(compact: compact, classicWidth16: true, nullable: false, field: field)!
        return readString(length: length)!
    }

    @inlinable
    public mutating func readKafkaNullableString(
        compact: Bool, nullable: Bool = true, field: StaticString = "nullable string"
    ) throws(KafkaWireError) -> String? {
        guard let length = try readKafkaLength(compact: compact, classicWidth16: true, nullable: nullable, field: field) else {
            return nil
        }
        return readString(length: length)!
    }

    @inlinable
    public mutating func writeKafkaString(_ value: String, compact: Bool, field: StaticString = "string") throws(KafkaWireError) {
        let length = value.utf8.count
        guard length <= kafkaMaxStringLength else {
            throw .malformed("\(field) is \(length) bytes, longer than the \(kafkaMaxStringLength) a Kafka string allows")
        }
        if compact {
            writeUnsignedVarint(UInt64(length) + 1)
        } else {
            writeInteger(Int16(length))
        }
        writeString(value)
    }

    @inlinable
    public mutating func writeKafkaNullableString(
        _ value: String?, compact: Bool, nullable: Bool = true, field: StaticString = "nullable string"
    ) throws(KafkaWireError) {
        guard let value else {
            guard nullable else { throw .malformed("\(field) is null but the field is not nullable at this version") }
            if compact { writeInteger(UInt8(0)) } else { writeInteger(Int16(-1)) }
            return
        }
        try writeKafkaString(value, compact: compact, field: field)
    }

    // MARK: Bytes (also the `records` type)

    /// Returns a view of this buffer (`readView`: no copy, wherever the bytes lie).
    @inlinable
    public mutating func readKafkaBytes(compact: Bool, field: StaticString = "bytes") throws(KafkaWireError) -> ByteBuffer {
        let length = try readKafkaLength(compact: compact, classicWidth16: false, nullable: false, field: field)!
        return readView(length: length)!
    }

    /// Returns a view of this buffer (`readView`: no copy, wherever the bytes lie), or nil for null.
    @inlinable
    public mutating func readKafkaNullableBytes(
        compact: Bool, nullable: Bool = true, field: StaticString = "nullable bytes"
    ) throws(KafkaWireError) -> ByteBuffer? {
        guard let length = try readKafkaLength(compact: compact, classicWidth16: false, nullable: nullable, field: field) else {
            return nil
        }
        return readView(length: length)!
    }

    /// Writes the readable bytes of `value`, which is left untouched.
    @inlinable
    public mutating func writeKafkaBytes(_ value: ByteBuffer, compact: Bool, field: StaticString = "bytes") throws(KafkaWireError) {
        try writeKafkaBytesLength(value.readableBytes, compact: compact, field: field)
        writeImmutableBuffer(value)
    }

    /// The length prefix of a bytes field whose `length` bytes follow (or are sent as a piece of their own).
    @inlinable
    public mutating func writeKafkaBytesLength(_ length: Int, compact: Bool, field: StaticString = "bytes") throws(KafkaWireError) {
        guard length <= Int(Int32.max) - 1 else { throw .malformed("\(field) is \(length) bytes, too long for Kafka") }
        if compact {
            writeUnsignedVarint(UInt64(length) + 1)
        } else {
            writeInteger(Int32(length))
        }
    }

    @inlinable
    public mutating func writeKafkaNullableBytes(
        _ value: ByteBuffer?, compact: Bool, nullable: Bool = true, field: StaticString = "nullable bytes"
    ) throws(KafkaWireError) {
        guard let value else {
            guard nullable else { throw .malformed("\(field) is null but the field is not nullable at this version") }
            if compact { writeInteger(UInt8(0)) } else { writeInteger(Int32(-1)) }
            return
        }
        try writeKafkaBytes(value, compact: compact, field: field)
    }

    /// Reads exactly `length` bytes as a slice, e.g. one tagged field's value.
    @inlinable
    public mutating func readKafkaSlice(length: Int, field: StaticString = "bytes") throws(KafkaWireError) -> ByteBuffer {
        guard length >= 0 else { throw .malformed("\(field) has negative length \(length)") }
        guard let slice = readSlice(length: length) else { throw .truncated(field: "\(field)") }
        return slice
    }
}
