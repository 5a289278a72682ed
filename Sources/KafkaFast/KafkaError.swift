import KafkaProtocol

/// Every failure the client reports, delivery failures included: what kind it is (`code`), the
/// broker involved and the error code it answered with where there was one, and one line that
/// says what and why (`description`), fit to print as a CLI error or a dashboard status line.
///
/// Shaped as postgres-nio's and valkey-swift's errors are: a struct whose `code` can grow new
/// values without breaking a `switch` written against today's, so match on `code`:
///
///     do { try await client.createTopic("orders") }
///     catch let error where error.kafkaErrorCode == .topicAlreadyExists { /* fine */ }
///     catch let error where error.code == .unsupportedApi { print(error) }
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's name, as written in Swift (`deliveryFailed`).
        public var description: String { name }

        /// A property or argument the client refuses before anything is sent.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// A `host:port` that cannot be one.
        public static let invalidBrokerAddress = Code("invalidBrokerAddress")
        /// Dialling a broker failed (refused, unreachable, timed out).
        public static let connectionFailed = Code("connectionFailed")
        /// A connection closed under a request.
        public static let connectionClosed = Code("connectionClosed")
        /// A broker did not answer within `request.timeout.ms`.
        public static let requestTimedOut = Code("requestTimedOut")
        /// A broker sent bytes that are not a valid answer: the field named in the message.
        public static let protocolViolation = Code("protocolViolation")
        /// A response larger than `receive.message.max.bytes`: retrying gets the same again
        /// (noida ignores the fetch byte limits and answers a whole backlog at once).
        public static let responseTooLarge = Code("responseTooLarge")
        /// The broker lacks the API, or every version of it the client speaks.
        public static let unsupportedApi = Code("unsupportedApi")
        /// The broker answered with an error code (`kafkaErrorCode`).
        public static let brokerError = Code("brokerError")
        /// The topic does not exist on the cluster (and the producer does not create topics).
        public static let unknownTopic = Code("unknownTopic")
        /// The topic exists but has no partition of that number.
        public static let unknownPartition = Code("unknownPartition")
        /// No consumer group of that name exists (no members, no committed offsets).
        public static let unknownGroup = Code("unknownGroup")
        /// The group has members, and what was asked (an offset reset) needs an empty group.
        public static let groupNotEmpty = Code("groupNotEmpty")
        /// A group consumer did not become a member within the time its caller could wait.
        public static let groupNotFormed = Code("groupNotFormed")
        /// No broker could be reached: every bootstrap and known address failed, each named.
        public static let noBrokerAvailable = Code("noBrokerAvailable")
        /// The TLS handshake failed (untrusted or expired certificate, host name, client certificate).
        public static let tlsFailed = Code("tlsFailed")
        /// SASL authentication failed (credentials, a mechanism the broker does not enable).
        public static let authenticationFailed = Code("authenticationFailed")
        /// The broker's port speaks another `security.protocol` than the one configured.
        public static let securityMismatch = Code("securityMismatch")
        /// A message was not acknowledged within `delivery.timeout.ms`.
        public static let deliveryTimedOut = Code("deliveryTimedOut")
        /// A message was refused: by the broker (`kafkaErrorCode`) or before it was sent.
        public static let deliveryFailed = Code("deliveryFailed")
        /// The client (or the producer or consumer using it) was closed before or during the call.
        public static let clientClosed = Code("clientClosed")
    }

    /// What kind of failure this is: compare it with ``Code-swift.struct`` values
    /// (`error.code == .unknownTopic`), never by its description.
    public let code: Code
    /// The one line that says what and why. Names and messages from the wire may hold any byte,
    /// a newline among them, so control characters are written as escapes.
    public let description: String
    /// The broker involved, `host:port` (or node id), when there was one.
    public let broker: String?
    /// The error code a broker answered with, when it did.
    public let kafkaErrorCode: KafkaErrorCode?
    /// The topic concerned, when the failure is about one (a delivery, a fetch).
    public let topic: String?
    /// The partition concerned, when the failure is about one; -1 for a message whose partition
    /// was not chosen yet.
    public let partition: Int32?
    /// What caused it, when another error did.
    public let underlying: (any Error & Sendable)?

    /// A failure of your own making, for code that wraps the client and reports in its terms
    /// (a test double, a layer above). The client makes its own through the factory functions
    /// such as ``connectionFailed(broker:reason:)``.
    public init(
        code: Code, description: String, broker: String? = nil, kafkaErrorCode: KafkaErrorCode? = nil,
        topic: String? = nil, partition: Int32? = nil, underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.description = Self.oneLine(description)
        self.broker = broker
        self.kafkaErrorCode = kafkaErrorCode
        self.topic = topic
        self.partition = partition
        self.underlying = underlying
    }

    /// A failure that comes from the client's own security settings or credentials: dialling
    /// another broker or trying again gives the same answer, so it is reported at once.
    public var isSecurityFailure: Bool {
        code == .tlsFailed || code == .authenticationFailed || code == .securityMismatch
    }

    /// `text` with control characters (a newline, an escape sequence) written as `\u{..}`: the C0
    /// and C1 sets (C1 holds a one-byte CSI and NEL) and the Unicode line and paragraph separators.
    package static func oneLine(_ text: String) -> String {
        func isControl(_ scalar: Unicode.Scalar) -> Bool {
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
        }
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(text.unicodeScalars.map { isControl($0) ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined())
    }

    /// Whether retrying the same operation later can succeed.
    public var isRetriable: Bool {
        switch code {
        case .connectionFailed, .connectionClosed, .requestTimedOut, .noBrokerAvailable: return true
        case .brokerError: return kafkaErrorCode?.isRetriable ?? false
        default: return false
        }
    }

    /// A short name for counters and the dashboard: the broker's error name, or the kind of failure.
    public var shortName: String {
        if let kafkaErrorCode { return kafkaErrorCode.name }
        return code == .deliveryTimedOut ? "MSG_TIMED_OUT" : "CLIENT_ERROR"
    }
}

extension KafkaError: Equatable {
    /// Equal when they say the same of the same kind (the underlying error is not compared).
    public static func == (lhs: KafkaError, rhs: KafkaError) -> Bool {
        lhs.code == rhs.code && lhs.description == rhs.description && lhs.kafkaErrorCode == rhs.kafkaErrorCode
    }
}
