import KafkaCompression

/// The producer's part of ``KafkaConfiguration``: batching, buffering, acknowledgements,
/// retries, compression and idempotence.
///
/// Each property names the librdkafka property it maps to, and its default is librdkafka's,
/// except where it says otherwise (`produce.connections.per.broker` is ours;
/// `max.in.flight.requests.per.connection` and `partitioner` follow the Java client). Read by
/// ``KafkaProducer`` when it is made: changing a copy later changes nothing.
public struct KafkaProducerConfiguration: Sendable, Equatable {
    /// `acks` (alias `request.required.acks`): which replicas must have written a batch before
    /// the broker acknowledges it. The trade is durability against latency.
    public enum Acks: Int16, Sendable {
        /// `0`: the broker does not answer. Fastest; a message lost on the way is never known,
        /// and delivery reports carry offset -1.
        case none = 0
        /// `1`: the partition leader wrote it. Lost if the leader dies before a follower copies it.
        case leader = 1
        /// `all` (`-1`, the default): every in-sync replica wrote it, as many as the topic's
        /// `min.insync.replicas` asks for. Required by idempotence.
        case all = -1
    }

    /// `partitioner`: how a message without an explicit partition finds one.
    ///
    /// The default is `murmur2_random`, the Java client's behaviour, so a key lands on the same
    /// partition whichever client produced it; librdkafka's own default, `consistent_random`
    /// (CRC32), is not offered.
    public enum Partitioner: String, Sendable, CaseIterable {
        /// Java-compatible murmur2 for keyed messages; sticky batching for null keys.
        case murmur2Random = "murmur2_random"
        /// murmur2 for every key; a null key hashes as empty (always the same partition).
        case murmur2 = "murmur2"
        /// Sticky batching for every message, keys ignored.
        case random = "random"
        /// One message to each partition in turn, keys ignored: even spread, small batches.
        case roundRobin = "roundrobin"
    }

