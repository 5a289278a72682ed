import Logging

/// Client configuration, set with librdkafka's property names (`-X name=value` in the CLI).
/// An unknown name or a malformed value is an error that names the property.
public struct KafkaConfiguration: Sendable {
    /// Where the client says what it does: connections up and down, retries with their reason,
    /// leader moves, metadata refreshes, rebalances, recovery. Nothing above `.debug` comes from
    /// the per-message path. Default: a logger that discards everything.
    public var logger = Logger(label: "kafka-fast", factory: { _ in SwiftLogNoOpLogHandler() })
    /// `debug`: librdkafka's debug contexts (`broker,topic,msg,protocol,cgrp,security,fetch,all`, ...).
    /// The CLI turns a non-empty set into debug-level logging on stderr.
    public var debugContexts: Set<String> = []
    public var bootstrapServers: [BrokerAddress] = []
    public var clientId = "kafka-fast"
    /// `socket.connection.setup.timeout.ms` (10 s): how long dialing a broker, the TLS handshake included, may take.
    public var connectTimeout: Duration {
        get { .milliseconds(connectTimeoutMs) }
        set { connectTimeoutMs = newValue.wholeMilliseconds }
    }
    var connectTimeoutMs = 10_000
    /// `request.timeout.ms` (30 s): how long a broker may take to answer one request.
    public var requestTimeout: Duration {
        get { .milliseconds(requestTimeoutMs) }
        set { requestTimeoutMs = newValue.wholeMilliseconds }
    }
    var requestTimeoutMs = 30_000
    /// `receive.message.max.bytes`: the largest response frame accepted.
    public var maxResponseBytes = 100_000_000
    /// `topic.metadata.refresh.interval.ms` (5 min): the background metadata refresh period.
    public var metadataRefreshInterval: Duration {
        get { .milliseconds(metadataRefreshIntervalMs) }
        set { metadataRefreshIntervalMs = newValue.wholeMilliseconds }
    }
    var metadataRefreshIntervalMs = 300_000
    /// `api.version.max`: per-API ceilings such as `Produce=7,Metadata=9` (e.g. for old decoders).
    public var apiVersionMax: [Int16: Int16] = [:]
    /// The producer's settings (`linger.ms`, `acks`, `compression.codec`, ...).
    public var producer = KafkaProducerConfiguration()
    /// The consumer's settings (`fetch.max.bytes`, `auto.offset.reset`, `group.id`, ...).
    public var consumer = KafkaConsumerConfiguration()
    /// TLS and SASL (`security.protocol`, `ssl.*`, `sasl.*`).
    public var security = KafkaSecurityConfiguration()

    public init() {}

    public init(_ properties: [String: String]) throws(KafkaError) {
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) { try set(name, value) }
    }

    /// Sets one property by its librdkafka name.
    public mutating func set(_ name: String, _ value: String) throws(KafkaError) {
        switch name {
        case "bootstrap.servers", "metadata.broker.list":
            bootstrapServers = try BrokerAddress.parseList(value)
        case "client.id":
            clientId = value
        case "socket.connection.setup.timeout.ms":
            connectTimeoutMs = try Self.integer(name, value, in: 1...3_600_000)
        case "request.timeout.ms", "socket.timeout.ms":
            requestTimeoutMs = try Self.integer(name, value, in: 1...3_600_000)
        case "receive.message.max.bytes":
            maxResponseBytes = try Self.integer(name, value, in: 1_000...2_147_483_647)
        case "topic.metadata.refresh.interval.ms":
            metadataRefreshIntervalMs = try Self.integer(name, value, in: 1_000...3_600_000)
        case "api.version.max":
            apiVersionMax = try Self.apiVersionCeilings(value)
        case "debug":
            debugContexts = try Self.debugContexts(value)
        case "retry.backoff.ms", "retry.backoff.max.ms":
            // Shared by producer and consumer, as in librdkafka.
            try producer.set(name, value)
            _ = try consumer.set(name, value)
        default:
            if try security.set(name, value) { return }
            if try consumer.set(name, value) { return }
            try producer.set(name, value)
        }
    }

    static func integer(_ name: String, _ value: String, in range: ClosedRange<Int>) throws(KafkaError) -> Int {
        guard let number = Int(value.trimmingWhitespace()), range.contains(number) else {
            throw .invalidConfiguration("\(name)=\(value): expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// librdkafka's `debug` context names.
    static let knownDebugContexts: Set<String> = [
        "generic", "broker", "topic", "metadata", "feature", "queue", "msg", "protocol", "cgrp", "security",
        "fetch", "interceptor", "plugin", "consumer", "admin", "eos", "mock", "assignor", "conf", "telemetry", "all",
    ]

    static func debugContexts(_ value: String) throws(KafkaError) -> Set<String> {
        var contexts: Set<String> = []
        for part in value.split(separator: ",") {
            let name = String(part.trimmingWhitespace())
            guard knownDebugContexts.contains(name) else {
                throw .invalidConfiguration(
                    "debug=\(value): unknown context '\(name)' (known: \(knownDebugContexts.sorted().joined(separator: ",")))")
            }
            contexts.insert(name)
        }
        return contexts
    }

    static func apiVersionCeilings(_ value: String) throws(KafkaError) -> [Int16: Int16] {
        var result: [Int16: Int16] = [:]
        for entry in value.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { String($0.trimmingWhitespace()) }
            guard parts.count == 2, let version = Int16(parts[1]), version >= 0,
                  let key = (0...80).first(where: { KafkaAPI.name(of: Int16($0)) == parts[0] }) ?? Int(parts[0])
            else {
                throw .invalidConfiguration("api.version.max=\(value): expected entries like Produce=7,Metadata=9")
            }
            result[Int16(key)] = version
        }
        return result
    }
}
