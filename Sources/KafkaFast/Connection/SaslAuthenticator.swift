import KafkaProtocol
import NIOCore

/// Logs a connection in with SASL, as Kafka frames it since 1.0: SaslHandshake v1 names the
/// mechanism, then SaslAuthenticate (the highest version both sides speak) carries each message
/// of the mechanism's exchange. Runs after ApiVersions and before the connection is handed
/// out, and again in place when the session is about to expire (KIP-368).
enum SaslAuthenticator {
    /// No mechanism Kafka offers needs more round trips than this (SCRAM takes two).
    static let maxRounds = 4

    /// The session a login gives: its lifetime in milliseconds (0: no limit), counted from when
    /// the last SaslAuthenticate was sent (the broker starts it on receipt, never earlier).
    struct Session {
        var lifetimeMs: Int64
        var startedBy: NIODeadline
    }

    /// Logs in; returns the session the broker gave.
    /// `reauthenticating` marks the requests as the only ones to go out while others are held.
    static func authenticate(
        _ connection: BrokerConnection, security: ConnectionSecurity, reauthenticating: Bool = false
    ) async throws(KafkaError) -> Session {
        let settings = security.settings
        let broker = connection.address.description
        guard let mechanism = settings.mechanism else { throw .invalidConfiguration("sasl.mechanisms is not set") }
        guard let handshakeRange = connection.versions.ranges[SaslHandshakeRequest.apiKey] else {
            throw .securityMismatch(
                broker: broker,
                reason: "the broker does not offer SASL on this port (no SaslHandshake in its ApiVersions): check"
                    + " security.protocol=\(settings.securityProtocol.rawValue) and the port")
        }
        guard handshakeRange.contains(1), let authenticateVersion = connection.version(for: SaslAuthenticateRequest.self) else {
            throw .securityMismatch(
                broker: broker, reason: "the broker speaks only SaslHandshake v0 (SASL without Kafka framing), which is not supported")
        }

        let handshake = try await connection.send(
            SaslHandshakeRequest(mechanism: mechanism.rawValue), version: 1, passesHold: reauthenticating)
        let handshakeCode = KafkaErrorCode(rawValue: handshake.errorCode)
        // Kafka lists its enabled mechanisms either way; noida-db answers every mechanism with
        // error 0 and [PLAIN], so a list without ours means the same as the error.
        let notListed = !handshake.mechanisms.isEmpty && !handshake.mechanisms.contains(mechanism.rawValue)
        if handshakeCode == .unsupportedSaslMechanism || (handshakeCode == .none && notListed) {
            let offered = handshake.mechanisms.isEmpty ? "none" : handshake.mechanisms.joined(separator: ", ")
            throw .authenticationFailed(
                broker: broker, reason: "SASL mechanism \(mechanism.rawValue) is not enabled on the broker; it offers: \(offered)")
        }
        guard handshakeCode == .none else {
            throw .broker(code: handshakeCode, context: "SaslHandshake with broker \(broker)", message: nil)
        }

        let token = try await security.tokenSource?.token()
        var exchange = try SaslExchange.make(settings, token: token)
        let user = settings.principalDescription ?? ""
        func failed(_ why: String) -> KafkaError {
            .authenticationFailed(broker: broker, reason: "authentication failed for user '\(user)' with \(mechanism.rawValue): \(why)")
        }
        var server: [UInt8]?
        var lifetime: Int64 = 0
        var sentAt = NIODeadline.now()
        for _ in 0..<maxRounds {
            let message: [UInt8]
            do {
                guard let next = try exchange.next(after: server) else { return Session(lifetimeMs: lifetime, startedBy: sentAt) }
                message = next
            } catch {
                // The broker may expect a last message before it ends the exchange with its own reason.
                if let acknowledgement = error.acknowledgement {
                    let answer = try await connection.send(
                        SaslAuthenticateRequest(authBytes: ByteBuffer(bytes: acknowledgement)), version: authenticateVersion,
                        passesHold: reauthenticating)
                    if answer.errorCode != 0 { throw failed(reason(answer)) }
                }
                throw failed(error.description)
            }
            sentAt = .now()
            let answer = try await connection.send(
                SaslAuthenticateRequest(authBytes: ByteBuffer(bytes: message)), version: authenticateVersion,
                passesHold: reauthenticating)
            guard answer.errorCode == 0 else { throw failed(reason(answer)) }
            server = Array(answer.authBytes.readableBytesView)
            lifetime = answer.sessionLifetimeMs
            guard lifetime >= 0 else {
                throw .protocolViolation(broker: broker, detail: "SaslAuthenticate session_lifetime_ms \(lifetime) is negative")
            }
        }
        throw failed("the exchange did not finish within \(maxRounds) round trips")
    }

    /// The broker's message, else its error code's name.
    private static func reason(_ answer: SaslAuthenticateResponse) -> String {
        let code = KafkaErrorCode(rawValue: answer.errorCode)
        if let message = answer.errorMessage, !message.isEmpty { return message }
        return "\(code.name) [\(code.rawValue)]"
    }
}
