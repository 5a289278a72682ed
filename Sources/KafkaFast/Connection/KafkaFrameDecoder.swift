import NIOCore

/// Splits the inbound byte stream into Kafka frames: an int32 size, then that many bytes.
/// A size outside 4...maxFrameSize means a corrupt stream (or not Kafka at all): the
/// connection is closed rather than trying to allocate what a broken peer claims.
package struct KafkaFrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = ByteBuffer

    let maxFrameSize: Int

    package init(maxFrameSize: Int) { self.maxFrameSize = maxFrameSize }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        guard size >= 4, Int(size) <= maxFrameSize else {
            throw KafkaFrameError.invalidFrameSize(Int(size), limit: maxFrameSize)
        }
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

enum KafkaFrameError: Error, CustomStringConvertible {
    case invalidFrameSize(Int, limit: Int)

    var description: String {
        switch self {
        case .invalidFrameSize(let size, let limit):
            return "response frame size \(size) is outside 4...\(limit) bytes"
        }
    }
}
