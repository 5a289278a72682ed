import KafkaProtocol
import NIOCore

/// What became of one message.
public struct DeliveryReport: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    /// The offset the broker gave the message; -1 with acks=0 or when the message failed.
    public var offset: Int64
    /// Nil when the message was delivered.
    public var error: DeliveryError?

    public var isDelivered: Bool { error == nil }
}

/// Why a message was not delivered.
public struct DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broker's error code, when the broker refused the message.
    public var code: KafkaErrorCode?
    public var description: String

    package init(code: KafkaErrorCode, topic: String, partition: Int32) {
        self.code = code
        self.description = "\(topic)/\(partition): \(code.name) [\(code.rawValue)]"
    }

    init(code: KafkaErrorCode, topic: String, partition: Int32, detail: String) {
        self.code = code
        self.description = "\(topic)/\(partition): \(code.name) [\(code.rawValue)]: \(detail)"
    }

    init(_ error: KafkaError) {
        switch error {
        case .broker(let code, _, _): self.code = code
        case .unknownTopic, .unknownPartition: self.code = .unknownTopicOrPartition
        default: break
        }
        self.description = error.description
    }

    init(timedOutAfterMs ms: Int, topic: String, partition: Int32, lastError: String? = nil) {
        self.description = "\(topic)/\(partition): not acknowledged within delivery.timeout.ms (\(ms) ms)"
            + (lastError.map { "; last error: \($0)" } ?? "")
    }

    /// A message that found no room in the producer's buffer within `delivery.timeout.ms`.
    init(noRoomWithinMs ms: Int, topic: String, lastError: String?) {
        self.description = "\(topic): no room in the producer's buffer within delivery.timeout.ms (\(ms) ms)"
            + (lastError.map { "; first failure: \($0)" } ?? "")
    }

    /// Short name for counters and the dashboard: the broker's error name, or a client reason.
    public var name: String { code?.name ?? (description.contains("delivery.timeout.ms") ? "MSG_TIMED_OUT" : "CLIENT_ERROR") }
}

/// The outcome of the non-blocking `send`.
public enum SendStatus: Sendable, Equatable {
    /// Buffered; the delivery report follows.
    case enqueued
    /// The producer's buffer is full (`queue.buffering.max.messages` / `.kbytes`): not buffered.
    case queueFull
    /// The message can never be sent as given (too large, unknown topic or partition, closed producer).
    case rejected(DeliveryError)
}

/// A message header. Kafka allows repeated names and null values.
public struct MessageHeader: Sendable, Equatable {
    public var name: String
    public var value: [UInt8]?

    public init(_ name: String, _ value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    var recordHeader: RecordHeader { (key: name, value: value.map { ByteBuffer(bytes: $0) }) }
}

/// Someone awaiting one message's delivery (`sendAndWait`). A class, so that the send path's
/// "nobody waits" is a null check: an optional continuation is a resilient generic type whose
/// every test goes through its metadata.
final class DeliveryWaiter: Sendable {
    private let continuation: CheckedContinuation<DeliveryReport, any Error>

    init(_ continuation: CheckedContinuation<DeliveryReport, any Error>) { self.continuation = continuation }

    func resume(returning report: DeliveryReport) { continuation.resume(returning: report) }
    func resume(throwing error: any Error) { continuation.resume(throwing: error) }
}
