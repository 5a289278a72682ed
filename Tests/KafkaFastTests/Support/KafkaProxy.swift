import Foundation
import KafkaFast
import KafkaProtocol
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A Kafka-aware proxy in front of a real broker or cluster, for what brokers never do on
/// demand: answers rewritten or corrupted, answers delayed, a connection that stops answering,
/// connections cut. It reads the frames both ways (requests tell it the API and version of each
/// answer), so it can change an answer's body and keep its size and correlation id right.
///
/// It listens on one loopback port per broker of the cluster and rewrites the broker addresses
/// in Metadata and FindCoordinator answers to those ports, so a client that bootstraps through
/// it stays behind it (noida cannot advertise another port, Tansu and the mock could).
final class KafkaProxy: @unchecked Sendable {
    /// One answer on its way to the client; `body` is what follows the response header.
    struct Answer {
        let apiKey: Int16
        let version: Int16
        /// Which client connection it belongs to (one number per connection, from 1).
        let link: Int
        var body: ByteBuffer
    }

    /// What becomes of an answer: sent (as the hook may have changed it), or never sent (the
    /// connection then waits, as on a hung broker, until the client gives up).
    enum Verdict { case forward, withhold }

    private let lock = NIOLock()
    private var servers: [any Channel] = []
    /// Upstream broker address -> the port of our listener for it.
    private var portFor: [BrokerAddress: Int] = [:]
    private var links: [Int: Link] = [:]
    private var nextLink = 1
    private var hook: (@Sendable (inout Answer) -> Verdict)?
    private var delay = TimeAmount.zero
    private var counters = Counters()

    struct Counters: Sendable, Equatable {
        var connections = 0
        var answers = 0
        var rewritten = 0
        var withheld = 0
        var cuts = 0
        /// Answers the proxy could not decode to rewrite, and why.
        var undecodable: [String] = []
    }

    /// The proxy's address for the bootstrap broker.
    private(set) var bootstrap = ""

    private init() {}

    /// Starts a listener for every broker the cluster at `bootstrap` names (and for `bootstrap`
    /// itself), each forwarding to its broker.
    static func start(bootstrap upstream: String) async throws -> KafkaProxy {
        let proxy = KafkaProxy()
        let first = try BrokerAddress.parseList(upstream)
        let client = try KafkaClient(bootstrap: upstream)
        defer { client.close() }
        let metadata = try await client.metadata(refresh: true)
        var targets = metadata.sortedBrokers.map(\.address)
        for address in first where !targets.contains(address) { targets.append(address) }
        for target in targets {
            let server = try await proxy.listen(forwardingTo: target)
            proxy.lock.withLock {
                proxy.servers.append(server)
                proxy.portFor[target] = server.localAddress!.port!
            }
        }
        proxy.bootstrap = first.map { "127.0.0.1:\(proxy.port(for: $0)!)" }.joined(separator: ",")
        return proxy
    }

    func port(for upstream: BrokerAddress) -> Int? { lock.withLock { portFor[upstream] } }

    /// The proxy's listening ports, one per broker.
    var ports: Set<Int> { lock.withLock { Set(portFor.values) } }

    var stats: Counters { lock.withLock { counters } }

    /// Every answer passes through `hook` first (nil: all forwarded untouched).
    func onAnswer(_ hook: (@Sendable (inout Answer) -> Verdict)?) { lock.withLock { self.hook = hook } }

    /// Every answer from now on reaches the client this much later (order kept).
    func delayAnswers(by amount: TimeAmount) { lock.withLock { delay = amount } }

    /// Closes every client connection and its upstream connection. New connections still work.
    func cutAll() {
        let all = lock.withLock { () -> [Link] in
            counters.cuts += 1
            return Array(links.values)
        }
        for link in all { link.close() }
    }

    /// Stops answering on one open connection (the newest that has answered before), as a hung
    /// broker does: its answers are kept from the client until the client closes it. False when
    /// no connection is open.
    @discardableResult
    func stallOneConnection() -> Bool {
        let link = lock.withLock { links.values.max { $0.answered < $1.answered } }
        guard let link else { return false }
        link.client.eventLoop.execute { link.stalled = true }
        return true
    }

    func stop() {
        cutAll()
        for server in lock.withLock({ servers }) { server.close(promise: nil) }
    }

    // MARK: Connections

