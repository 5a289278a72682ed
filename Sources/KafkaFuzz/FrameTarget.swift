import KafkaFast
import NIOCore
import NIOEmbedded

/// The connection's inbound side: the frame decoder and the pipelining handler on an in-memory
/// channel, with up to 7 requests pending, fed the input as the broker's byte stream in pieces.
/// Whatever arrives, every pending request ends answered, failed or still waiting, and nothing traps.
enum FrameTarget {
    static let target = FuzzTarget(name: "frame") { bytes in
        var input = FuzzInput(bytes)
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        do {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(KafkaFrameDecoder(maxFrameSize: 1 << 16)))
            try channel.pipeline.syncOperations.addHandler(KafkaChannelHandler(brokerName: "fuzz:1", stats: ConnectionStats()))
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        } catch {
            fatalError("the in-memory channel could not be set up: \(error)")
        }
        let setup = input.byte()
        var answers: [EventLoopFuture<ByteBuffer>] = []
        for index in 0..<Int(setup % 8) {
            var frame = ByteBuffer()
            frame.writeInteger(Int32(10))
            frame.writeInteger(Int16(3))
            frame.writeInteger(Int16(1))
            frame.writeInteger(Int32(0))
            frame.writeInteger(Int16(-1))
            let promise = loop.makePromise(of: ByteBuffer.self)
            let headerVersion: Int16 = setup >> (3 + index % 5) & 1 == 1 ? 1 : 0
            channel.writeAndFlush(OutboundRequest(frame: frame, apiKey: 3, response: promise, responseHeaderVersion: headerVersion,
                                                  timeout: .seconds(30)), promise: nil)
            answers.append(promise.futureResult)
        }
        var stream = input.rest()
        var cut = UInt32(setup) | 1
        while stream.readableBytes > 0, channel.isActive {
            cut = cut &* 1_103_515_245 &+ 12_345
            let piece = stream.readSlice(length: min(stream.readableBytes, Int(cut >> 16) % 64 + 1))!
            _ = try? channel.writeInbound(piece)
        }
        // Closing fails whatever is still pending: every request ends one way or the other.
        _ = try? channel.close().wait()
        loop.run()
        let settled = SettledCount()
        for answer in answers { answer.whenComplete { _ in settled.count += 1 } }
        require(settled.count == answers.count, "\(answers.count - settled.count) requests never ended")
        _ = try? channel.finish()
    }
}

/// Counts answers that ended; touched only on the embedded loop's (this) thread.
private final class SettledCount: @unchecked Sendable {
    var count = 0
}
