/// An error code from a Kafka response (`ErrorCode` fields), with the facts a client needs to
/// react to it. Unknown codes are kept as they are: newer brokers add codes.
public struct KafkaErrorCode: Hashable, Sendable, CustomStringConvertible, Error {
    /// The code as the protocol carries it (`ErrorCode`, an int16).
    public let rawValue: Int16

    /// The code `rawValue`, known or not.
    @inlinable
    public init(rawValue: Int16) {
        self.rawValue = rawValue
    }

    /// The code `rawValue`, known or not.
    @inlinable
    public init(_ rawValue: Int16) {
        self.rawValue = rawValue
    }

    private var fact: (name: String, retriable: Bool)? {
        let index = Int(rawValue) - Int(Self.firstKnownCode)
        guard Self.facts.indices.contains(index) else { return nil }
        return Self.facts[index]
    }

    /// Kafka's name for the code, e.g. `NOT_LEADER_OR_FOLLOWER`; `UNKNOWN_ERROR_<n>` if unassigned.
    public var name: String { fact?.name ?? "UNKNOWN_ERROR_\(rawValue)" }

    /// Whether the same request may succeed if sent again (after a backoff, and possibly after a
    /// metadata refresh). Unknown codes are not retriable.
    public var isRetriable: Bool { fact?.retriable ?? false }

    /// Whether the client's view of leaders or topics is stale and metadata must be refreshed
    /// before retrying.
    public var needsMetadataRefresh: Bool {
        switch rawValue {
        case 3, 5, 6, 74, 75, 100, 103: return true
        default: return false
        }
    }

    /// False only for `none` (0).
    @inlinable
    public var isError: Bool { rawValue != 0 }

    /// `NAME (code)`, for logs and messages.
    public var description: String { "\(name) (\(rawValue))" }
}
