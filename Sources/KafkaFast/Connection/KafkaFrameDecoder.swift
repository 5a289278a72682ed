import NIOCore

/// Splits the inbound byte stream into Kafka frames: an int32 size, then that many bytes.
/// A size outside 4...maxFrameSize means a corrupt stream (or not Kafka at all): the
/// connection is closed rather than trying to allocate what a broken peer claims.
package struct KafkaFrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = ByteBuffer

    let maxFrameSize: Int
    /// On a plaintext connection: a first answer that is a TLS record means a TLS port.
    var expectsPlaintext = false
    private var framesSeen = 0

    init(maxFrameSize: Int, expectsPlaintext: Bool = false) {
        self.maxFrameSize = maxFrameSize
        self.expectsPlaintext = expectsPlaintext
    }

    package init(maxFrameSize: Int) { self.maxFrameSize = maxFrameSize }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        guard size >= 4, Int(size) <= maxFrameSize else {
            if expectsPlaintext && framesSeen == 0 && Self.looksLikeTLSRecord(UInt32(bitPattern: size)) {
                throw KafkaFrameError.tlsAnswer
            }
            throw KafkaFrameError.invalidFrameSize(Int(size), limit: maxFrameSize)
        }
        framesSeen += 1
        guard buffer.readableBytes >= 4 + Int(size) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let frame = buffer.readSlice(length: Int(size))!
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    package mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

extension KafkaFrameDecoder {
    /// A TLS record header: content type 21 (alert) or 22 (handshake), then version 3.x.
    static func looksLikeTLSRecord(_ head: UInt32) -> Bool {
        let type = head >> 24, major = (head >> 16) & 0xFF, minor = (head >> 8) & 0xFF
        return (type == 21 || type == 22) && major == 3 && minor <= 4
    }
}

enum KafkaFrameError: Error, CustomStringConvertible {
    case invalidFrameSize(Int, limit: Int)
    /// A plaintext connection got a TLS record back: the port speaks TLS.
    case tlsAnswer

    var description: String {
        switch self {
        case .invalidFrameSize(let size, let limit):
            return "response frame size \(size) is outside 4...\(limit) bytes"
        case .tlsAnswer:
            return "this port speaks TLS and security.protocol is plaintext: set security.protocol=ssl (or sasl_ssl)"
        }
    }
}