    private func listen(forwardingTo target: BrokerAddress) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] client in
                let link = register(client)
                return ClientBootstrap(group: client.eventLoop)
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .channelInitializer { upstream in
                        upstream.eventLoop.makeCompletedFuture {
                            try upstream.pipeline.syncOperations.addHandlers([
                                ByteToMessageHandler(FrameSplitter()), AnswerForwarder(proxy: self, link: link),
                            ])
                        }
                    }
                    .connect(host: target.host, port: target.port)
                    .flatMap { upstream in
                        link.upstream = upstream
                        upstream.closeFuture.whenComplete { _ in link.close() }
                        client.closeFuture.whenComplete { _ in link.close() }
                        // The client is read from only once this completes.
                        return client.eventLoop.makeCompletedFuture {
                            try client.pipeline.syncOperations.addHandlers([ByteToMessageHandler(FrameSplitter()), RequestForwarder(link: link)])
                        }
                    }
                    .flatMapErrorThrowing { error in
                        link.close()
                        throw error
                    }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    private func register(_ client: any Channel) -> Link {
        lock.withLock {
            let link = Link(id: nextLink, client: client)
            nextLink += 1
            links[link.id] = link
            counters.connections += 1
            client.closeFuture.whenComplete { [self] _ in _ = lock.withLock { links.removeValue(forKey: link.id) } }
            return link
        }
    }

    /// Runs on the link's event loop for each answer frame: rewrites addresses, applies the hook
    /// and the delay, and queues what is left for the client.
    fileprivate func handleAnswer(_ frame: ByteBuffer, on link: Link) {
        link.answered += 1
        guard let correlationId = frame.getInteger(at: frame.readerIndex + 4, as: Int32.self),
              let request = link.requests.removeValue(forKey: correlationId),
              let requestType = allKafkaRequestTypes.first(where: { $0.apiKey == request.apiKey })
        else {
            return link.send(frame, after: .zero)
        }
        var rest = frame.getSlice(at: frame.readerIndex + 8, length: frame.readableBytes - 8)!
        if requestType.responseHeaderVersion(request.version) >= 1 {
            guard (try? rest.skipKafkaTaggedFields()) != nil else { return link.send(frame, after: .zero) }
        }
        let headerLength = frame.readableBytes - 4 - rest.readableBytes
        var answer = Answer(apiKey: request.apiKey, version: request.version, link: link.id, body: rest)
        let rewritten = rewriteAddresses(&answer)
        let (hook, delay) = lock.withLock { () -> ((@Sendable (inout Answer) -> Verdict)?, TimeAmount) in
            counters.answers += 1
            if rewritten { counters.rewritten += 1 }
            return (self.hook, self.delay)
        }
        if hook?(&answer) == .withhold || link.stalled {
            lock.withLock { counters.withheld += 1 }
            return
        }
        var out = ByteBufferAllocator().buffer(capacity: headerLength + 4 + answer.body.readableBytes)
        out.writeInteger(Int32(headerLength + answer.body.readableBytes))
        out.writeImmutableBuffer(frame.getSlice(at: frame.readerIndex + 4, length: headerLength)!)
        out.writeImmutableBuffer(answer.body)
        link.send(out, after: delay)
    }

    /// Broker addresses in Metadata and FindCoordinator answers become this proxy's ports, and
    /// ApiVersions offers those two only at versions the proxy can rewrite.
    private func rewriteAddresses(_ answer: inout Answer) -> Bool {
        func local(_ host: String, _ port: Int32) -> Int32? {
            lock.withLock { portFor[BrokerAddress(host: host, port: Int(port))].map(Int32.init) }
        }
        var body = answer.body
        do {
            switch answer.apiKey {
            case MetadataRequest.apiKey:
                var response = try MetadataResponse(from: &body, version: answer.version)
                for index in response.brokers.indices {
                    guard let port = local(response.brokers[index].host, response.brokers[index].port) else { continue }
                    response.brokers[index].host = "127.0.0.1"
                    response.brokers[index].port = port
                }
                answer.body = try Self.encode(response, version: answer.version)
            case FindCoordinatorRequest.apiKey:
                var response = try FindCoordinatorResponse(from: &body, version: answer.version)
                if let port = local(response.host, response.port) { (response.host, response.port) = ("127.0.0.1", port) }
                for index in response.coordinators.indices {
                    guard let port = local(response.coordinators[index].host, response.coordinators[index].port) else { continue }
                    (response.coordinators[index].host, response.coordinators[index].port) = ("127.0.0.1", port)
                }
                answer.body = try Self.encode(response, version: answer.version)
            case ApiVersionsRequest.apiKey:
                // Versions of the answers it rewrites that the codecs cannot write are not offered
                // (librdkafka would use Metadata v13 on the mock cluster, past our v12).
                var response = try ApiVersionsResponse(from: &body, version: answer.version)
                for index in response.apiKeys.indices {
                    let key = response.apiKeys[index].apiKey
                    guard key == MetadataRequest.apiKey || key == FindCoordinatorRequest.apiKey,
                          let type = allKafkaRequestTypes.first(where: { $0.apiKey == key }) else { continue }
                    response.apiKeys[index].maxVersion = min(response.apiKeys[index].maxVersion, type.validVersions.upperBound)
                }
                answer.body = try Self.encode(response, version: answer.version)
            default:
                return false
            }
            return true
        } catch {
            // Not decodable: passed on as it came, the client will say what is wrong.
            lock.withLock { counters.undecodable.append("\(KafkaAPI.name(of: answer.apiKey)) v\(answer.version): \(error)") }
            return false
        }
    }

    static func encode(_ response: some KafkaResponseMessage, version: Int16) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try response.encode(into: &buffer, version: version)
        return buffer
    }

    /// Flips `count` bytes of `body` at random places (an answer's size and header stay intact).
    static func flipBytes(in body: inout ByteBuffer, count: Int, using random: inout some RandomNumberGenerator) {
        guard body.readableBytes > 0 else { return }
        for _ in 0..<count {
            let index = body.readerIndex + Int.random(in: 0..<body.readableBytes, using: &random)
            let byte = body.getInteger(at: index, as: UInt8.self)!
            body.setInteger(byte ^ UInt8.random(in: 1...255, using: &random), at: index)
        }
    }
}

