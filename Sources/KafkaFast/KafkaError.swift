import KafkaProtocol

/// Every failure the client reports. Each description is one line that says what and why,
/// fit to print as a CLI error or a dashboard status line.
public enum KafkaError: Error, Sendable, CustomStringConvertible {
    case invalidConfiguration(String)
    case invalidBrokerAddress(String, reason: String)
    case connectionFailed(broker: String, reason: String)
    case connectionClosed(broker: String)
    case requestTimedOut(broker: String, api: String, milliseconds: Int64)
    case protocolViolation(broker: String, detail: String)
    case unsupportedApi(broker: String, api: String, detail: String)
    /// The broker answered with an error code.
    case broker(code: KafkaErrorCode, context: String, message: String?)
    case unknownTopic(String)
    case unknownPartition(topic: String, partition: Int32)
    /// No consumer group of this name exists (no members, no committed offsets).
    case unknownGroup(String)
    /// The group has members, and what was asked (an offset reset) needs an empty group.
    case groupNotEmpty(group: String, members: Int, state: String)
    case noBrokerAvailable(String)
    /// A group consumer did not become a member within the time its caller could wait.
    case groupNotFormed(group: String, waitedMs: Int64, reason: String)
    /// The TLS handshake with a broker failed: untrusted or expired certificate, a host name the
    /// certificate does not name, a refused client certificate, or a port that does not speak TLS.
    case tlsFailed(broker: String, reason: String)
    /// SASL authentication with a broker failed: wrong credentials, a mechanism the broker does
    /// not enable, or a broker that does not speak SASL. `reason` is the whole line.
    case authenticationFailed(broker: String, reason: String)
    /// The broker's port speaks another `security.protocol` than the one configured (TLS where
    /// plaintext was expected, no SASL where SASL was).
    case securityMismatch(broker: String, reason: String)
    case clientClosed

    public var description: String {
        switch self {
        case .invalidConfiguration(let what):
            return "invalid configuration: \(what)"
        case .invalidBrokerAddress(let address, let reason):
            return "invalid broker address '\(address)': \(reason)"
        case .connectionFailed(let broker, let reason):
            return "cannot connect to broker \(broker): \(reason)"
        case .connectionClosed(let broker):
            return "connection to broker \(broker) was closed"
        case .requestTimedOut(let broker, let api, let ms):
            return "\(api) request to broker \(broker) timed out after \(ms) ms"
        case .protocolViolation(let broker, let detail):
            return "broker \(broker) sent an invalid response: \(detail)"
        case .unsupportedApi(let broker, let api, let detail):
            return "broker \(broker) does not support \(api): \(detail)"
        case .broker(let code, let context, let message):
            let suffix = message.map { $0.isEmpty ? "" : " (\($0))" } ?? ""
            return "\(context): \(code.name) [\(code.rawValue)]\(suffix)"
        case .unknownTopic(let topic):
            return "unknown topic '\(topic)': it does not exist on the cluster"
        case .unknownPartition(let topic, let partition):
            return "unknown partition \(partition) of topic '\(topic)'"
        case .unknownGroup(let group):
            return "unknown group '\(group)': no consumer group of that name exists on the cluster"
        case .groupNotEmpty(let group, let members, let state):
            return "group '\(group)' has \(members) member\(members == 1 ? "" : "s") (state \(state)): "
                + "Kafka changes the offsets of an empty group only; stop its consumers first"
        case .noBrokerAvailable(let reason):
            return "no broker available: \(reason)"
        case .groupNotFormed(let group, let waitedMs, let reason):
            return "group '\(group)' did not form within \(waitedMs) ms: \(reason)"
        case .tlsFailed(let broker, let reason):
            return "TLS handshake with broker \(broker) failed: \(reason)"
        case .authenticationFailed(let broker, let reason):
            // The OIDC token endpoint fails the same way as a broker, but is not one.
            return "\(reason) (\(broker.hasPrefix("token endpoint") ? broker : "broker " + broker))"
        case .securityMismatch(let broker, let reason):
            return "broker \(broker): \(reason)"
        case .clientClosed:
            return "the client is closed"
        }
    }

    /// A failure that comes from the client's own security settings or credentials: dialling
    /// another broker or trying again gives the same answer, so it is reported at once.
    public var isSecurityFailure: Bool {
        switch self {
        case .tlsFailed, .authenticationFailed, .securityMismatch: return true
        default: return false
        }
    }

    /// Whether retrying the same operation later can succeed.
    public var isRetriable: Bool {
        switch self {
        case .connectionFailed, .connectionClosed, .requestTimedOut, .noBrokerAvailable:
            return true
        case .broker(let code, _, _):
            return code.isRetriable
        default:
            return false
        }
    }
}
