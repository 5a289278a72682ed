import NIOCore

// Fixed-width Kafka primitives. Kafka is big-endian throughout, which is also
// ByteBuffer's default byte order, so these are thin wrappers that turn
// "not enough bytes" into a typed error instead of an Optional.
//
// `field` names the value being read; it only appears in error messages and is a
// StaticString so that the happy path never builds a String.

extension ByteBuffer {
    @inlinable
    public mutating func readKafkaInt8(field: StaticString = "int8") throws(KafkaWireError) -> Int8 {
        guard let value = readInteger(as: Int8.self) else { throw .truncated(field: "\(field)") }
        return value
    }

    @inlinable
    public mutating func readKafkaInt16(field: StaticString = "int16") throws(KafkaWireError) -> Int16 {
        guard let value = readInteger(as: Int16.self) else { throw .truncated(field: "\(field)") }
        return value
    }

    @inlinable
    public mutating func readKafkaInt32(field: StaticString = "int32") throws(KafkaWireError) -> Int32 {
        guard let value = readInteger(as: Int32.self) else { throw .truncated(field: "\(field)") }
        return value
    }

    @inlinable
    public mutating func readKafkaInt64(field: StaticString = "int64") throws(KafkaWireError) -> Int64 {
        guard let value = readInteger(as: Int64.self) else { throw .truncated(field: "\(field)") }
        return value
    }

    @inlinable
    public mutating func readKafkaUInt16(field: StaticString = "uint16") throws(KafkaWireError) -> UInt16 {
        guard let value = readInteger(as: UInt16.self) else { throw .truncated(field: "\(field)") }
        return value
    }

    @inlinable
    public mutating func readKafkaUInt32(field: StaticString = "uint32") throws(KafkaWireError) -> UInt32 {
        guard let value = readInteger(as: UInt32.self) else { throw .truncated(field: "\(field)") }
        return value
    }

    /// IEEE 754 binary64, big-endian (Kafka's FLOAT64).
    @inlinable
    public mutating func readKafkaFloat64(field: StaticString = "float64") throws(KafkaWireError) -> Double {
        guard let bits = readInteger(as: UInt64.self) else { throw .truncated(field: "\(field)") }
        return Double(bitPattern: bits)
    }

    /// Kafka writes booleans as one byte; like the Java client, any non-zero byte reads as true.
    @inlinable
    public mutating func readKafkaBool(field: StaticString = "bool") throws(KafkaWireError) -> Bool {
        guard let byte = readInteger(as: UInt8.self) else { throw .truncated(field: "\(field)") }
        return byte != 0
    }

    @inlinable
    public mutating func readKafkaUUID(field: StaticString = "uuid") throws(KafkaWireError) -> KafkaUUID {
        guard readableBytes >= 16 else { throw .truncated(field: "\(field)") }
        let high = readInteger(as: UInt64.self)!
        let low = readInteger(as: UInt64.self)!
        return KafkaUUID(high: high, low: low)
    }

    @inlinable
    public mutating func writeKafkaInt8(_ value: Int8) { writeInteger(value) }

    @inlinable
    public mutating func writeKafkaInt16(_ value: Int16) { writeInteger(value) }

    @inlinable
    public mutating func writeKafkaInt32(_ value: Int32) { writeInteger(value) }

    @inlinable
    public mutating func writeKafkaInt64(_ value: Int64) { writeInteger(value) }

    @inlinable
    public mutating func writeKafkaUInt16(_ value: UInt16) { writeInteger(value) }

    @inlinable
    public mutating func writeKafkaUInt32(_ value: UInt32) { writeInteger(value) }

    @inlinable
    public mutating func writeKafkaFloat64(_ value: Double) { writeInteger(value.bitPattern) }

    @inlinable
    public mutating func writeKafkaBool(_ value: Bool) { writeInteger(value ? UInt8(1) : UInt8(0)) }

    @inlinable
    public mutating func writeKafkaUUID(_ value: KafkaUUID) {
        writeInteger(value.high)
        writeInteger(value.low)
    }
}
