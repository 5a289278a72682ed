// The dashboard's own view of the world. These are deliberately plain values: the dashboard must not
// depend on the client library, so an adapter maps the client's metadata and metrics onto them.
// Times are milliseconds since the Unix epoch, as Kafka itself counts them.

/// A topic and one of its partitions.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// Cluster metadata and watermarks, refreshed about once a second.
public struct ClusterSnapshot: Sendable, Equatable {
    public enum ConnectionState: String, Sendable, Equatable {
        case connected, connecting, disconnected
    }

    public struct Broker: Sendable, Equatable {
        public var id: Int32
        public var address: String
        public var state: ConnectionState

        public init(id: Int32, address: String, state: ConnectionState) {
            self.id = id
            self.address = address
            self.state = state
        }
    }

    public struct Partition: Sendable, Equatable {
        public var id: Int32
        /// Broker id of the leader; -1 when the partition has none.
        public var leader: Int32
        public var lowWatermark: Int64
        public var highWatermark: Int64

        public init(id: Int32, leader: Int32, lowWatermark: Int64, highWatermark: Int64) {
            self.id = id
            self.leader = leader
            self.lowWatermark = lowWatermark
            self.highWatermark = highWatermark
        }

        /// Messages currently retained (ignores compaction gaps and transaction markers, as every UI does).
        public var messageCount: Int64 { max(0, highWatermark - lowWatermark) }
    }

    public struct Topic: Sendable, Equatable {
        public var name: String
        public var isInternal: Bool
        public var partitions: [Partition]

        public init(name: String, isInternal: Bool = false, partitions: [Partition]) {
            self.name = name
            self.isInternal = isInternal
            self.partitions = partitions
        }

        public var messageCount: Int64 { partitions.reduce(0) { $0 + $1.messageCount } }
    }

    public var clusterID: String?
    public var brokers: [Broker]
    public var topics: [Topic]

    public init(clusterID: String? = nil, brokers: [Broker] = [], topics: [Topic] = []) {
        self.clusterID = clusterID
        self.brokers = brokers
        self.topics = topics
    }
}

/// A Kafka error code as the client last saw it.
public struct ErrorRecord: Sendable, Equatable {
    public var code: Int16
    public var name: String
    public var atMillis: Int64

    public init(code: Int16, name: String, atMillis: Int64) {
        self.code = code
        self.name = name
        self.atMillis = atMillis
    }
}

/// Messages and bytes per second.
public struct Throughput: Sendable, Equatable {
    public var messagesPerSecond: Double
    public var bytesPerSecond: Double

    public init(messagesPerSecond: Double = 0, bytesPerSecond: Double = 0) {
        self.messagesPerSecond = messagesPerSecond
        self.bytesPerSecond = bytesPerSecond
    }

    public static let zero = Throughput()
}

/// The producer's state for one partition.
public struct PartitionProducerStats: Sendable, Equatable {
    public var bufferedMessages: Int
    public var bufferedBytes: Int
    public var capacityMessages: Int
    public var capacityBytes: Int
    public var inFlightBatches: Int
    public var sentMessages: Int64
    public var ackedMessages: Int64
    public var throughput: Throughput
    /// Nil until the first acknowledgement.
    public var ackLatencyP99Millis: Double?
    public var retries: Int64
    public var lastError: ErrorRecord?

    public init(
        bufferedMessages: Int = 0, bufferedBytes: Int = 0, capacityMessages: Int = 0, capacityBytes: Int = 0,
        inFlightBatches: Int = 0, sentMessages: Int64 = 0, ackedMessages: Int64 = 0, throughput: Throughput = .zero,
        ackLatencyP99Millis: Double? = nil, retries: Int64 = 0, lastError: ErrorRecord? = nil
    ) {
        self.bufferedMessages = bufferedMessages
        self.bufferedBytes = bufferedBytes
        self.capacityMessages = capacityMessages
        self.capacityBytes = capacityBytes
        self.inFlightBatches = inFlightBatches
        self.sentMessages = sentMessages
        self.ackedMessages = ackedMessages
        self.throughput = throughput
        self.ackLatencyP99Millis = ackLatencyP99Millis
        self.retries = retries
        self.lastError = lastError
    }

