/// The consumer's part of `KafkaConfiguration`, under librdkafka's property names and defaults.
///
/// The group settings (`group.id` and below) are stored here so the partition consumer and
/// the group consumer read one struct; the fetch engine itself ignores them.
public struct KafkaConsumerConfiguration: Sendable, Equatable {
    /// What to do when a fetch position is outside the partition's log (OFFSET_OUT_OF_RANGE),
    /// or a group has no committed offset for a partition.
    public enum OffsetReset: String, Sendable, CaseIterable {
        case earliest
        case latest
        /// Report the error instead of moving the position.
        case error
    }

    /// `fetch.min.bytes`: the broker waits for this much data (up to `fetch.wait.max.ms`).
    public var fetchMinBytes = 1
    /// `fetch.wait.max.ms` (500 ms): how long the broker may hold a Fetch waiting for `fetch.min.bytes`.
    public var fetchWaitMax: Duration {
        get { .milliseconds(fetchWaitMaxMs) }
        set { fetchWaitMaxMs = newValue.wholeMilliseconds }
    }
    var fetchWaitMaxMs = 500
    /// `fetch.max.bytes`: the most data one Fetch response should carry.
    public var fetchMaxBytes = 52_428_800
    /// `max.partition.fetch.bytes`: the most data one partition contributes to one Fetch.
    public var maxPartitionFetchBytes = 1_048_576
    /// `queued.max.messages.kbytes`: fetched data buffered ahead of the reader, in kilobytes.
    /// Fetching stops while the buffer holds more; a slow reader slows fetching.
    public var queuedMaxKilobytes = 65_536
    /// `auto.offset.reset` (aliases smallest/beginning, largest/end).
    public var autoOffsetReset: OffsetReset = .latest
    /// `check.crcs`: verify each batch's CRC-32C (librdkafka's default is off; ours is on,
    /// it costs little with SSE4.2).
    public var checkCRCs = true
    /// `isolation.level`: read_committed hides aborted transactional records (not supported
    /// yet: only read_uncommitted is accepted).
    public var readCommitted = false
    /// `topic.metadata.propagation.max.ms` (30 s): how long a topic may be missing from metadata (just created, or deleted) before its partitions fail.
    public var topicPropagationMax: Duration {
        get { .milliseconds(topicPropagationMaxMs) }
        set { topicPropagationMaxMs = newValue.wholeMilliseconds }
    }
    var topicPropagationMaxMs = 30_000
    /// For readers that sample rather than read everything (a live view of a flooded topic): a
    /// partition more than `maxLag` messages behind its high watermark jumps to `resumeLag` behind
    /// it, and the next chunk says how many offsets it passed over (`FetchChunk.skipped`). Nil (the
    /// default) reads everything. kafka-fast's own properties, not librdkafka's:
    /// `fetch.skip.ahead.lag` (0: off) and `fetch.skip.ahead.resume.lag` (default: the lag).
    public var skipAhead: SkipAhead? {
        get { skipAheadLag > 0 ? SkipAhead(maxLag: skipAheadLag, resumeLag: skipAheadResumeLag ?? skipAheadLag) : nil }
        set {
            skipAheadLag = newValue?.maxLag ?? 0
            skipAheadResumeLag = newValue?.resumeLag
        }
    }
    // Two stored values, so the two properties can be given in any order.
    var skipAheadLag: Int64 = 0
    var skipAheadResumeLag: Int64?
    /// `retry.backoff.ms` (100 ms) for fetch and metadata retries; it doubles.
    public var retryBackoff: Duration {
        get { .milliseconds(retryBackoffMs) }
        set { retryBackoffMs = newValue.wholeMilliseconds }
    }
    var retryBackoffMs = 100
    /// `retry.backoff.max.ms` (1 s): the longest wait between fetch and metadata retries.
    public var retryBackoffMax: Duration {
        get { .milliseconds(retryBackoffMaxMs) }
        set { retryBackoffMaxMs = newValue.wholeMilliseconds }
    }
    var retryBackoffMaxMs = 1_000

