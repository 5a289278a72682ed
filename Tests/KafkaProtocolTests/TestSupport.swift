import KafkaProtocol
import NIOCore
import Testing

/// What the generated sample fixtures provide, so one test can walk every message type.
protocol RoundTripSample: Equatable, Sendable {
    static var validVersions: ClosedRange<Int16> { get }
    static var firstFlexibleVersion: Int16? { get }
    static func sample(version: Int16, nulls: Bool) -> Self
    func encode(into buffer: inout ByteBuffer, version: Int16) throws(KafkaWireError)
    init(from buffer: inout ByteBuffer, version: Int16) throws(KafkaWireError)
}

extension ByteBuffer {
    /// Builds a buffer from hex digits; spaces are ignored so expected bytes can be grouped by field.
    init(hex: String) {
        let digits = Array(hex.unicodeScalars.filter { $0 != " " && $0 != "\n" })
        precondition(digits.count % 2 == 0, "odd number of hex digits")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            let pair = String(String.UnicodeScalarView(digits[index..<index + 2]))
            bytes.append(UInt8(pair, radix: 16)!)
            index += 2
        }
        self.init(bytes: bytes)
    }

    /// Lowercase hex of the readable bytes, without spaces.
    var hex: String {
        readableBytesView.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}

/// The expected hex with the grouping spaces removed, for comparing with `ByteBuffer.hex`.
func compactHex(_ hex: String) -> String {
    String(hex.unicodeScalars.filter { $0 != " " && $0 != "\n" }.map(Character.init))
}

/// Encodes `message` at `version` and returns the hex of the bytes.
func encodedHex<Message: KafkaRequestMessage>(_ message: Message, version: Int16) throws -> String {
    var buffer = ByteBuffer()
    try message.encode(into: &buffer, version: version)
    return buffer.hex
}

/// Decodes hand-written bytes and checks that nothing is left over.
func decode<Message: KafkaResponseMessage>(
    _ type: Message.Type, hex: String, version: Int16, sourceLocation: SourceLocation = #_sourceLocation
) throws -> Message {
    var buffer = ByteBuffer(hex: hex)
    let message = try Message(from: &buffer, version: version)
    #expect(buffer.readableBytes == 0, "bytes left after decoding", sourceLocation: sourceLocation)
    return message
}

/// Every strict prefix of valid bytes must be rejected with an error, never a crash or a value.
func expectEveryPrefixThrows<Message: KafkaResponseMessage>(
    _ type: Message.Type, bytes: ByteBuffer, version: Int16, sourceLocation: SourceLocation = #_sourceLocation
) {
    for length in 0..<bytes.readableBytes {
        var prefix = bytes.getSlice(at: bytes.readerIndex, length: length)!
        #expect(throws: KafkaWireError.self, "prefix of \(length) bytes at v\(version)", sourceLocation: sourceLocation) {
            _ = try Message(from: &prefix, version: version)
        }
    }
}
