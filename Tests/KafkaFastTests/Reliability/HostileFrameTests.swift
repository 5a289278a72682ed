import NIOCore
import NIOPosix
import Testing

/// A "broker" that answers whatever it is sent with one fixed frame header: a listener of ours
/// on loopback, the only way to have a size that is negative reach a real socket.
struct FixedAnswerServer {
    let channel: any Channel
    var port: Int { channel.localAddress!.port! }

    static func start(answering bytes: [UInt8]) async throws -> FixedAnswerServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(Answerer(bytes: bytes)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FixedAnswerServer(channel: channel)
    }

    func stop() { channel.close(promise: nil) }

    private final class Answerer: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let bytes: [UInt8]
        init(bytes: [UInt8]) { self.bytes = bytes }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.writeAndFlush(NIOAny(ByteBuffer(bytes: bytes)), promise: nil)
        }
    }
}

@Suite struct HostileFrameTests {
    /// A frame size out of bounds on a real connection: `kfast` says which broker sent what, exit 1.
    /// Negative or below a header: an invalid response. Merely larger than `receive.message.max.bytes`:
    /// the property to raise (a broker may legitimately answer that much).
    @Test(arguments: [[0xFF, 0xFF, 0xFF, 0xFE] as [UInt8], [0x80, 0, 0, 0], [0x7F, 0xFF, 0xFF, 0xFF]])
    func aFrameSizeOutOfBoundsIsOneLine(_ header: [UInt8]) async throws {
        let server = try await FixedAnswerServer.start(answering: header + [0, 0, 0, 1])
        defer { server.stop() }
        let result = try await Kfast.run(["topics", "-b", "127.0.0.1:\(server.port)"], timeout: 30)
        let size = Int32(bitPattern: UInt32(header[0]) << 24 | UInt32(header[1]) << 16 | UInt32(header[2]) << 8 | UInt32(header[3]))
        #expect(result.status == 1, "\(result.stderr)")
        let broker = "kfast: no broker available: broker 127.0.0.1:\(server.port) sent"
        if size > 0 {
            #expect(result.stderr == "\(broker) a response of \(size) bytes, over receive.message.max.bytes (100000000): raise that property to at least \(size) to accept it\n")
        } else {
            #expect(result.stderr == "\(broker) an invalid response: response frame size \(size) is outside 4...100000000 bytes\n")
        }
    }
}
