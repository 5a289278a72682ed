import NIOCore

/// Splits the inbound byte stream into Kafka frames: an int32 size, then that many bytes.
/// A size below 4 means a corrupt stream (or not Kafka at all), one above `maxFrameSize`
/// (`receive.message.max.bytes`) a response the client refuses to hold: either closes the
/// connection rather than allocating what the peer claims.
///
/// Each frame is copied once, as it arrives, into a buffer of its size (or a kept one of at least
/// that size whose previous frame nobody holds any more, see `spares`), and the bytes
/// are taken out of `ByteToMessageHandler`'s cumulation at every call, so the cumulation stays
/// empty and never grows: NIO hands the next read over as it is. Left in the cumulation, a
/// frame of hundreds of megabytes (noida answers a whole backlog at once, ignoring the fetch
/// limits) was copied again each time the cumulation doubled, and the read buffer NIO reuses
/// could not be reused while a frame sliced out of it was alive.
package struct KafkaFrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = ByteBuffer

    let maxFrameSize: Int
    /// On a plaintext connection: a first answer that is a TLS record means a TLS port.
    var expectsPlaintext = false
    private var framesSeen = 0
    /// The frame being filled and how many bytes it still lacks.
    private var partial: ByteBuffer?
    private var missing = 0
    /// The last few large frames, kept to be filled again once nothing else refers to them (every
    /// message of a fetch answer has been let go). A new buffer of megabytes is new memory for
    /// the kernel to map and zero page by page: that was a tenth of a consumer's CPU.
    private var spares: [ByteBuffer] = []
    /// Frames from this size up are worth keeping; up to `spareLimit` bytes each, `spareCount` of them.
    static let spareMinimum = 256 << 10
    static let spareLimit = 32 << 20
    static let spareCount = 3

    init(maxFrameSize: Int, expectsPlaintext: Bool = false) {
        self.maxFrameSize = maxFrameSize
        self.expectsPlaintext = expectsPlaintext
    }

    package init(maxFrameSize: Int) { self.maxFrameSize = maxFrameSize }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if partial != nil {
            take(from: &buffer)
            guard missing == 0, let frame = partial else { return .needMoreData }
            partial = nil
            keep(frame)
            context.fireChannelRead(Self.wrapInboundOut(frame))
            return .continue
        }
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        // Whatever the limit: a first answer (ApiVersions, a few hundred bytes) never has a size
        // of 350 MB or more, which is what a TLS record header read as a size comes to.
        if expectsPlaintext && framesSeen == 0 && Self.looksLikeTLSRecord(UInt32(bitPattern: size)) {
            throw KafkaFrameError.tlsAnswer
        }
        guard size >= 4 else { throw KafkaFrameError.invalidFrameSize(Int(size), limit: maxFrameSize) }
        guard Int(size) <= maxFrameSize else { throw KafkaFrameError.tooLarge(Int(size), limit: maxFrameSize) }
        framesSeen += 1
        buffer.moveReaderIndex(forwardBy: 4)
        partial = spare(for: Int(size)) ?? context.channel.allocator.buffer(capacity: Int(size))
        missing = Int(size)
        return .continue
    }

    /// A kept frame no one else refers to any more, with room for `size` bytes, now empty.
    private mutating func spare(for size: Int) -> ByteBuffer? {
        guard size >= Self.spareMinimum, size <= Self.spareLimit else { return nil }
        for index in spares.indices where spares[index].capacity >= size {
            // Taken out of the list first: filled while the list still held it, it would be copied.
            var candidate = spares.remove(at: index)
            if candidate.modifyIfUniquelyOwned({ $0.clear() }) != nil { return candidate }
            spares.insert(candidate, at: index)
        }
        return nil
    }

    /// Keeps a finished frame to be reused; the oldest kept one makes room.
    private mutating func keep(_ frame: ByteBuffer) {
        guard frame.capacity >= Self.spareMinimum, frame.capacity <= Self.spareLimit else { return }
        if spares.count == Self.spareCount { spares.removeFirst() }
        spares.append(frame)
    }

    package mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
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

extension KafkaFrameDecoder {
    /// A TLS record header: content type 21 (alert) or 22 (handshake), then version 3.x.
    static func looksLikeTLSRecord(_ head: UInt32) -> Bool {
        let type = head >> 24, major = (head >> 16) & 0xFF, minor = (head >> 8) & 0xFF
        return (type == 21 || type == 22) && major == 3 && minor <= 4
    }
}

enum KafkaFrameError: Error, CustomStringConvertible {
    case invalidFrameSize(Int, limit: Int)
    /// A well-formed size above `receive.message.max.bytes`.
    case tooLarge(Int, limit: Int)
    /// A plaintext connection got a TLS record back: the port speaks TLS.
    case tlsAnswer

    var description: String {
        switch self {
        case .invalidFrameSize(let size, let limit):
            return "response frame size \(size) is outside 4...\(limit) bytes"
        case .tooLarge(let size, let limit):
            return "response frame size \(size) is over receive.message.max.bytes (\(limit))"
        case .tlsAnswer:
            return "this port speaks TLS and security.protocol is plaintext: set security.protocol=ssl (or sasl_ssl)"
        }
    }
}
