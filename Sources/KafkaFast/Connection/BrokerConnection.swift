import KafkaProtocol
import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection to one broker, with its negotiated API versions.
///
/// Requests from any thread or task are pipelined: each is encoded on the caller's thread,
/// queued on the channel's event loop (which assigns correlation ids in socket order) and its
/// response decoded back on the caller's side, so the event loop only moves bytes.
public final class BrokerConnection: Sendable {
    public let address: BrokerAddress
    public let versions: ApiVersionTable
    public let stats: ConnectionStats
    let channel: any Channel
    private let clientId: String
    private let requestTimeout: TimeAmount
    private let versionCeilings: [Int16: Int16]

    private init(
        address: BrokerAddress, channel: any Channel, stats: ConnectionStats, versions: ApiVersionTable,
        config: KafkaConfiguration
    ) {
        self.address = address
        self.channel = channel
        self.stats = stats
        self.versions = versions
        self.clientId = config.clientId
        self.requestTimeout = .milliseconds(Int64(config.requestTimeoutMs))
        self.versionCeilings = config.apiVersionMax
    }

    /// Dials `address` and negotiates API versions before returning.
    public static func connect(
        to address: BrokerAddress, config: KafkaConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(KafkaError) -> BrokerConnection {
        let stats = ConnectionStats()
        let name = address.description
        let maxFrame = config.maxResponseBytes
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(config.connectTimeoutMs)))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(KafkaFrameDecoder(maxFrameSize: maxFrame)))
                    try channel.pipeline.syncOperations.addHandler(KafkaChannelHandler(brokerName: name, stats: stats))
                }
            }
        let channel: any Channel
        let logger = config.logger
        do {
            channel = try await bootstrap.connect(host: address.host, port: address.port).get()
        } catch {
            let reason = Self.describeConnectError(error)
            logger.debug("cannot connect", metadata: ["broker": "\(name)", "reason": "\(reason)"])
            throw .connectionFailed(broker: name, reason: reason)
        }
        do {
            let versions = try await negotiateVersions(channel: channel, address: address, config: config)
            logger.debug("connected", metadata: ["broker": "\(name)"])
            channel.closeFuture.whenComplete { _ in
                logger.debug("connection closed", metadata: ["broker": "\(name)"])
            }
            return BrokerConnection(address: address, channel: channel, stats: stats, versions: versions, config: config)
        } catch {
            logger.debug("connection set-up failed", metadata: ["broker": "\(name)", "reason": "\(error)"])
            channel.close(promise: nil)
            throw error
        }
    }

    public var isActive: Bool { channel.isActive }

    public func close() { channel.close(promise: nil) }

    /// The version this connection will use for `Request`, or nil if the broker lacks it.
    public func version<Request: KafkaRequestMessage>(for _: Request.Type) -> Int16? {
        versions.negotiate(apiKey: Request.apiKey, codec: Request.validVersions, clientMax: versionCeilings[Request.apiKey])
    }

    /// Sends a request and waits for its response.
    public func send<Request: KafkaRequestMessage>(
        _ request: Request, version: Int16? = nil, timeout: TimeAmount? = nil
    ) async throws(KafkaError) -> Request.Response {
        guard let version = version ?? self.version(for: Request.self) else {
            throw .unsupportedApi(
                broker: address.description, api: KafkaAPI.name(of: Request.apiKey),
                detail: "no version in common (broker offers \(versions.ranges[Request.apiKey].map { "\($0)" } ?? "none"))")
        }
        var body = try await sendEncoded(request, version: version, timeout: timeout ?? requestTimeout)
        do {
            return try Request.Response(from: &body, version: version)
        } catch {
            throw .protocolViolation(
                broker: address.description, detail: "\(KafkaAPI.name(of: Request.apiKey)) v\(version) response: \(error)")
        }
    }

    /// Sends a request that the broker will not answer (Produce with acks=0); returns once written.
    public func sendWithoutResponse<Request: KafkaRequestMessage>(_ request: Request, version: Int16) async throws(KafkaError) {
        do {
            try await writeWithoutResponse(request, version: version).get()
        } catch {
            throw Self.kafkaError(error, broker: address.description)
        }
    }

    /// Sends without suspending: the frame is queued before this returns, so calls made one
    /// after another reach the socket in that order (the producer's sinks rely on it).
    func sendFuture<Request: KafkaRequestMessage>(_ request: Request, version: Int16) -> EventLoopFuture<Request.Response> {
        let response: EventLoopFuture<ByteBuffer>
        do {
            response = Self.enqueue(try encodeFrame(request, version: version), of: Request.self, version: version,
                                    on: channel, timeout: requestTimeout)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let broker = address.description
        return response.flatMapErrorThrowing { throw Self.kafkaError($0, broker: broker) }
            .flatMapThrowing { body in
                var body = body
                do {
                    return try Request.Response(from: &body, version: version)
                } catch {
                    throw KafkaError.protocolViolation(broker: broker, detail: "\(KafkaAPI.name(of: Request.apiKey)) v\(version) response: \(error)")
                }
            }
    }

    /// Writes a request the broker will not answer (Produce with acks=0), in call order.
    func writeWithoutResponse<Request: KafkaRequestMessage>(_ request: Request, version: Int16) -> EventLoopFuture<Void> {
        do {
            let segments = try encodeFrame(request, version: version)
            return channel.writeAndFlush(OutboundRequest(
                segments: segments, apiKey: Request.apiKey, response: nil, responseHeaderVersion: 0, timeout: requestTimeout))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
    }

    func sendEncoded<Request: KafkaRequestMessage>(
        _ request: Request, version: Int16, timeout: TimeAmount
    ) async throws(KafkaError) -> ByteBuffer {
        let response = Self.enqueue(try encodeFrame(request, version: version), of: Request.self, version: version,
                                    on: channel, timeout: timeout)
        do {
            return try await response.get()
        } catch {
            throw Self.kafkaError(error, broker: address.description)
        }
    }

    /// Queues an encoded request on the channel; the future holds the response body. The one
    /// place a request enters the pipeline, so every caller gets the same failure handling.
    static func enqueue<Request: KafkaRequestMessage>(
        _ segments: [ByteBuffer], of _: Request.Type, version: Int16, on channel: any Channel, timeout: TimeAmount
    ) -> EventLoopFuture<ByteBuffer> {
        let promise = channel.eventLoop.makePromise(of: ByteBuffer.self)
        channel.writeAndFlush(OutboundRequest(
            segments: segments, apiKey: Request.apiKey, response: promise,
            responseHeaderVersion: Request.responseHeaderVersion(version), timeout: timeout)
        ).whenFailure { promise.fail($0) }
        return promise.futureResult
    }

    private func encodeFrame<Request: KafkaRequestMessage>(_ request: Request, version: Int16) throws(KafkaError) -> [ByteBuffer] {
        try Self.encodeFrame(request, version: version, allocator: channel.allocator, clientId: clientId)
    }

    /// A complete request frame, in pieces, with correlation id 0 (the channel handler fills in the real one).
    static func encodeFrame<Request: KafkaRequestMessage>(
        _ request: Request, version: Int16, allocator: ByteBufferAllocator, clientId: String
    ) throws(KafkaError) -> [ByteBuffer] {
        do {
            return try request.encodeRequestSegments(version: version, correlationId: 0, clientId: clientId, allocator: allocator)
        } catch {
            throw .invalidConfiguration("cannot encode \(KafkaAPI.name(of: Request.apiKey)) v\(version): \(error)")
        }
    }

    static func kafkaError(_ error: any Error, broker: String) -> KafkaError {
        if let error = error as? KafkaError { return error }
        if error is ChannelError { return .connectionClosed(broker: broker) }
        return .connectionFailed(broker: broker, reason: "\(error)")
    }

    static func describeConnectError(_ error: any Error) -> String {
        if let ioError = error as? IOError { return String(cString: strerror(ioError.errnoCode)).lowercased() }
        if let connectError = error as? NIOConnectionError {
            if let first = connectError.connectionErrors.first { return describeConnectError(first.error) }
            if connectError.dnsAAAAError != nil || connectError.dnsAError != nil { return "host name does not resolve" }
        }
        if case ChannelError.connectTimeout(let amount) = error {
            return "no answer within \(amount.nanoseconds / 1_000_000) ms"
        }
        return "\(error)"
    }
}
