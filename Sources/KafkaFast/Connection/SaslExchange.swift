/// One SASL mechanism's messages, without the Kafka framing: the first client message, then a
/// reply to each server message until the exchange is complete. Failures are descriptions the
/// authenticator puts after "authentication failed for user ... with MECHANISM: ".
enum SaslExchange {
    case plain(username: String, password: Secret, sent: Bool)
    case scram(ScramClient, step: Int)
    case oauthBearer(message: [UInt8], sent: Bool)

    static func make(
        _ settings: KafkaSecurityConfiguration, token: OAuthBearerToken?
    ) throws(KafkaError) -> SaslExchange {
        switch settings.mechanism {
        case .plain:
            return .plain(username: settings.username ?? "", password: settings.password ?? Secret(""), sent: false)
        case .scramSHA256, .scramSHA512:
            let hash: ScramClient.Hash = settings.mechanism == .scramSHA256 ? .sha256 : .sha512
            let client = ScramClient(
                hash: hash, username: settings.username ?? "", password: settings.password ?? Secret(""),
                clientNonce: ScramClient.makeNonce())
            return .scram(client, step: 0)
        case .oauthBearer:
            guard let token else { throw .invalidConfiguration("OAUTHBEARER without a token") }
            return .oauthBearer(message: oauthBearerMessage(token.value, extensions: settings.oauthBearer.extensions), sent: false)
        case nil:
            throw .invalidConfiguration("sasl.mechanisms is not set")
        }
    }

    /// RFC 7628's initial client response: `n,,` `\u{1}auth=Bearer TOKEN` `\u{1}key=value`... `\u{1}\u{1}`.
    static func oauthBearerMessage(_ token: Secret, extensions: [(key: String, value: String)]) -> [UInt8] {
        var message = "n,,\u{1}auth=Bearer \(token.reveal())"
        for (key, value) in extensions { message += "\u{1}\(key)=\(value)" }
        return Array((message + "\u{1}\u{1}").utf8)
    }

    /// The next message to send, or nil when the exchange is complete. `server` is the broker's
    /// last message (nil before the first).
    mutating func next(after server: [UInt8]?) throws(SaslExchangeError) -> [UInt8]? {
        switch self {
        case .plain(let username, let password, let sent):
            guard !sent else { return nil }
            self = .plain(username: username, password: password, sent: true)
            // authzid empty: log in as the user itself.
            return Array("\u{0}\(username)\u{0}\(password.reveal())".utf8)
        case .scram(var client, let step):
            switch step {
            case 0:
                self = .scram(client, step: 1)
                return Array(client.clientFirstMessage.utf8)
            case 1:
                do {
                    let final = try client.clientFinalMessage(serverFirst: String(decoding: server ?? [], as: UTF8.self))
                    self = .scram(client, step: 2)
                    return Array(final.utf8)
                } catch {
                    throw SaslExchangeError(description: error.description)
                }
            default:
                do {
                    try client.verifyServerFinal(String(decoding: server ?? [], as: UTF8.self))
                } catch {
                    throw SaslExchangeError(description: error.description)
                }
                return nil
            }
        case .oauthBearer(let message, let sent):
            guard sent else {
                self = .oauthBearer(message: message, sent: true)
                return message
            }
            // A non-empty answer is the server's error (RFC 7628 section 3.2.2): acknowledge it
            // with a single 0x01 so the broker ends the exchange with its error message.
            if let server, !server.isEmpty {
                throw SaslExchangeError(description: String(decoding: server, as: UTF8.self), acknowledgement: [0x01])
            }
            return nil
        }
    }
}

/// The client ended a SASL exchange: why, and a last message the broker expects first, if any.
struct SaslExchangeError: Error {
    var description: String
    var acknowledgement: [UInt8]? = nil
}
