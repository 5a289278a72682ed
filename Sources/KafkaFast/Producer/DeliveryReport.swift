import KafkaProtocol
import NIOCore

/// What became of one message: where it landed, or why it did not.
///
/// Every message sent gets exactly one, from ``KafkaProducer/sendAndWait(topic:value:key:headers:partition:timestamp:)``
/// or on the ``KafkaProducer/deliveryReports()`` stream, whether it was delivered, refused by
/// the broker, timed out or rejected before it was sent.
public struct DeliveryReport: Sendable, Equatable {
    /// The topic the message was sent to.
    public var topic: String
    /// The partition it went to; -1 when it failed before a partition was chosen (an unknown topic).
    public var partition: Int32
    /// The offset the broker gave the message; -1 with acks=0 or when the message failed.
    public var offset: Int64
    /// Nil when the message was delivered.
    public var error: KafkaError?

    /// Whether the broker acknowledged the message.
    public var isDelivered: Bool { error == nil }
}

// Why a message was not delivered is a `KafkaError` (code `.deliveryFailed` or
// `.deliveryTimedOut`), made by these, the producer's own ways of saying it.
extension KafkaError {
    /// The broker refused the message's batch with `code`.
    package init(code: KafkaErrorCode, topic: String, partition: Int32, detail: String? = nil) {
        self = .delivery(code: code, topic: topic, partition: partition, detail: detail)
    }

    /// The message failed because of `error`, not about it alone (unknown topic, lost connection).
    init(_ error: KafkaError) { self = .delivery(error) }

    init(timedOutAfterMs ms: Int, topic: String, partition: Int32, lastError: String? = nil) {
        self = .deliveryTimedOut(afterMs: ms, topic: topic, partition: partition, lastError: lastError)
    }

    /// A message that found no room in the producer's buffer within `delivery.timeout.ms`.
    init(noRoomWithinMs ms: Int, topic: String, lastError: String?) {
        self = .deliveryTimedOut(noRoomWithinMs: ms, topic: topic, lastError: lastError)
    }

    /// The short name counters and the dashboard use (`shortName`).
    public var name: String { shortName }
}

/// The outcome of the non-blocking `send`.
public enum SendStatus: Sendable, Equatable {
    /// Buffered; the delivery report follows.
    case enqueued
    /// The producer's buffer is full (`queue.buffering.max.messages` / `.kbytes`): not buffered.
    case queueFull
    /// The message can never be sent as given (too large, unknown topic or partition, closed producer).
    case rejected(KafkaError)
}

/// A header to send with a message: a name and bytes, as Kafka's record headers are (KIP-82).
/// Kafka allows repeated names and null values; they are sent as given, in order.
public struct MessageHeader: Sendable, Equatable {
    /// The header's name (UTF-8).
    public var name: String
    /// The header's value; nil is a null value, which Kafka keeps apart from an empty one.
    public var value: [UInt8]?

    /// A header named `name` with `value`.
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
