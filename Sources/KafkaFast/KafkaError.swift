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
    case noBrokerAvailable(String)
    case clientClosed

    /// One line whatever the broker sent: names and messages from the wire may hold any byte,
    /// a newline among them, so control characters are written as escapes.
    public var description: String { Self.oneLine(text) }

    private var text: String {
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
        case .noBrokerAvailable(let reason):
            return "no broker available: \(reason)"
        case .clientClosed:
            return "the client is closed"
        }
    }

    /// `text` with control characters (a newline, an escape sequence) written as `\u{..}`.
    package static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        return String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined())
    }

    /// The broker the error is about, when it is about one.
    public var brokerName: String? {
        switch self {
        case .connectionFailed(let broker, _), .connectionClosed(let broker), .requestTimedOut(let broker, _, _),
             .protocolViolation(let broker, _), .unsupportedApi(let broker, _, _):
            return broker
        default:
            return nil
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
