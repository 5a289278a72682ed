import NIOCore

/// Splits the inbound byte stream into Kafka frames: an int32 size, then that many bytes.
/// A size below 4 means a corrupt stream (or not Kafka at all), one above `maxFrameSize`
/// (`receive.message.max.bytes`) a response the client refuses to hold: either closes the
/// connection rather than allocating what the peer claims.
///
/// Each frame is copied once, as it arrives, into a buffer of exactly its size, and the bytes
/// are taken out of `ByteToMessageHandler`'s cumulation at every call, so the cumulation stays
/// empty and never grows: NIO hands the next read over as it is. Left in the cumulation, a
/// frame of hundreds of megabytes (noida answers a whole backlog at once, ignoring the fetch
/// limits) was copied again each time the cumulation doubled, and the read buffer NIO reuses
/// could not be reused while a frame sliced out of it was alive.
struct KafkaFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maxFrameSize: Int
    /// The frame being filled (its capacity is its size) and how many bytes it still lacks.
    private var partial: ByteBuffer?
    private var missing = 0

    init(maxFrameSize: Int) {
        self.maxFrameSize = maxFrameSize
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if partial != nil {
            take(from: &buffer)
            guard missing == 0, let frame = partial else { return .needMoreData }
            partial = nil
            context.fireChannelRead(Self.wrapInboundOut(frame))
            return .continue
        }
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        guard size >= 4 else { throw KafkaFrameError.invalidFrameSize(Int(size), limit: maxFrameSize) }
        guard Int(size) <= maxFrameSize else { throw KafkaFrameError.tooLarge(Int(size), limit: maxFrameSize) }
        buffer.moveReaderIndex(forwardBy: 4)
        partial = context.channel.allocator.buffer(capacity: Int(size))
        missing = Int(size)
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// Moves up to `missing` bytes from the cumulation into the partial frame: a plain copy from
    /// the cumulation's memory, because a slice of it starting past 16 MiB would be copied twice.
    private mutating func take(from buffer: inout ByteBuffer) {
        let count = min(missing, buffer.readableBytes)
        guard count > 0 else { return }
        buffer.withUnsafeReadableBytes { bytes in
            _ = partial!.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[..<count]))
        }
        buffer.moveReaderIndex(forwardBy: count)
        missing -= count
    }
}

enum KafkaFrameError: Error, CustomStringConvertible {
    case invalidFrameSize(Int, limit: Int)
    /// A well-formed size above `receive.message.max.bytes`.
    case tooLarge(Int, limit: Int)

    var description: String {
        switch self {
        case .invalidFrameSize(let size, let limit):
            return "response frame size \(size) is outside 4...\(limit) bytes"
        case .tooLarge(let size, let limit):
            return "response frame size \(size) is over receive.message.max.bytes (\(limit))"
        }
    }
}