    /// `linger.ms` (alias `queue.buffering.max.ms`, 5 ms): how long a partition's open batch
    /// waits for more messages before it is sent. Longer means fuller batches (fewer requests,
    /// better compression) at the cost of latency; a batch that fills up goes at once. `flush()`
    /// cuts it short.
    public var linger: Duration {
        get { .milliseconds(lingerMs) }
        set { lingerMs = newValue.wholeMilliseconds }
    }
    var lingerMs = 5
    /// `batch.size` (1,000,000): bytes of records in one partition's batch; a batch that
    /// reaches it is sent without waiting for `linger.ms`.
    public var batchBytes = 1_000_000
    /// `batch.num.messages` (10,000): messages in one partition's batch; a batch that reaches
    /// it is sent without waiting for `linger.ms`.
    public var batchMessages = 10_000
    /// `queue.buffering.max.messages` (100,000): messages the whole producer holds until their
    /// delivery reports are out. Past it `send` answers ``SendStatus/queueFull``: the back-pressure
    /// that keeps a fast sender from outrunning the brokers.
    public var maxBufferedMessages = 100_000
    /// `queue.buffering.max.kbytes` (1,048,576, that is 1 GiB): key and value bytes the whole
    /// producer holds, in KiB; the same back-pressure as ``maxBufferedMessages``.
    public var maxBufferedKilobytes = 1_048_576
    /// `compression.codec` (alias `compression.type`, `none`): the codec of every batch: `gzip`,
    /// `snappy`, `lz4` or `zstd`. Batches are compressed on worker threads, in parallel across
    /// partitions, off the sending thread.
    public var compression: CompressionCodec = .none
    /// `compression.level` (-1): the codec's level, higher for smaller batches at more CPU:
    /// gzip 0-12, lz4 0-12, zstd 0-22; snappy has none. -1 is the codec's default (gzip 6,
    /// lz4 0, zstd 3).
    public var compressionLevel = -1
    /// `acks` (alias `request.required.acks`, `all`): see ``Acks``.
    public var acks: Acks = .all
    /// `enable.idempotence` (off, as in librdkafka; the Java client turns it on): the broker
    /// numbers each partition's batches by producer id and sequence, so a retry never writes a
    /// message twice and order holds with several requests in flight. Needs `acks=all` and at
    /// most 5 requests in flight; ``KafkaProducer`` refuses other settings. A broker that loses
    /// its producer state is recovered from (see ``ProducerMetrics/Partition/repairedMessages``).
    public var idempotence = false
    /// `max.in.flight.requests.per.connection` (alias `max.in.flight`, 5, the Java client's;
    /// librdkafka's is 1,000,000): produce requests one connection keeps unanswered. Without
    /// idempotence each partition still has one batch in flight at a time, so a retry cannot
    /// reorder it.
    public var maxInFlightPerConnection = 5
    /// `produce.connections.per.broker` (ours, 4; 1 to 16): produce connections to each broker, the partitions a
    /// broker leads spread over them (each partition always on the same one, so order holds).
    /// Brokers handle one connection's requests one after another (Kafka mutes a connection
    /// until it answered; Tansu writes a connection's batches in turn): a second connection
    /// lets the broker write two requests at once. librdkafka and the Java client use one.
    public var connectionsPerBroker = 4
    /// `retries` (alias `message.send.max.retries`, 2,147,483,647): how often a batch is sent
    /// again after a retriable error. `delivery.timeout.ms` is the bound that matters in practice.
    public var retries = Int(Int32.max)
    /// `retry.backoff.ms` (100 ms): the first wait before a batch that failed with a retriable
    /// error is sent again; each further retry doubles it, up to ``retryBackoffMax``. Shared
    /// with the consumer's ``KafkaConsumerConfiguration/retryBackoff`` when set by name.
    public var retryBackoff: Duration {
        get { .milliseconds(retryBackoffMs) }
        set { retryBackoffMs = newValue.wholeMilliseconds }
    }
    var retryBackoffMs = 100
    /// `retry.backoff.max.ms` (1 s): the longest wait between two retries of a batch.
    public var retryBackoffMax: Duration {
        get { .milliseconds(retryBackoffMaxMs) }
        set { retryBackoffMaxMs = newValue.wholeMilliseconds }
    }
    var retryBackoffMaxMs = 1_000
    /// `delivery.timeout.ms` (alias `message.timeout.ms`, 5 min): the most time a message may
    /// spend from `send` to its acknowledgement, retries included; past it, it fails with
    /// ``KafkaError/Code-swift.struct/deliveryTimedOut``. This bounds `flush()` and `close()` too.
    public var deliveryTimeout: Duration {
        get { .milliseconds(deliveryTimeoutMs) }
        set { deliveryTimeoutMs = newValue.wholeMilliseconds }
    }
    package var deliveryTimeoutMs = 300_000
    /// `message.max.bytes` (1,000,000): the largest record batch the producer builds, in bytes.
    /// A message that cannot fit in one is refused at `send` (``SendStatus/rejected(_:)``, MESSAGE_TOO_LARGE)
    /// instead of being sent for the broker to refuse. Keep it at or below the topic's `max.message.bytes`.
    public var maxMessageBytes = 1_000_000
    /// `partitioner` (`murmur2_random`): see ``Partitioner``.
    public var partitioner: Partitioner = .murmur2Random
    /// `topic.auto.create` (alias `allow.auto.create.topics`, off): create a topic the producer
    /// sends to and the cluster does not have, with the broker's default partitions and
    /// replication. Off, such messages fail with ``KafkaError/Code-swift.struct/unknownTopic``.
    public var autoCreateTopics = false
    /// `statistics.interval.ms` (0, off): how often ``KafkaProducer/statistics()`` yields a
    /// statistics document in librdkafka's JSON layout; nil (or 0 by name) turns them off.
    public var statisticsInterval: Duration? {
        get { statisticsIntervalMs > 0 ? .milliseconds(statisticsIntervalMs) : nil }
        set { statisticsIntervalMs = newValue?.wholeMilliseconds ?? 0 }
    }
    var statisticsIntervalMs = 0

