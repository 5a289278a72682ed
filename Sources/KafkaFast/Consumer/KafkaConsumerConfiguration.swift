/// The consumer's part of ``KafkaConfiguration``: how much to fetch and buffer, where to start,
/// and the consumer group's timers and commit policy.
///
/// Each property names the librdkafka property it maps to, with librdkafka's default unless it
/// says otherwise (`check.crcs` is on here). The group settings (`group.id` and below) are
/// stored here too, so ``KafkaPartitionConsumer`` and ``KafkaGroupConsumer`` read one struct;
/// a partition consumer ignores them.
public struct KafkaConsumerConfiguration: Sendable, Equatable {
    /// What to do when a fetch position is outside the partition's log (OFFSET_OUT_OF_RANGE),
    /// or a group has no committed offset for a partition.
    public enum OffsetReset: String, Sendable, CaseIterable {
        /// `earliest` (aliases `smallest`, `beginning`): the oldest message the log still holds.
        case earliest
        /// `latest` (aliases `largest`, `end`; the default): only messages produced from now on.
        case latest
        /// `error`: report the error instead of moving the position (the partition stops).
        case error
    }

    /// `fetch.min.bytes` (1): the broker holds a Fetch until it has this many bytes to send
    /// (or `fetch.wait.max.ms` passed). Raise it to trade latency for fewer, fuller fetches.
    public var fetchMinBytes = 1
    /// `fetch.wait.max.ms` (500 ms): how long the broker may hold a Fetch waiting for
    /// `fetch.min.bytes`: the longest a new message waits at the broker for a consumer that is
    /// caught up.
    public var fetchWaitMax: Duration {
        get { .milliseconds(fetchWaitMaxMs) }
        set { fetchWaitMaxMs = newValue.wholeMilliseconds }
    }
    var fetchWaitMaxMs = 500
    /// `fetch.max.bytes` (52,428,800): the most data one Fetch response should carry, in
    /// bytes. A soft limit: a broker still sends a first batch larger than it, so progress never stalls.
    public var fetchMaxBytes = 52_428_800
    /// `max.partition.fetch.bytes` (alias `fetch.message.max.bytes`, 1,048,576): the most data
    /// one partition contributes to one Fetch, in bytes, so one busy partition cannot crowd out
    /// the others.
    public var maxPartitionFetchBytes = 1_048_576
    /// `queued.max.messages.kbytes` (65,536, that is 64 MiB): fetched data buffered ahead of
    /// the reader, in KiB. Fetching pauses while the buffer holds more, so a slow reader slows
    /// fetching instead of growing memory.
    public var queuedMaxKilobytes = 65_536
    /// `auto.offset.reset` (`latest`): where to start when a position is outside the log or a
    /// group has no committed offset for a partition. See ``OffsetReset``.
    public var autoOffsetReset: OffsetReset = .latest
    /// `check.crcs` (on; librdkafka's default is off): verify each fetched batch's CRC-32C.
    /// On by default because it costs little with SSE4.2 and turns corruption on the way into
    /// an error instead of bad data.
    public var checkCRCs = true
    /// `isolation.level` (`read_uncommitted`; librdkafka's default is `read_committed`): whether
    /// records of transactions not yet committed are read. Only `read_uncommitted` is supported:
    /// `read_committed` is refused rather than silently read uncommitted.
    public var readCommitted = false
    /// `topic.metadata.propagation.max.ms` (30 s): how long a topic may be missing from the
    /// metadata (just created, or deleted) before its partitions fail: a topic created a moment
    /// ago is waited for, not reported unknown.
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
    /// `fetch.connections.per.broker` (2, 1 to 16; kafka-fast's own, not librdkafka's): fetch
    /// connections to each broker, each with one Fetch in flight for its share of the partitions
    /// that broker leads (a partition always on the same one). Brokers work through one
    /// connection's requests one after another, so several let a broker read several partitions'
    /// logs at once.
    public var connectionsPerBroker = 2
    /// `retry.backoff.ms` (100 ms): the first wait before a failed fetch or metadata request is
    /// made again; each further failure doubles it, up to ``retryBackoffMax``.
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
    /// `group.id` (none): the consumer group. ``KafkaGroupConsumer`` takes the group as an
    /// argument; this is what the CLI and config files set.
    public var groupId: String?
    /// `group.instance.id` (none): static membership (KIP-345). A member whose process dies and
    /// comes back with the same id within `session.timeout.ms` gets its partitions back without
    /// a rebalance; closing the consumer still leaves the group.
    public var groupInstanceId: String?
    /// `session.timeout.ms` (45 s): a member whose heartbeats stop for this long is dropped from
    /// the group and its partitions go to the others. Shorter notices a dead member sooner; too
    /// short drops live ones during a pause. The broker bounds it (`group.min/max.session.timeout.ms`).
    public var sessionTimeout: Duration {
        get { .milliseconds(sessionTimeoutMs) }
        set { sessionTimeoutMs = newValue.wholeMilliseconds }
    }
    var sessionTimeoutMs = 45_000
    /// `heartbeat.interval.ms` (3 s): how often a member tells the coordinator it is alive; also
    /// how soon it learns of a rebalance. Keep it well under `session.timeout.ms` (a third or less).
    public var heartbeatInterval: Duration {
        get { .milliseconds(heartbeatIntervalMs) }
        set { heartbeatIntervalMs = newValue.wholeMilliseconds }
    }
    var heartbeatIntervalMs = 3_000
    /// `max.poll.interval.ms` (5 min): sent as the group's rebalance timeout, how long the
    /// coordinator waits for every member to rejoin (committing and handing over what it
    /// processed) before it goes on without it.
    public var maxPollInterval: Duration {
        get { .milliseconds(maxPollIntervalMs) }
        set { maxPollIntervalMs = newValue.wholeMilliseconds }
    }
    var maxPollIntervalMs = 300_000
    /// `auto.commit.interval.ms` (5 s): how often processed offsets are committed while
    /// `enable.auto.commit` is on. A crash redelivers at most this much.
    public var autoCommitInterval: Duration {
        get { .milliseconds(autoCommitIntervalMs) }
        set { autoCommitIntervalMs = newValue.wholeMilliseconds }
    }
    var autoCommitIntervalMs = 5_000
    /// `enable.auto.commit` (on): commit processed messages' offsets every
    /// `auto.commit.interval.ms`, and before partitions are handed over or the member leaves.
    /// Off, only ``KafkaGroupConsumer/commit()`` commits (and the rebalance and close paths,
    /// which commit what was marked processed).
    public var enableAutoCommit = true
    /// `partition.assignment.strategy` (`range,roundrobin`): the assignors this member offers,
    /// in preference order; the group uses the first every member offers. Only `range` and
    /// `roundrobin` are supported (no `cooperative-sticky`).
    public var partitionAssignmentStrategy = ["range", "roundrobin"]

    /// Every property at its default.
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
        case "fetch.connections.per.broker":
            connectionsPerBroker = try KafkaConfiguration.integer(name, value, in: 1...16)
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