    /// The fuller of the two limits, 0...1: whichever runs out first blocks the producer.
    public var bufferFill: Double {
        let byMessages = capacityMessages > 0 ? Double(bufferedMessages) / Double(capacityMessages) : 0
        let byBytes = capacityBytes > 0 ? Double(bufferedBytes) / Double(capacityBytes) : 0
        return min(1, max(byMessages, byBytes))
    }
}

/// What the load generator reports about itself.
public struct LoadGeneratorStatus: Sendable, Equatable {
    public var running: Bool
    public var sent: Int64
    public var failed: Int64
    public var achieved: Throughput

    public init(running: Bool, sent: Int64 = 0, failed: Int64 = 0, achieved: Throughput = .zero) {
        self.running = running
        self.sent = sent
        self.failed = failed
        self.achieved = achieved
    }
}

/// The producer side of the client, sampled every refresh.
public struct ProducerSnapshot: Sendable, Equatable {
    public var partitions: [TopicPartition: PartitionProducerStats]
    public var total: Throughput
    public var errorCount: Int64
    public var loadGenerator: LoadGeneratorStatus?

    public init(
        partitions: [TopicPartition: PartitionProducerStats] = [:], total: Throughput = .zero,
        errorCount: Int64 = 0, loadGenerator: LoadGeneratorStatus? = nil
    ) {
        self.partitions = partitions
        self.total = total
        self.errorCount = errorCount
        self.loadGenerator = loadGenerator
    }
}

/// The consumer side of the client (every consumer the app runs, the tail included).
public struct ConsumerSnapshot: Sendable, Equatable {
    public var topics: [String: Throughput]
    public var total: Throughput
    public var errorCount: Int64

    public init(topics: [String: Throughput] = [:], total: Throughput = .zero, errorCount: Int64 = 0) {
        self.topics = topics
        self.total = total
        self.errorCount = errorCount
    }
}

/// One record read by the tail consumer.
public struct ConsumedMessage: Sendable, Equatable {
    /// Whose clock the timestamp is: the producer's (create time) or the broker's (log append time).
    public enum TimestampType: String, Sendable, Equatable {
        case create = "create time"
        case logAppend = "log append time"
    }

    public struct Header: Sendable, Equatable {
        public var key: String
        public var value: [UInt8]?

        public init(key: String, value: [UInt8]?) {
            self.key = key
            self.value = value
        }
    }

    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var timestampMillis: Int64
    public var timestampType: TimestampType
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [Header]

    public init(
        topic: String, partition: Int32, offset: Int64, timestampMillis: Int64, timestampType: TimestampType = .create,
        key: [UInt8]?, value: [UInt8]?, headers: [Header] = []
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestampMillis = timestampMillis
        self.timestampType = timestampType
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// What the tail consumer hands over at a time: the messages to show, and how many it passed over.
public struct TailBatch: Sendable, Equatable {
    public var messages: [ConsumedMessage]
    /// Messages read from the broker for this batch: more than `messages.count` when the source
    /// sampled them down to what the pane can show.
    public var received: Int
    /// Messages the source jumped over without reading them, far behind a flood (by offset).
    public var skipped: Int64

    public init(messages: [ConsumedMessage], received: Int? = nil, skipped: Int64 = 0) {
        self.messages = messages
        self.received = max(received ?? messages.count, messages.count)
        self.skipped = max(0, skipped)
    }
}

/// Committed offsets of one consumer group on one topic.
public struct GroupOffsets: Sendable, Equatable {
    public struct Partition: Sendable, Equatable {
        public var partition: Int32
        /// Nil when the group has never committed on this partition.
        public var committed: Int64?
        /// Nil lets the dashboard compute it from the high watermark it knows.
        public var lag: Int64?

        public init(partition: Int32, committed: Int64?, lag: Int64? = nil) {
            self.partition = partition
            self.committed = committed
            self.lag = lag
        }
    }

    public var group: String
    public var topic: String
    public var partitions: [Partition]

    public init(group: String, topic: String, partitions: [Partition]) {
        self.group = group
        self.topic = topic
        self.partitions = partitions
    }
}

/// Something the status line should say: a broker went away, a request failed, a tail stopped.
public struct StatusEvent: Sendable, Equatable {
    public enum Severity: Int, Sendable, Comparable {
        case info, warning, error
        public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }
    }

    public var severity: Severity
    public var message: String
    public var atMillis: Int64

    public init(_ severity: Severity, _ message: String, atMillis: Int64) {
        self.severity = severity
        self.message = message
        self.atMillis = atMillis
    }
}