    /// Every property at its default.
    public init() {}

    /// Sets one producer property; throws for a name no part of the client knows.
    mutating func set(_ name: String, _ value: String) throws(KafkaError) {
        switch name {
        case "linger.ms", "queue.buffering.max.ms":
            lingerMs = try KafkaConfiguration.integer(name, value, in: 0...900_000)
        case "batch.size":
            batchBytes = try KafkaConfiguration.integer(name, value, in: 1...2_147_483_647)
        case "batch.num.messages":
            batchMessages = try KafkaConfiguration.integer(name, value, in: 1...1_000_000)
        case "queue.buffering.max.messages":
            maxBufferedMessages = try KafkaConfiguration.integer(name, value, in: 1...2_147_483_647)
        case "queue.buffering.max.kbytes":
            maxBufferedKilobytes = try KafkaConfiguration.integer(name, value, in: 1...2_147_483_647)
        case "compression.codec", "compression.type":
            guard let codec = CompressionCodec(name: value) else {
                throw .invalidConfiguration("\(name)=\(value): expected none, gzip, snappy, lz4 or zstd")
            }
            compression = codec
        case "compression.level":
            compressionLevel = try KafkaConfiguration.integer(name, value, in: -1...22)
        case "acks", "request.required.acks":
            switch value {
            case "0": acks = .none
            case "1": acks = .leader
            case "all", "-1": acks = .all
            default: throw .invalidConfiguration("\(name)=\(value): expected 0, 1 or all")
            }
        case "enable.idempotence":
            idempotence = try Self.boolean(name, value)
        case "max.in.flight.requests.per.connection", "max.in.flight":
            maxInFlightPerConnection = try KafkaConfiguration.integer(name, value, in: 1...1_000_000)
        case "produce.connections.per.broker":
            connectionsPerBroker = try KafkaConfiguration.integer(name, value, in: 1...16)
        case "retries", "message.send.max.retries":
            retries = try KafkaConfiguration.integer(name, value, in: 0...Int(Int32.max))
        case "retry.backoff.ms":
            retryBackoffMs = try KafkaConfiguration.integer(name, value, in: 1...300_000)
        case "retry.backoff.max.ms":
            retryBackoffMaxMs = try KafkaConfiguration.integer(name, value, in: 1...300_000)
        case "delivery.timeout.ms", "message.timeout.ms":
            deliveryTimeoutMs = try KafkaConfiguration.integer(name, value, in: 1...2_147_483_647)
        case "message.max.bytes":
            maxMessageBytes = try KafkaConfiguration.integer(name, value, in: 1_000...1_000_000_000)
        case "partitioner":
            guard let kind = Partitioner(rawValue: value) else {
                throw .invalidConfiguration("\(name)=\(value): expected one of \(Partitioner.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            partitioner = kind
        case "topic.auto.create", "allow.auto.create.topics":
            autoCreateTopics = try Self.boolean(name, value)
        case "statistics.interval.ms":
            statisticsIntervalMs = try KafkaConfiguration.integer(name, value, in: 0...86_400_000)
        default:
            let hint = KafkaConfiguration.closestPropertyName(to: name).map { ": did you mean '\($0)'?" } ?? ""
            throw .invalidConfiguration("unknown property '\(name)'\(hint)")
        }
    }

    /// The settings idempotence implies (as librdkafka enforces them).
    func validated() throws(KafkaError) -> KafkaProducerConfiguration {
        guard idempotence else { return self }
        guard acks == .all else { throw .invalidConfiguration("enable.idempotence=true requires acks=all") }
        guard maxInFlightPerConnection <= 5 else {
            throw .invalidConfiguration("enable.idempotence=true requires max.in.flight.requests.per.connection <= 5")
        }
        return self
    }

    static func boolean(_ name: String, _ value: String) throws(KafkaError) -> Bool {
        switch value.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw .invalidConfiguration("\(name)=\(value): expected true or false")
        }
    }
}
