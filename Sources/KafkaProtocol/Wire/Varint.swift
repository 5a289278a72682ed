import NIOCore

// Kafka has two variable-length integer forms:
// - unsigned varints (uvarint), used for compact lengths and tagged fields (KIP-482);
// - zig-zag signed varints/varlongs, used inside records (like protobuf's sint32/sint64).
// Both are little-endian base-128 with the high bit as continuation.

extension ByteBuffer {
    /// Appends an unsigned varint; returns the number of bytes written.
    @inlinable
    @discardableResult
    public mutating func writeUnsignedVarint(_ value: UInt64) -> Int {
        var v = value
        var count = 0
        while v >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
            count += 1
        }
        writeInteger(UInt8(truncatingIfNeeded: v))
        return count + 1
    }

    @inlinable
    @discardableResult
    public mutating func writeVarint(_ value: Int32) -> Int {
        writeUnsignedVarint(UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31))))
    }

    @inlinable
    @discardableResult
    public mutating func writeVarlong(_ value: Int64) -> Int {
        writeUnsignedVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Reads an unsigned varint of at most `maxBytes` bytes (5 for 32-bit, 10 for 64-bit values).
    @inlinable
    public mutating func readUnsignedVarint(maxBytes: Int = 10, field: @autoclosure () -> String = "uvarint") throws(KafkaWireError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = readerIndex
        let end = writerIndex
        for _ in 0..<maxBytes {
            guard index < end else { throw .truncated(field: field()) }
            let byte = getInteger(at: index, as: UInt8.self)!
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                moveReaderIndex(to: index)
                return result
            }
            shift += 7
        }
        throw .malformed("\(field()) is longer than \(maxBytes) bytes")
    }

    @inlinable
    public mutating func readUnsignedVarint32(field: @autoclosure () -> String = "uvarint") throws(KafkaWireError) -> UInt32 {
        let raw = try readUnsignedVarint(maxBytes: 5, field: field())
        guard raw <= UInt64(UInt32.max) else { throw .malformed("\(field()) overflows 32 bits") }
        return UInt32(raw)
    }

    @inlinable
    public mutating func readVarint(field: @autoclosure () -> String = "varint") throws(KafkaWireError) -> Int32 {
        let raw = try readUnsignedVarint32(field: field())
        return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    @inlinable
    public mutating func readVarlong(field: @autoclosure () -> String = "varlong") throws(KafkaWireError) -> Int64 {
        let raw = try readUnsignedVarint(maxBytes: 10, field: field())
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }
}

/// Encoded sizes, for computing a record's length prefix before writing it.
public enum VarintSize {
    @inlinable
    public static func unsigned(_ value: UInt64) -> Int {
        // 1 byte per started group of 7 bits, at least one.
        let bits = 64 - value.leadingZeroBitCount
        return bits == 0 ? 1 : (bits + 6) / 7
    }

    @inlinable
    public static func signed(_ value: Int32) -> Int {
        unsigned(UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31))))
    }

    @inlinable
    public static func signed(_ value: Int64) -> Int {
        unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }
}
