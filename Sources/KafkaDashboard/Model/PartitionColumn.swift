/// Columns of the partitions panel. Every data column has its own sort key (pressing it again reverses).
public enum PartitionColumn: Int, CaseIterable, Sendable {
    case partition, leader, low, high, messages, bufferFill, inFlight, messageRate, sparkline, byteRate
    case ackLatency, sent, retries, lastError

    public var header: String {
        switch self {
        case .partition: return "P"
        case .leader: return "Leader"
        case .low: return "Low"
        case .high: return "High"
        case .messages: return "Msgs"
        case .bufferFill: return "Buffer"
        case .inFlight: return "InFl"
        case .messageRate: return "Msg/s"
        case .sparkline: return "Last 60s"
        case .byteRate: return "B/s"
        case .ackLatency: return "p99 ack"
        case .sent: return "Sent"
        case .retries: return "Retry"
        case .lastError: return "Last error"
        }
    }

    public var helpName: String {
        switch self {
        case .partition: return "partition"
        case .leader: return "leader"
        case .low: return "low watermark"
        case .high: return "high watermark"
        case .messages: return "messages"
        case .bufferFill: return "buffer fill"
        case .inFlight: return "batches in flight"
        case .messageRate: return "msg/s"
        case .sparkline: return "msg/s history"
        case .byteRate: return "bytes/s"
        case .ackLatency: return "ack latency p99"
        case .sent: return "messages sent (acknowledged)"
        case .retries: return "retries"
        case .lastError: return "last error (newest first)"
        }
    }

    /// Upper-case letters so they never collide with the lower-case navigation and action keys.
    public var sortKey: Character? {
        switch self {
        case .partition: return "P"
        case .leader: return "L"
        case .low: return "O"
        case .high: return "W"
        case .messages: return "M"
        case .bufferFill: return "F"
        case .inFlight: return "I"
        case .messageRate: return "R"
        case .sparkline: return nil
        case .byteRate: return "B"
        case .ackLatency: return "A"
        case .sent: return "S"
        case .retries: return "T"
        case .lastError: return "E"
        }
    }

    /// Columns whose interesting end is the big one start descending (busiest partition first).
    public var sortsDescendingFirst: Bool {
        switch self {
        case .partition, .leader, .low, .high: return false
        default: return true
        }
    }
}

/// How the partitions panel is sorted.
public struct PartitionSort: Equatable, Sendable {
    public var column: PartitionColumn
    public var descending: Bool

    public init(column: PartitionColumn = .partition, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }
}
