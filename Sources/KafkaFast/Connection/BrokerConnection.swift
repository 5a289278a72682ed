import KafkaProtocol
import Logging
import NIOConcurrencyHelpers
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
package final class BrokerConnection: Sendable {
    package let address: BrokerAddress
    package let versions: ApiVersionTable
    package let stats: ConnectionStats
    let channel: any Channel
    let security: ConnectionSecurity
    let logger: Logger
    private let clientId: String
    private let requestTimeout: TimeAmount
    private let versionCeilings: [Int16: Int16]
    /// The next KIP-368 re-authentication, while one is scheduled.
    let reauthentication = NIOLockedValueBox<Scheduled<Void>?>(nil)

    private init(
        address: BrokerAddress, channel: any Channel, stats: ConnectionStats, versions: ApiVersionTable,
        config: KafkaConfiguration, security: ConnectionSecurity
    ) {
        self.address = address
        self.channel = channel
        self.stats = stats
        self.versions = versions
        self.security = security
        self.logger = config.logger
        self.clientId = config.clientId
        self.requestTimeout = .milliseconds(Int64(config.requestTimeoutMs))
        self.versionCeilings = config.apiVersionMax
    }

    /// Dials `address`, makes the TLS handshake and negotiates API versions, then logs in with
    /// SASL, all before returning: every connection, whatever it is for, is secured the same way.
    /// `stats` collects the connection's counters; the pool passes the same one to every
    /// connection of a link.
    package static func connect(
        to address: BrokerAddress, config: KafkaConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        stats: ConnectionStats = ConnectionStats()
    ) async throws(KafkaError) -> BrokerConnection {
        try await connect(to: address, config: config, group: group, stats: stats, security: ConnectionSecurity(config: config))
    }

    /// - Parameter security: the client's prepared TLS context and token source.
    static func connect(
        to address: BrokerAddress, config: KafkaConfiguration, group: any EventLoopGroup, stats: ConnectionStats,
        security: ConnectionSecurity
    ) async throws(KafkaError) -> BrokerConnection {
        let name = address.description
        let maxFrame = config.maxResponseBytes
        let loop = group.next()
        let handshake = loop.makePromise(of: Void.self)
        let plaintext = security.tlsContext == nil
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(config.connectTimeoutMs)))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            // Reads of up to 1 MiB instead of NIO's 64 KiB: a fetch answer of megabytes comes in
            // 16 times fewer reads. The size adapts, so a connection with small answers keeps small buffers.
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 1 << 20))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try security.addTLS(to: pipeline, host: address.host, brokerName: name, handshake: handshake)
                    try pipeline.addHandler(ByteToMessageHandler(KafkaFrameDecoder(maxFrameSize: maxFrame, expectsPlaintext: plaintext)))
                    try pipeline.addHandler(KafkaChannelHandler(brokerName: name, stats: stats))
                }
            }
        let channel: any Channel
        let logger = config.logger
        do {
            // An IP address is dialled as it is. NIO's connect(host:) would resolve it first
            // (getaddrinfo on another thread, then Happy Eyeballs), which costs a process that
            // talks to one broker a good part of its start: `kfast topics` is mostly start.
            if let ip = try? SocketAddress(ipAddress: address.host, port: address.port) {
                channel = try await bootstrap.connect(to: ip).get()
            } else {
                channel = try await bootstrap.connect(host: address.host, port: address.port).get()
            }
        } catch {
            handshake.fail(error)
            let reason = Self.describeConnectError(error)
            logger.debug("cannot connect", metadata: ["broker": "\(name)", "reason": "\(reason)"])
            throw .connectionFailed(broker: name, reason: reason)
        }
        do {
            if plaintext {
                handshake.succeed(())
            } else {
                try await waitForHandshake(handshake, on: channel, broker: name, timeoutMs: config.connectTimeoutMs)
            }
            let versions = try await negotiateVersions(channel: channel, address: address, config: config)
            let connection = BrokerConnection(
                address: address, channel: channel, stats: stats, versions: versions, config: config, security: security)
            if security.settings.securityProtocol.usesSASL {
                connection.scheduleReauthentication(try await SaslAuthenticator.authenticate(connection, security: security))
            }
            logger.debug("connected", metadata: ["broker": "\(name)"])
            channel.closeFuture.whenComplete { _ in
                connection.reauthentication.withLockedValue { $0?.cancel() }
                logger.debug("connection closed", metadata: ["broker": "\(name)"])
            }
            return connection
        } catch {
            logger.debug("connection set-up failed", metadata: ["broker": "\(name)", "reason": "\(error)"])
            channel.close(promise: nil)
            throw error
        }
    }

    /// The TLS handshake, bounded by the connect timeout: a plaintext port never answers a
    /// ClientHello, it waits for the rest of the "request" its first bytes seem to announce.
    private static func waitForHandshake(
        _ handshake: EventLoopPromise<Void>, on channel: any Channel, broker: String, timeoutMs: Int
    ) async throws(KafkaError) {
        let timer = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(timeoutMs))) {
            handshake.fail(KafkaError.tlsFailed(broker: broker, reason: TLSFailureDescription.handshakeTimedOut(milliseconds: timeoutMs)))
        }
        defer { timer.cancel() }
        do {
            try await handshake.futureResult.get()
        } catch {
            throw (error as? KafkaError) ?? .tlsFailed(broker: broker, reason: "\(error)")
        }
    }

    package var isActive: Bool { channel.isActive }

    package func close() {
        reauthentication.withLockedValue { $0?.cancel() }
        channel.close(promise: nil)
    }

    /// The version this connection will use for `Request`, or nil if the broker lacks it.
    package func version<Request: KafkaRequestMessage>(for _: Request.Type) -> Int16? {
        versions.negotiate(apiKey: Request.apiKey, codec: Request.validVersions, clientMax: versionCeilings[Request.apiKey])
    }

    /// The version this connection will use for `Request`; throws `unsupportedApi`, naming what
    /// the broker offers, when there is none in common (a request it does not know would make
    /// the broker drop the connection).
    package func requireVersion<Request: KafkaRequestMessage>(for _: Request.Type) throws(KafkaError) -> Int16 {
        guard let version = version(for: Request.self) else {
            throw .unsupportedApi(
                broker: address.description, api: KafkaAPI.name(of: Request.apiKey),
                detail: "no version in common (broker offers \(versions.ranges[Request.apiKey].map { "\($0)" } ?? "none"))")
        }
        return version
    }

    /// Sends a request and waits for its response.
    package func send<Request: KafkaRequestMessage>(
        _ request: Request, version: Int16? = nil, timeout: TimeAmount? = nil
    ) async throws(KafkaError) -> Request.Response {
        try await send(request, version: version, timeout: timeout, passesHold: false)
    }

    /// `passesHold`: a re-authentication's request, sent while the others wait.
    func send<Request: KafkaRequestMessage>(
        _ request: Request, version: Int16? = nil, timeout: TimeAmount? = nil, passesHold: Bool
    ) async throws(KafkaError) -> Request.Response {
        let chosen: Int16
        if let version { chosen = version } else { chosen = try requireVersion(for: Request.self) }
        let version = chosen
        var body = try await sendEncoded(request, version: version, timeout: timeout ?? requestTimeout, passesHold: passesHold)
        do {
            return try Request.Response(from: &body, version: version)
        } catch {
            throw .protocolViolation(
                broker: address.description, detail: "\(KafkaAPI.name(of: Request.apiKey)) v\(version) response: \(error)")
        }
    }

    /// Sends a request that the broker will not answer (Produce with acks=0); returns once written.
    package func sendWithoutResponse<Request: KafkaRequestMessage>(_ request: Request, version: Int16) async throws(KafkaError) {
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
        _ request: Request, version: Int16, timeout: TimeAmount, passesHold: Bool = false
    ) async throws(KafkaError) -> ByteBuffer {
        let response = Self.enqueue(try encodeFrame(request, version: version), of: Request.self, version: version,
                                    on: channel, timeout: timeout, passesHold: passesHold)
        do {
            return try await response.get()
        } catch {
            throw Self.kafkaError(error, broker: address.description)
        }
    }

    /// Queues an encoded request on the channel; the future holds the response body. The one
    /// place a request enters the pipeline, so every caller gets the same failure handling.
    static func enqueue<Request: KafkaRequestMessage>(
        _ segments: [ByteBuffer], of _: Request.Type, version: Int16, on channel: any Channel, timeout: TimeAmount,
        passesHold: Bool = false
    ) -> EventLoopFuture<ByteBuffer> {
        let promise = channel.eventLoop.makePromise(of: ByteBuffer.self)
        channel.writeAndFlush(OutboundRequest(
            segments: segments, apiKey: Request.apiKey, response: promise,
            responseHeaderVersion: Request.responseHeaderVersion(version), timeout: timeout, passesHold: passesHold)
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
