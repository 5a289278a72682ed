import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A loopback TCP proxy in front of a real broker, for failures a broker does not make on its
/// own: `cutAll()` drops every connection at once (requests the broker already took are
/// written, their answers lost), and `holdResponses` keeps the broker's answers back (a hung
/// link) until released, losing nothing.
final class TCPProxy: @unchecked Sendable {
    private let server: any Channel
    private let state: NIOLockedValueBox<State>
    var port: Int { server.localAddress!.port! }

    fileprivate struct State {
        var links: [ObjectIdentifier: Link] = [:]
        var holding = false
        var cuts = 0
        var targetPort = 0
    }

    /// One client connection and its upstream connection to the broker.
    fileprivate final class Link: @unchecked Sendable {
        let client: any Channel
        var upstream: (any Channel)?
        /// Broker bytes kept back while responses are held (touched on the client's event loop).
        var held: [ByteBuffer] = []
        init(client: any Channel) { self.client = client }
    }

    private init(server: any Channel, state: NIOLockedValueBox<State>) {
        self.server = server
        self.state = state
    }

    /// Listens on a fresh loopback port and forwards every connection to 127.0.0.1:`targetPort`
    /// (which `forward(to:)` may set later, e.g. for a broker that must advertise the proxy's port).
    static func start(forwardingTo targetPort: Int = 0) async throws -> TCPProxy {
        let state = NIOLockedValueBox(State(targetPort: targetPort))
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { client in
                let link = Link(client: client)
                state.withLockedValue { $0.links[ObjectIdentifier(client)] = link }
                client.closeFuture.whenComplete { _ in
                    let upstream = state.withLockedValue { $0.links.removeValue(forKey: ObjectIdentifier(client))?.upstream }
                    upstream?.close(promise: nil)
                }
                return ClientBootstrap(group: client.eventLoop)
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .channelInitializer { upstream in
                        upstream.pipeline.addHandler(Forwarder(to: client) { buffer in
                            // Broker -> client: kept back while responses are held; what was
                            // held goes first once released, so the byte order never changes.
                            if state.withLockedValue({ $0.holding }) {
                                link.held.append(buffer)
                                return true
                            }
                            for earlier in link.held { client.write(earlier, promise: nil) }
                            link.held.removeAll()
                            return false
                        })
                    }
                    .connect(host: "127.0.0.1", port: state.withLockedValue { $0.targetPort })
                    .flatMap { upstream in
                        link.upstream = upstream
                        upstream.closeFuture.whenComplete { _ in client.close(promise: nil) }
                        // The client channel registers (and starts reading) only once this completes.
                        return client.pipeline.addHandler(Forwarder(to: upstream) { _ in false })
                    }
                    .flatMapErrorThrowing { error in
                        client.close(promise: nil)
                        throw error
                    }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TCPProxy(server: server, state: state)
    }

    func forward(to port: Int) { state.withLockedValue { $0.targetPort = port } }

    /// Closes every proxied connection, both sides, at once. New connections still work.
    func cutAll() {
        let links = state.withLockedValue { state -> [Link] in
            state.cuts += 1
            return Array(state.links.values)
        }
        for link in links {
            link.client.close(mode: .all, promise: nil)
            link.upstream?.close(promise: nil)
        }
    }

    var cuts: Int { state.withLockedValue { $0.cuts } }

    /// While true the broker's bytes wait in the proxy; false sends everything held, in order.
    func holdResponses(_ hold: Bool) {
        let links = state.withLockedValue { state -> [Link] in
            state.holding = hold
            return Array(state.links.values)
        }
        guard !hold else { return }
        for link in links {
            link.client.eventLoop.execute {
                for buffer in link.held { link.client.write(buffer, promise: nil) }
                link.held.removeAll()
                link.client.flush()
            }
        }
    }

    func stop() {
        cutAll()
        server.close(promise: nil)
    }
}

/// Writes what one side reads to the other side, unless `divert` takes it.
private final class Forwarder: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private let peer: any Channel
    private let divert: (ByteBuffer) -> Bool

    init(to peer: any Channel, divert: @escaping (ByteBuffer) -> Bool) {
        self.peer = peer
        self.divert = divert
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if !divert(buffer) { peer.write(buffer, promise: nil) }
    }

    func channelReadComplete(context: ChannelHandlerContext) { peer.flush() }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
