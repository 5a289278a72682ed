import KafkaProtocol
import NIOCore
import Testing

@Suite struct FixedWidthTests {
    @Test func integersAreBigEndian() throws {
        var buffer = ByteBuffer()
        buffer.writeKafkaInt8(-2)
        buffer.writeKafkaInt16(0x0102)
        buffer.writeKafkaInt32(-2)
        buffer.writeKafkaInt64(0x0102_0304_0506_0708)
        buffer.writeKafkaUInt16(0xFFFE)
        buffer.writeKafkaUInt32(0xDEAD_BEEF)
        buffer.writeKafkaFloat64(1.5)
        buffer.writeKafkaBool(true)
        buffer.writeKafkaBool(false)
        #expect(buffer.hex == compactHex("fe 0102 fffffffe 0102030405060708 fffe deadbeef 3ff8000000000000 01 00"))
        #expect(try buffer.readKafkaInt8() == -2)
        #expect(try buffer.readKafkaInt16() == 0x0102)
        #expect(try buffer.readKafkaInt32() == -2)
        #expect(try buffer.readKafkaInt64() == 0x0102_0304_0506_0708)
        #expect(try buffer.readKafkaUInt16() == 0xFFFE)
        #expect(try buffer.readKafkaUInt32() == 0xDEAD_BEEF)
        #expect(try buffer.readKafkaFloat64() == 1.5)
        #expect(try buffer.readKafkaBool() == true)
        #expect(try buffer.readKafkaBool() == false)
        #expect(throws: KafkaWireError.truncated(field: "bool")) { try buffer.readKafkaBool() }
    }

    @Test func truncatedIntegersThrow() {
        var buffer = ByteBuffer(hex: "000000")
        #expect(throws: KafkaWireError.truncated(field: "x")) { try buffer.readKafkaInt32(field: "x") }
        #expect(throws: KafkaWireError.self) { try buffer.readKafkaInt64() }
        #expect(throws: KafkaWireError.self) { try buffer.readKafkaUUID() }
    }

    @Test func uuidWireFormAndText() throws {
        let id = KafkaUUID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
        var buffer = ByteBuffer()
        buffer.writeKafkaUUID(id)
        #expect(buffer.hex == "0123456789abcdeffedcba9876543210")
        #expect(try buffer.readKafkaUUID() == id)
        #expect(id.description == "01234567-89ab-cdef-fedc-ba9876543210")
        #expect(KafkaUUID("01234567-89AB-cdef-fedc-ba9876543210") == id)
        #expect(KafkaUUID("0123456789abcdeffedcba9876543210") == id)
        #expect(KafkaUUID("0123") == nil)
        #expect(KafkaUUID("0123456789abcdeffedcba987654321g") == nil)
        #expect(KafkaUUID.zero.isZero)
        // Kafka's tools print ids as URL-safe base64 without padding.
        #expect(KafkaUUID(high: 0, low: 0).base64 == "AAAAAAAAAAAAAAAAAAAAAA")
        #expect(KafkaUUID(high: UInt64.max, low: UInt64.max).base64 == "_____________________w")
        #expect(id.base64 == "ASNFZ4mrze_-3LqYdlQyEA")
    }
}

@Suite struct StringAndBytesTests {
    @Test func classicAndCompactStrings() throws {
        var buffer = ByteBuffer()
        try buffer.writeKafkaString("abc", compact: false)
        try buffer.writeKafkaString("abc", compact: true)
        try buffer.writeKafkaNullableString(nil, compact: false)
        try buffer.writeKafkaNullableString(nil, compact: true)
        try buffer.writeKafkaString("", compact: true)
        #expect(buffer.hex == compactHex("0003 616263  04 616263  ffff  00  01"))
        #expect(try buffer.readKafkaString(compact: false) == "abc")
        #expect(try buffer.readKafkaString(compact: true) == "abc")
        #expect(try buffer.readKafkaNullableString(compact: false) == nil)
        #expect(try buffer.readKafkaNullableString(compact: true) == nil)
        #expect(try buffer.readKafkaString(compact: true) == "")
    }

    @Test func nullWhereNotNullableIsRejected() {
        var classic = ByteBuffer(hex: "ffff")
        #expect(throws: KafkaWireError.self) { try classic.readKafkaString(compact: false) }
        var compact = ByteBuffer(hex: "00")
        #expect(throws: KafkaWireError.self) { try compact.readKafkaNullableString(compact: true, nullable: false) }
        var out = ByteBuffer()
        #expect(throws: KafkaWireError.self) { try out.writeKafkaNullableString(nil, compact: true, nullable: false) }
        #expect(throws: KafkaWireError.self) { try out.writeKafkaNullableBytes(nil, compact: false, nullable: false) }
    }

