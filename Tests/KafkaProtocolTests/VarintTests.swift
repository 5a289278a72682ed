import KafkaProtocol
import NIOCore
import Testing

@Suite struct VarintTests {
    @Test(arguments: [
        (UInt64(0), "00"), (127, "7f"), (128, "8001"), (16383, "ff7f"), (16384, "808001"),
        (UInt64(UInt32.max), "ffffffff0f"), (UInt64.max, "ffffffffffffffffff01"),
    ])
    func unsignedVarintBoundaries(value: UInt64, hex: String) throws {
        var buffer = ByteBuffer()
        let written = buffer.writeUnsignedVarint(value)
        #expect(buffer.hex == hex)
        #expect(written == hex.count / 2)
        #expect(VarintSize.unsigned(value) == written)
        #expect(try buffer.readUnsignedVarint() == value)
        #expect(buffer.readableBytes == 0)
    }

    // Zig-zag: 0 -> 0, -1 -> 1, 1 -> 2, ..., so small magnitudes of either sign stay short.
    @Test(arguments: [
        (Int32(0), "00"), (-1, "01"), (1, "02"), (-64, "7f"), (64, "8001"),
        (Int32.max, "feffffff0f"), (Int32.min, "ffffffff0f"),
    ])
    func signedVarintBoundaries(value: Int32, hex: String) throws {
        var buffer = ByteBuffer()
        buffer.writeVarint(value)
        #expect(buffer.hex == hex)
        #expect(VarintSize.signed(value) == hex.count / 2)
        #expect(try buffer.readVarint() == value)
    }

    @Test(arguments: [
        (Int64(0), "00"), (-1, "01"), (Int64(Int32.max) + 1, "8080808010"),
        (Int64.max, "feffffffffffffffff01"), (Int64.min, "ffffffffffffffffff01"),
    ])
    func signedVarlongBoundaries(value: Int64, hex: String) throws {
        var buffer = ByteBuffer()
        buffer.writeVarlong(value)
        #expect(buffer.hex == hex)
        #expect(VarintSize.signed(value) == hex.count / 2)
        #expect(try buffer.readVarlong() == value)
    }

    @Test func varintLongerThanFiveBytesIsRejected() {
        var buffer = ByteBuffer(hex: "8080808080 00")
        #expect(throws: KafkaWireError.self) { try buffer.readVarint() }
        var unsigned = ByteBuffer(hex: "8080808080 00")
        #expect(throws: KafkaWireError.self) { try unsigned.readUnsignedVarint32() }
    }

    @Test func varlongLongerThanTenBytesIsRejected() {
        var buffer = ByteBuffer(hex: "80808080808080808080 00")
        #expect(throws: KafkaWireError.self) { try buffer.readVarlong() }
    }

    @Test func uvarint32OverflowIsRejected() {
        // Five bytes, but the value needs 33 bits.
        var buffer = ByteBuffer(hex: "ffffffff1f")
        #expect(throws: KafkaWireError.self) { try buffer.readUnsignedVarint32() }
    }

    @Test func truncatedVarintThrows() {
        var buffer = ByteBuffer(hex: "8080")
        #expect(throws: KafkaWireError.truncated(field: "uvarint")) { try buffer.readUnsignedVarint() }
        var empty = ByteBuffer()
        #expect(throws: KafkaWireError.self) { try empty.readVarlong() }
    }
}
