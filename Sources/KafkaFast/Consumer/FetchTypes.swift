import NIOCore

/// One partition of one topic. (Named so it cannot clash with the dashboard's `TopicPartition`,
/// which the CLI imports alongside this module.)
public struct KafkaTopicPartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)/\(partition)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}

/// Where a partition consumer starts, as kcat's `-o` says it.
public enum StartPosition: Sendable, Equatable, CustomStringConvertible {
    /// The partition's log start offset.
    case beginning
    /// The high watermark: only messages produced from now on.
    case end
    /// An absolute offset. With `strict`, an offset outside the log is an error instead of a
    /// reset by `auto.offset.reset` (the CLI's `-o OFFSET`).
    case offset(Int64, strict: Bool = false)
    /// N messages before the end (never before the log start), per partition.
    case fromEnd(Int64)
    /// The first message whose timestamp is at or after this time (ms since the epoch); the end
    /// when there is none.
    case timestamp(Int64)

    public var description: String {
        switch self {
        case .beginning: return "beginning"
        case .end: return "end"
        case .offset(let offset, _): return "offset \(offset)"
        case .fromEnd(let count): return "\(count) before the end"
        case .timestamp(let ms): return "timestamp \(ms)"
        }
    }
}

/// What one fetch brought for one partition, handed out by `FetchEngine.poll()` in offset
/// order per partition. `messages` may be empty: the chunk then reports progress (the end of
/// the partition was reached, or only control records were skipped).
public struct FetchChunk: Sendable {
    public let topicPartition: KafkaTopicPartition
    public var messages: [ConsumedMessage]
    public let highWatermark: Int64
    public let logStartOffset: Int64
    /// The partition's position once this chunk is handed out: the offset after its last record.
    public let nextOffset: Int64
    /// The broker (node id) the chunk was fetched from: the partition's leader then.
    public let broker: Int32
    /// The partition had no more data when this chunk was fetched (kcat's "reached end").
    public var reachedEnd: Bool { nextOffset >= highWatermark }

    /// Fetched bytes this chunk holds in the engine's buffer budget.
    let bufferedBytes: Int
    let assignmentId: UInt64
}