    @Test func negativeAndOversizedLengthsAreRejected() {
        var negative = ByteBuffer(hex: "fffe 6162")
        #expect(throws: KafkaWireError.malformed("string has negative length -2")) {
            try negative.readKafkaString(compact: false)
        }
        var tooLong = ByteBuffer(hex: "0005 6162")
        #expect(throws: KafkaWireError.truncated(field: "string")) { try tooLong.readKafkaString(compact: false) }
        var bytesTooLong = ByteBuffer(hex: "7fffffff 00")
        #expect(throws: KafkaWireError.self) { try bytesTooLong.readKafkaBytes(compact: false) }
        var compactTooLong = ByteBuffer(hex: "ffffffff0f 00")
        #expect(throws: KafkaWireError.self) { try compactTooLong.readKafkaNullableBytes(compact: true) }
        var negativeBytes = ByteBuffer(hex: "fffffffe")
        #expect(throws: KafkaWireError.self) { try negativeBytes.readKafkaNullableBytes(compact: false) }
    }

    @Test func stringsLongerThanInt16AreRefused() {
        var buffer = ByteBuffer()
        let long = String(repeating: "x", count: 32768)
        #expect(throws: KafkaWireError.self) { try buffer.writeKafkaString(long, compact: false) }
        #expect(buffer.readableBytes == 0)
    }

    @Test func bytesAreSlicedNotCopied() throws {
        var buffer = ByteBuffer(hex: "00000003 616263 04 646566")
        let first = try buffer.readKafkaBytes(compact: false)
        let second = try buffer.readKafkaNullableBytes(compact: true)
        #expect(first == ByteBuffer(string: "abc"))
        #expect(second == ByteBuffer(string: "def"))
        var out = ByteBuffer()
        try out.writeKafkaBytes(first, compact: true)
        try out.writeKafkaNullableBytes(nil, compact: false)
        #expect(out.hex == compactHex("04 616263 ffffffff"))
        #expect(first.readableBytes == 3, "writing must not consume the source")
    }
}

@Suite struct ArrayAndTaggedFieldTests {
    @Test func arrayCounts() throws {
        var buffer = ByteBuffer()
        buffer.writeKafkaArrayCount(2, compact: false)
        buffer.writeKafkaArrayCount(2, compact: true)
        try buffer.writeKafkaNullArray(compact: false)
        try buffer.writeKafkaNullArray(compact: true)
        buffer.writeBytes([0, 0, 0, 0])
        #expect(buffer.hex == compactHex("00000002 03 ffffffff 00 00000000"))
        #expect(try buffer.readKafkaArrayCount(compact: false, minElementSize: 1) == 2)
        #expect(try buffer.readKafkaArrayCount(compact: true, minElementSize: 1) == 2)
        #expect(try buffer.readKafkaNullableArrayCount(compact: false, minElementSize: 1) == nil)
        #expect(try buffer.readKafkaNullableArrayCount(compact: true, minElementSize: 1) == nil)
    }

    @Test func absurdCountsAreRejectedBeforeAllocating() {
        var huge = ByteBuffer(hex: "7fffffff 00000001")
        #expect(throws: KafkaWireError.self) { try huge.readKafkaArrayCount(compact: false, minElementSize: 1) }
        var hugeCompact = ByteBuffer(hex: "ffffffff0f 00")
        #expect(throws: KafkaWireError.self) { try hugeCompact.readKafkaArrayCount(compact: true, minElementSize: 1) }
        // Two int32 elements need eight bytes; four are not enough even though the count is small.
        var tooFewBytes = ByteBuffer(hex: "00000002 00000001")
        #expect(throws: KafkaWireError.self) { try tooFewBytes.readKafkaArrayCount(compact: false, minElementSize: 4) }
        var negative = ByteBuffer(hex: "fffffffe")
        #expect(throws: KafkaWireError.malformed("array has negative count -2")) {
            try negative.readKafkaNullableArrayCount(compact: false, minElementSize: 1)
        }
        var nullNotAllowed = ByteBuffer(hex: "ffffffff")
        #expect(throws: KafkaWireError.self) { try nullNotAllowed.readKafkaArrayCount(compact: false, minElementSize: 1) }
    }

    @Test func taggedFieldsAreWrittenAndUnknownOnesSkipped() throws {
        var buffer = ByteBuffer()
        buffer.writeUnsignedVarint(2)
        buffer.writeKafkaTaggedField(tag: 1, value: ByteBuffer(hex: "abcd"))
        buffer.writeKafkaTaggedField(tag: 300, value: ByteBuffer())
        buffer.writeKafkaEmptyTaggedFields()
        #expect(buffer.hex == compactHex("02 01 02 abcd ac02 00 00"))
        try buffer.skipKafkaTaggedFields()
        try buffer.skipKafkaTaggedFields()
        #expect(buffer.readableBytes == 0)
    }

    @Test func taggedFieldLongerThanInputThrows() {
        var buffer = ByteBuffer(hex: "01 00 05 abcd")
        #expect(throws: KafkaWireError.self) { try buffer.skipKafkaTaggedFields() }
        var missingFields = ByteBuffer(hex: "03 00 00")
        #expect(throws: KafkaWireError.self) { try missingFields.skipKafkaTaggedFields() }
    }
}
