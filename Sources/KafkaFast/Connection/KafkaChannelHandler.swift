import DequeModule
import KafkaProtocol
import NIOCore

/// One request on its way out: a complete frame whose correlation id is filled in on the
/// event loop, so ids are assigned in exactly the order requests hit the socket.
package struct OutboundRequest: Sendable {
    /// The frame, or its first piece (which holds the header).
    var frame: ByteBuffer
    let apiKey: Int16
    /// Nil for Produce with acks=0: the broker sends nothing back, so no slot is queued.
    let response: EventLoopPromise<ByteBuffer>?
    let responseHeaderVersion: Int16
    let timeout: TimeAmount
    /// The frame's further pieces (a produce request's record batches), written after `frame`
    /// in one gathering write.
    var rest: [ByteBuffer] = []
    /// A re-authentication's own request: it goes out while the others are held (KIP-368).
    var passesHold = false

    init(segments: [ByteBuffer], apiKey: Int16, response: EventLoopPromise<ByteBuffer>?, responseHeaderVersion: Int16,
         timeout: TimeAmount, passesHold: Bool = false) {
        self.init(frame: segments[0], apiKey: apiKey, response: response, responseHeaderVersion: responseHeaderVersion,
                  timeout: timeout, rest: Array(segments.dropFirst()))
        self.passesHold = passesHold
    }

    package init(frame: ByteBuffer, apiKey: Int16, response: EventLoopPromise<ByteBuffer>?, responseHeaderVersion: Int16,
         timeout: TimeAmount, rest: [ByteBuffer] = []) {
        self.frame = frame
        self.apiKey = apiKey
        self.response = response
        self.responseHeaderVersion = responseHeaderVersion
        self.timeout = timeout
        self.rest = rest
    }

    var byteCount: Int { rest.reduce(frame.readableBytes) { $0 + $1.readableBytes } }
}

/// Offset of the correlation id inside a request frame: size(4) + apiKey(2) + apiVersion(2).
let correlationIdOffset = 8

/// Outbound events that pause a connection's requests while it re-authenticates (KIP-368): the
/// broker reads the SASL exchange in place of requests, so nothing else may go out meanwhile.
enum ReauthenticationGate {
    /// Requests written from now on wait, except those marked `passesHold`.
    case hold
    /// The waiting requests go out, in the order they were written.
    case release
}