    // Group settings, stored for the group consumer (librdkafka defaults).
    /// `group.id`: nil when not set.
    public var groupId: String?
    /// `group.instance.id`: static membership; nil when not set.
    public var groupInstanceId: String?
    /// `session.timeout.ms` (45 s): a member not heard from for this long leaves the group.
    public var sessionTimeout: Duration {
        get { .milliseconds(sessionTimeoutMs) }
        set { sessionTimeoutMs = newValue.wholeMilliseconds }
    }
    var sessionTimeoutMs = 45_000
    /// `heartbeat.interval.ms` (3 s): how often a member heartbeats.
    public var heartbeatInterval: Duration {
        get { .milliseconds(heartbeatIntervalMs) }
        set { heartbeatIntervalMs = newValue.wholeMilliseconds }
    }
    var heartbeatIntervalMs = 3_000
    /// `max.poll.interval.ms` (5 min): the rebalance timeout, how long a rejoin may take.
    public var maxPollInterval: Duration {
        get { .milliseconds(maxPollIntervalMs) }
        set { maxPollIntervalMs = newValue.wholeMilliseconds }
    }
    var maxPollIntervalMs = 300_000
    /// `auto.commit.interval.ms` (5 s): how often processed offsets are committed.
    public var autoCommitInterval: Duration {
        get { .milliseconds(autoCommitIntervalMs) }
        set { autoCommitIntervalMs = newValue.wholeMilliseconds }
    }
    var autoCommitIntervalMs = 5_000
    public var enableAutoCommit = true
    /// `partition.assignment.strategy`, in preference order.
    public var partitionAssignmentStrategy = ["range", "roundrobin"]

    public init() {}

    /// Sets one consumer property; returns false for a name the consumer does not know, so
    /// the caller can try the next part of the configuration.
    mutating func set(_ name: String, _ value: String) throws(KafkaError) -> Bool {
        switch name {
        case "fetch.min.bytes":
            fetchMinBytes = try KafkaConfiguration.integer(name, value, in: 1...100_000_000)
        case "fetch.wait.max.ms":
            fetchWaitMaxMs = try KafkaConfiguration.integer(name, value, in: 0...300_000)
        case "fetch.max.bytes":
            fetchMaxBytes = try KafkaConfiguration.integer(name, value, in: 0...2_147_483_135)
        case "max.partition.fetch.bytes", "fetch.message.max.bytes":
            maxPartitionFetchBytes = try KafkaConfiguration.integer(name, value, in: 1...1_000_000_000)
        case "queued.max.messages.kbytes":
            queuedMaxKilobytes = try KafkaConfiguration.integer(name, value, in: 1...2_097_151)
        case "auto.offset.reset":
            switch value.lowercased() {
            case "earliest", "smallest", "beginning": autoOffsetReset = .earliest
            case "latest", "largest", "end": autoOffsetReset = .latest
            case "error": autoOffsetReset = .error
            default: throw .invalidConfiguration("\(name)=\(value): expected earliest, latest or error")
            }
        case "topic.metadata.propagation.max.ms":
            topicPropagationMaxMs = try KafkaConfiguration.integer(name, value, in: 0...3_600_000)
        case "retry.backoff.ms":
            retryBackoffMs = try KafkaConfiguration.integer(name, value, in: 1...300_000)
        case "retry.backoff.max.ms":
            retryBackoffMaxMs = try KafkaConfiguration.integer(name, value, in: 1...300_000)
        case "fetch.skip.ahead.lag":
            skipAheadLag = Int64(try KafkaConfiguration.integer(name, value, in: 0...Int.max))
        case "fetch.skip.ahead.resume.lag":
            skipAheadResumeLag = Int64(try KafkaConfiguration.integer(name, value, in: 0...Int.max))
        case "check.crcs":
            checkCRCs = try KafkaProducerConfiguration.boolean(name, value)
        case "isolation.level":
            switch value {
            case "read_uncommitted": readCommitted = false
            case "read_committed":
                throw .invalidConfiguration("\(name)=\(value): read_committed is not supported yet, only read_uncommitted")
            default: throw .invalidConfiguration("\(name)=\(value): expected read_uncommitted")
            }
        case "group.id":
            groupId = value.isEmpty ? nil : value
        case "group.instance.id":
            groupInstanceId = value.isEmpty ? nil : value
        case "session.timeout.ms":
            sessionTimeoutMs = try KafkaConfiguration.integer(name, value, in: 1...3_600_000)
        case "heartbeat.interval.ms":
            heartbeatIntervalMs = try KafkaConfiguration.integer(name, value, in: 1...3_600_000)
        case "max.poll.interval.ms":
            maxPollIntervalMs = try KafkaConfiguration.integer(name, value, in: 1...86_400_000)
        case "auto.commit.interval.ms":
            autoCommitIntervalMs = try KafkaConfiguration.integer(name, value, in: 0...86_400_000)
        case "enable.auto.commit":
            enableAutoCommit = try KafkaProducerConfiguration.boolean(name, value)
        case "partition.assignment.strategy":
            let names = value.split(separator: ",").map { String($0.trimmingWhitespace()) }.filter { !$0.isEmpty }
            guard !names.isEmpty else { throw .invalidConfiguration("\(name)=\(value): expected a list such as range,roundrobin") }
            partitionAssignmentStrategy = names
        default:
            return false
        }
        return true
    }
}
