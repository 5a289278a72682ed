import NIOCore
import NIOSSL
import NIOTLS

/// Sits right after the TLS handler for the life of a connection: completes `handshake` when
/// the handshake is done (or fails it), and turns every TLS error into a `KafkaError.tlsFailed`
/// line before the Kafka handler sees it. A broker can refuse a client certificate after the
/// client's side of a TLS 1.3 handshake is complete, so errors are translated at any time.
final class TLSSessionWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let brokerName: String
    private var situation: TLSFailureDescription.Situation
    private let handshake: EventLoopPromise<Void>
    private var handshakeDone = false

    init(brokerName: String, situation: TLSFailureDescription.Situation, handshake: EventLoopPromise<Void>) {
        self.brokerName = brokerName
        self.situation = situation
        self.handshake = handshake
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event, !handshakeDone {
            handshakeDone = true
            handshake.succeed(())
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is KafkaError { return context.fireErrorCaught(error) }
        situation.peerCertificate = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate
        let failure = KafkaError.tlsFailed(broker: brokerName, reason: TLSFailureDescription.describe(error, situation))
        finishHandshake(failure)
        context.fireErrorCaught(failure)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finishHandshake(.tlsFailed(broker: brokerName, reason: TLSFailureDescription.closedDuringHandshake))
        context.fireChannelInactive()
    }

    /// Fails the handshake when it is still open; `BrokerConnection.connect` waits on it.
    func finishHandshake(_ failure: KafkaError) {
        guard !handshakeDone else { return }
        handshakeDone = true
        handshake.fail(failure)
    }
}