extension KafkaProxy.Answer {
    /// Decodes the answer as `Response` (when it is one), lets `change` edit it, and encodes it
    /// back in its place. True when it was one and was changed.
    @discardableResult
    mutating func rewrite<Response: KafkaResponseMessage>(_: Response.Type, apiKey: Int16, _ change: (inout Response) -> Void) -> Bool {
        guard self.apiKey == apiKey else { return false }
        var copy = body
        guard var response = try? Response(from: &copy, version: version) else { return false }
        change(&response)
        guard let encoded = try? KafkaProxy.encode(response, version: version) else { return false }
        body = encoded
        return true
    }
}

/// One client connection and its upstream connection. Touched only on the client's event loop
/// (the upstream connection runs on the same loop).
private final class Link: @unchecked Sendable {
    let id: Int
    let client: any Channel
    var upstream: (any Channel)?
    /// Requests awaiting an answer: correlation id -> API key and version.
    var requests: [Int32: (apiKey: Int16, version: Int16)] = [:]
    var answered = 0
    var stalled = false
    /// Answers waiting for their delay, in order.
    private var queue: [(at: NIODeadline, frame: ByteBuffer)] = []
    private var draining = false

    init(id: Int, client: any Channel) {
        self.id = id
        self.client = client
    }

    func send(_ frame: ByteBuffer, after delay: TimeAmount) {
        guard delay > .zero || !queue.isEmpty else {
            client.writeAndFlush(frame, promise: nil)
            return
        }
        // Never before an earlier answer: a connection's answers keep their order.
        let at = max(NIODeadline.now() + delay, queue.last?.at ?? .uptimeNanoseconds(0))
        queue.append((at, frame))
        drain()
    }

    private func drain() {
        guard !draining, let first = queue.first else { return }
        draining = true
        client.eventLoop.scheduleTask(deadline: first.at) { [self] in
            draining = false
            let now = NIODeadline.now()
            while let head = queue.first, head.at <= now {
                queue.removeFirst()
                client.write(head.frame, promise: nil)
            }
            client.flush()
            drain()
        }
    }

    func close() {
        client.close(promise: nil)
        upstream?.close(promise: nil)
    }
}

/// Cuts a byte stream into Kafka frames (size prefix included).
private struct FrameSplitter: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        guard size >= 0, size <= 1 << 30 else { throw KafkaWireError.malformed("frame size \(size)") }
        guard buffer.readableBytes >= 4 + Int(size) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(buffer.readSlice(length: 4 + Int(size))!))
        return .continue
    }
}

/// Client -> broker: notes each request's API and version by correlation id, forwards the bytes.
private final class RequestForwarder: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let link: Link
    init(link: Link) { self.link = link }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if let apiKey = frame.getInteger(at: frame.readerIndex + 4, as: Int16.self),
           let version = frame.getInteger(at: frame.readerIndex + 6, as: Int16.self),
           let correlationId = frame.getInteger(at: frame.readerIndex + 8, as: Int32.self) {
            link.requests[correlationId] = (apiKey, version)
        }
        link.upstream?.write(frame, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) { link.upstream?.flush() }
    func channelInactive(context: ChannelHandlerContext) { link.close() }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { link.close() }
}

/// Broker -> client: each answer through the proxy's rewriting, hook and delay.
private final class AnswerForwarder: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let proxy: KafkaProxy
    let link: Link
    init(proxy: KafkaProxy, link: Link) {
        self.proxy = proxy
        self.link = link
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { proxy.handleAnswer(unwrapInboundIn(data), on: link) }
    func channelInactive(context: ChannelHandlerContext) { link.close() }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { link.close() }
}
