import KafkaCompression

/// The producer's part of `KafkaConfiguration`, under librdkafka's property names and defaults
/// (except `enable.idempotence`, see below).
public struct KafkaProducerConfiguration: Sendable, Equatable {
    public enum Acks: Int16, Sendable {
        case none = 0
        case leader = 1
        case all = -1
    }

    public enum Partitioner: String, Sendable, CaseIterable {
        /// Java-compatible murmur2 for keyed messages; sticky batching for null keys.
        case murmur2Random = "murmur2_random"
        /// murmur2 for every key; a null key hashes as empty (always the same partition).
        case murmur2 = "murmur2"
        /// Sticky batching for every message, keys ignored.
        case random = "random"
        case roundRobin = "roundrobin"
    }

    /// `linger.ms` (5 ms): how long a partition's open batch waits for more messages.
    public var linger: Duration {
        get { .milliseconds(lingerMs) }
        set { lingerMs = newValue.wholeMilliseconds }
    }
    var lingerMs = 5
    /// `batch.size`: bytes per partition batch before it is sent without waiting.
    public var batchBytes = 1_000_000
    /// `batch.num.messages`: messages per batch before it is sent without waiting.
    public var batchMessages = 10_000
    /// `queue.buffering.max.messages`: messages buffered in the whole producer.
    public var maxBufferedMessages = 100_000
    /// `queue.buffering.max.kbytes`: kilobytes buffered in the whole producer.
    public var maxBufferedKilobytes = 1_048_576
    public var compression: CompressionCodec = .none
    /// `compression.level`: -1 is the codec's default.
    public var compressionLevel = -1
    public var acks: Acks = .all
    /// Off by default, as in librdkafka; on, retries never duplicate a message.
    public var idempotence = false
    public var maxInFlightPerConnection = 5
    /// `produce.connections.per.broker`: produce connections to each broker, the partitions a
    /// broker leads spread over them (each partition always on the same one, so order holds).
    /// Brokers handle one connection's requests one after another (Kafka mutes a connection
    /// until it answered; Tansu writes a connection's batches in turn): a second connection
    /// lets the broker write two requests at once. librdkafka and the Java client use one.
    public var connectionsPerBroker = 4
    public var retries = Int(Int32.max)
    /// `retry.backoff.ms` (100 ms): the first wait before a failed request is sent again; it doubles.
    public var retryBackoff: Duration {
        get { .milliseconds(retryBackoffMs) }
        set { retryBackoffMs = newValue.wholeMilliseconds }
    }
    var retryBackoffMs = 100
    /// `retry.backoff.max.ms` (1 s): the longest wait between retries.
    public var retryBackoffMax: Duration {
        get { .milliseconds(retryBackoffMaxMs) }
        set { retryBackoffMaxMs = newValue.wholeMilliseconds }
    }
    var retryBackoffMaxMs = 1_000
    /// `delivery.timeout.ms` (alias `message.timeout.ms`, 5 min): a message not acknowledged by then fails.
    public var deliveryTimeout: Duration {
        get { .milliseconds(deliveryTimeoutMs) }
        set { deliveryTimeoutMs = newValue.wholeMilliseconds }
    }
    package var deliveryTimeoutMs = 300_000
    /// `message.max.bytes`: the largest single record batch the producer builds.
    public var maxMessageBytes = 1_000_000
    public var partitioner: Partitioner = .murmur2Random
    /// `topic.auto.create`: ask the broker to create unknown topics (the original library did).
    public var autoCreateTopics = false
    /// `statistics.interval.ms` (off): how often `KafkaProducer.statistics()` yields librdkafka's
    /// statistics JSON; nil turns them off.
    public var statisticsInterval: Duration? {
        get { statisticsIntervalMs > 0 ? .milliseconds(statisticsIntervalMs) : nil }
        set { statisticsIntervalMs = newValue?.wholeMilliseconds ?? 0 }
    }
    var statisticsIntervalMs = 0

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
