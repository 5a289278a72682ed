import NIOCore

/// One partition of one topic. (Named so it cannot clash with the dashboard's `TopicPartition`,
/// which the CLI imports alongside this module.)
public struct KafkaTopicPartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The topic's name.
    public var topic: String
    /// The partition's number, from 0.
    public var partition: Int32

    /// `topic`'s partition `partition`.
    public init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// `topic/partition`, as log lines and errors write it.
    public var description: String { "\(topic)/\(partition)" }

    /// By topic, then partition: the order assignors and listings use.
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
    /// An absolute offset moved into what the log holds: the log start when it is older, the
    /// end when the log has not got that far yet (a dashboard's "from offset N" on partitions of
    /// different lengths).
    case nearest(Int64)
    /// N messages before the end (never before the log start), per partition.
    case fromEnd(Int64)
    /// The first message whose timestamp is at or after this time (ms since the epoch); the end
    /// when there is none.
    case timestamp(Int64)

    /// How kcat's `-o` would say it, for messages and the dashboard.
    public var description: String {
        switch self {
        case .beginning: return "beginning"
        case .end: return "end"
        case .offset(let offset, _): return "offset \(offset)"
        case .nearest(let offset): return "offset \(offset) or the nearest held"
        case .fromEnd(let count): return "\(count) before the end"
        case .timestamp(let ms): return "timestamp \(ms)"
        }
    }
}

/// For a reader that shows a live sample of a partition rather than every message (a dashboard's
/// tail): a partition found more than `maxLag` messages behind its high watermark moves on to
/// `resumeLag` messages before it instead of reading everything between: when a fetch answer's
/// high watermark shows it, and before a fetch when ListOffsets shows it more than `farLag` behind
/// (a fetch from there could bring more than the client takes). The jump is counted in the next
/// chunk's `skipped`. Offsets, not messages, are counted: compaction gaps and transaction markers
/// count too.
public struct SkipAhead: Sendable, Equatable {
    /// Messages (offsets) behind the high watermark past which a partition jumps ahead.
    public var maxLag: Int64
    /// Messages (offsets) before the high watermark where a jump lands.
    public var resumeLag: Int64
    /// Ten times `maxLag`.
    public var farLag: Int64 { maxLag.multipliedReportingOverflow(by: 10).overflow ? .max : maxLag * 10 }

    /// `resumeLag` is kept within 0...`maxLag`, so a jump always moves forward.
    public init(maxLag: Int64, resumeLag: Int64) {
        self.maxLag = max(0, maxLag)
        self.resumeLag = min(max(0, resumeLag), self.maxLag)
    }
}

/// What one fetch brought for one partition, handed out by `FetchEngine.poll()` in offset
/// order per partition. `messages` may be empty: the chunk then reports progress (the end of
/// the partition was reached, or only control records were skipped).
public struct FetchChunk: Sendable {
    /// The partition the messages are of.
    public let topicPartition: KafkaTopicPartition
    /// Consecutive messages of the partition, in offset order; control records and records before
    /// the requested position are left out.
    public var messages: [ConsumedMessage]
    /// The partition's high watermark when fetched: the offset after the last message every
    /// in-sync replica holds, which is as far as consumers can read.
    /// `highWatermark - nextOffset` is the lag.
    public let highWatermark: Int64
    /// The oldest offset the partition's log still held when fetched.
    public let logStartOffset: Int64
    /// The partition's position once this chunk is handed out: the offset after its last record.
    public let nextOffset: Int64
    /// The broker (node id) the chunk was fetched from: the partition's leader then.
    public let broker: Int32
    /// Offsets of this partition jumped over (`KafkaConsumerConfiguration.skipAhead`) since the previous
    /// chunk of it was handed out; 0 when nothing was skipped.
    public internal(set) var skipped: Int64 = 0
    /// The partition had no more data when this chunk was fetched (kcat's "reached end").
    public var reachedEnd: Bool { nextOffset >= highWatermark }

    /// Fetched bytes this chunk holds in the engine's buffer budget.
    let bufferedBytes: Int
    let assignmentId: UInt64
}