/// Pipelines requests on one broker connection.
///
/// Kafka answers the requests of one connection in order, so pending requests form a FIFO
/// (as in valkey-swift) and each response must carry the correlation id at its head. A
/// mismatch or a timeout leaves the stream unusable: every pending request fails and the
/// connection closes, and the pool dials a new one (as franz-go does).
package final class KafkaChannelHandler: ChannelDuplexHandler {
    package typealias InboundIn = ByteBuffer
    package typealias OutboundIn = OutboundRequest
    package typealias OutboundOut = ByteBuffer

    private struct Pending {
        let correlationId: Int32
        let promise: EventLoopPromise<ByteBuffer>
        let responseHeaderVersion: Int16
        let apiKey: Int16
        let sentAt: NIODeadline
        let timeout: Scheduled<Void>?
    }

    private let brokerName: String
    private let stats: ConnectionStats
    private var pending = Deque<Pending>()
    /// Requests sent without a response slot (acks=0), oldest first, each with its turn: how many
    /// requests will have been answered once those sent before it are (`answered` then).
    private var unanswered = Deque<(correlationId: Int32, turn: Int)>()
    /// Responses matched so far; a turn compares against it, so no entry needs updating per answer.
    private var answered = 0
    /// Kafka never answers these, so only the latest few can be worth remembering.
    static let maxUnanswered = 1_024
    private var nextCorrelationId: Int32 = 1
    private var failure: KafkaError?
    private var context: ChannelHandlerContext?
    /// Set when the client itself closes the connection, which is not a disconnect worth counting.
    private var closedByClient = false
    private var holding = false
    private var held = Deque<(request: OutboundRequest, promise: EventLoopPromise<Void>?)>()

    package init(brokerName: String, stats: ConnectionStats) {
        self.brokerName = brokerName
        self.stats = stats
    }

    package func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    package func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        failAll(.connectionClosed(broker: brokerName))
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var request = unwrapOutboundIn(data)
        if let failure {
            request.response?.fail(failure)
            promise?.fail(failure)
            return
        }
        if holding && !request.passesHold {
            held.append((request, promise))
            return
        }
        let correlationId = nextCorrelationId
        nextCorrelationId = nextCorrelationId == .max ? 1 : nextCorrelationId + 1
        request.frame.setInteger(correlationId, at: request.frame.readerIndex + correlationIdOffset)
        stats.recordWrite(bytes: request.byteCount)

        guard let responsePromise = request.response else {
            // acks=0: done once written. Kafka never answers it, but some brokers (Tansu,
            // noida-db) do: remember its id so such an answer is recognised and dropped.
            unanswered.append((correlationId, answered + pending.count))
            if unanswered.count > Self.maxUnanswered { unanswered.removeFirst() }
            write(request, context: context, promise: promise)
            return
        }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let (apiKey, timeout) = (request.apiKey, request.timeout)
        let timeoutTask = context.eventLoop.scheduleTask(in: timeout) {
            loopBound.value.timedOut(correlationId: correlationId, apiKey: apiKey, after: timeout)
        }
        pending.append(Pending(
            correlationId: correlationId, promise: responsePromise,
            responseHeaderVersion: request.responseHeaderVersion, apiKey: request.apiKey,
            sentAt: .now(), timeout: timeoutTask))
        stats.inFlightChanged(by: 1)
        write(request, context: context, promise: promise)
    }

    /// The frame's pieces in order; the caller's flush sends them in one gathering write.
    private func write(_ request: OutboundRequest, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        guard let last = request.rest.last else { return context.write(wrapOutboundOut(request.frame), promise: promise) }
        context.write(wrapOutboundOut(request.frame), promise: nil)
        for piece in request.rest.dropLast() { context.write(wrapOutboundOut(piece), promise: nil) }
        context.write(wrapOutboundOut(last), promise: promise)
    }

    package func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let gate = event as? ReauthenticationGate else {
            return context.triggerUserOutboundEvent(event, promise: promise)
        }
        switch gate {
        case .hold:
            holding = true
        case .release:
            holding = false
            let waiting = held
            held.removeAll()
            for entry in waiting { write(context: context, data: NIOAny(entry.request), promise: entry.promise) }
            if !waiting.isEmpty { context.flush() }
        }
        promise?.succeed(())
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        stats.recordRead(bytes: frame.readableBytes + 4)
        guard let correlationId = frame.readInteger(as: Int32.self) else {
            return fatal(context, .protocolViolation(broker: brokerName, detail: "response frame without a correlation id"))
        }
        // Responseless requests whose turn came before this answer: answered now (a broker
        // that answers acks=0: drop it) or never (Kafka: forget them).
        while let first = unanswered.first, first.turn <= answered {
            unanswered.removeFirst()
            if first.correlationId == correlationId { return }
        }
        guard let head = pending.first else {
            return fatal(context, .protocolViolation(broker: brokerName, detail: "unexpected response with correlation id \(correlationId)"))
        }
        guard head.correlationId == correlationId else {
            return fatal(context, .protocolViolation(
                broker: brokerName, detail: "correlation id \(correlationId) where \(head.correlationId) was expected"))
        }
        pending.removeFirst()
        answered += 1
        stats.inFlightChanged(by: -1)
        head.timeout?.cancel()
        stats.recordRoundTrip(NIODeadline.now() - head.sentAt)
        if head.responseHeaderVersion >= 1 {
            do {
                try frame.skipTaggedFields()
            } catch {
                head.promise.fail(KafkaError.protocolViolation(broker: brokerName, detail: "response header: \(error)"))
                return
            }
        }
        head.promise.succeed(frame)
    }

    package func channelInactive(context: ChannelHandlerContext) {
        if !closedByClient { stats.recordDisconnect((failure ?? .connectionClosed(broker: brokerName)).description) }
        failAll(.connectionClosed(broker: brokerName))
        context.fireChannelInactive()
    }

    package func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        closedByClient = true
        context.close(mode: mode, promise: promise)
    }

    package func errorCaught(context: ChannelHandlerContext, error: Error) {
        let reason: KafkaError
        if let kafkaError = error as? KafkaError {
            reason = kafkaError
        } else if case KafkaFrameError.tooLarge(let size, let limit) = error {
            reason = .responseTooLarge(broker: brokerName, bytes: size, limit: limit)
        } else if let frameError = error as? KafkaFrameError {
            if case .tlsAnswer = frameError {
                reason = .securityMismatch(broker: brokerName, reason: frameError.description)
            } else {
                reason = .protocolViolation(broker: brokerName, detail: frameError.description)
            }
        } else {
            reason = .connectionFailed(broker: brokerName, reason: "\(error)")
        }
        fatal(context, reason)
    }

    private func timedOut(correlationId: Int32, apiKey: Int16, after timeout: TimeAmount) {
        guard let context, pending.contains(where: { $0.correlationId == correlationId }) else { return }
        // Responses are strictly ordered, so one lost answer poisons every later one.
        let error = KafkaError.requestTimedOut(
            broker: brokerName, api: KafkaAPI.name(of: apiKey), milliseconds: timeout.nanoseconds / 1_000_000)
        fatal(context, error)
    }

    private func fatal(_ context: ChannelHandlerContext, _ error: KafkaError) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: KafkaError) {
        if failure == nil { failure = error }
        unanswered.removeAll()
        let waiting = held
        held.removeAll()
        for entry in waiting {
            entry.request.response?.fail(error)
            entry.promise?.fail(error)
        }
        let drained = pending
        pending.removeAll()
        stats.inFlightChanged(by: -drained.count)
        if !closedByClient { stats.recordFailedRequests(drained.count) }
        for request in drained {
            request.timeout?.cancel()
            request.promise.fail(error)
        }
    }
}

extension ByteBuffer {
    /// Skips a tagged-field section (KIP-482): a count, then tag, size and bytes for each.
    mutating func skipTaggedFields() throws(KafkaWireError) {
        let count = try readUnsignedVarint32(field: "tagged field count")
        for _ in 0..<count {
            _ = try readUnsignedVarint32(field: "tag")
            let size = Int(try readUnsignedVarint32(field: "tagged field size"))
            guard readableBytes >= size else { throw .truncated(field: "tagged field") }
            moveReaderIndex(forwardBy: size)
        }
    }
}
