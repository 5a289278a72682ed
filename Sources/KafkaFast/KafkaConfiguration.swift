import Logging

/// Everything a client needs to know: the brokers, timeouts, the logger, and the producer's,
/// consumer's and security settings.
///
/// Set it in Swift (typed: `Duration`s, enums) or from librdkafka's property names, as kcat
/// users and config files have them; both reach the same fields, and defaults are librdkafka's
/// unless a property's documentation says otherwise:
///
///     var config = KafkaConfiguration()
///     config.bootstrapServers = [BrokerAddress(host: "localhost", port: 9092)]
///     config.producer.linger = .milliseconds(10)
///
///     let same = try KafkaConfiguration(["bootstrap.servers": "localhost:9092", "linger.ms": "10"])
///
/// A value type: each client copies it when made, so changing it later changes nothing that
/// runs. An unknown name or a malformed value is a ``KafkaError`` that names the property.
public struct KafkaConfiguration: Sendable {
    /// Where the client says what it does: connections up and down, retries with their reason,
    /// leader moves, metadata refreshes, rebalances, recovery. Nothing above `.debug` comes from
    /// the per-message path. Default: a logger that discards everything.
    public var logger = Logger(label: "kafka-fast", factory: { _ in SwiftLogNoOpLogHandler() })
    /// `debug` (empty): librdkafka's debug contexts (`broker,topic,msg,protocol,cgrp,security,fetch,all`, ...).
    /// The library logs through ``logger`` at its level whatever this says; the CLI turns a
    /// non-empty set into debug-level logging on stderr. An unknown context is refused.
    public var debugContexts: Set<String> = []
    /// `bootstrap.servers` (alias `metadata.broker.list`): the brokers dialled first, as `host:port`
    /// (port 9092 when left out). One reachable broker is enough: the cluster's metadata names the
    /// others. No default: a client refuses an empty list.
    public var bootstrapServers: [BrokerAddress] = []
    /// `client.id` (`kafka-fast`; librdkafka's is `rdkafka`): the name brokers see in every request,
    /// which their request logs, quotas and `kafka-consumer-groups --describe` show.
    public var clientId = "kafka-fast"
    /// `socket.connection.setup.timeout.ms` (10 s; librdkafka's is 30 s): how long dialling a
    /// broker may take, the TLS handshake, API version negotiation and SASL login included.
    /// Shorter than librdkafka's so a dead bootstrap address is passed over sooner.
    public var connectTimeout: Duration {
        get { .milliseconds(connectTimeoutMs) }
        set { connectTimeoutMs = newValue.wholeMilliseconds }
    }
    var connectTimeoutMs = 10_000
    /// `request.timeout.ms` (alias `socket.timeout.ms`, 30 s): how long a broker may take to
    /// answer one request before it fails with ``KafkaError/Code-swift.struct/requestTimedOut``.
    /// A Fetch may take `fetch.wait.max.ms` longer: the broker holds it on purpose.
    public var requestTimeout: Duration {
        get { .milliseconds(requestTimeoutMs) }
        set { requestTimeoutMs = newValue.wholeMilliseconds }
    }
    var requestTimeoutMs = 30_000
    /// `receive.message.max.bytes` (100,000,000): the largest response frame accepted, in bytes.
    /// A larger size in a frame's header is taken for a corrupt stream: the connection closes
    /// instead of allocating that much.
    public var maxResponseBytes = 100_000_000
    /// `topic.metadata.refresh.interval.ms` (5 min): how old cached cluster metadata may get
    /// before it is asked for again. Errors that mean it is stale (a leader moved) refresh it at once.
    public var metadataRefreshInterval: Duration {
        get { .milliseconds(metadataRefreshIntervalMs) }
        set { metadataRefreshIntervalMs = newValue.wholeMilliseconds }
    }
    var metadataRefreshIntervalMs = 300_000
    /// `api.version.max` (ours; none): per-API version ceilings by API key, written
    /// `Produce=7,Metadata=9`, for a broker or a proxy that mis-handles a newer version the
    /// negotiation would pick.
    public var apiVersionMax: [Int16: Int16] = [:]
    /// The producer's settings (`linger.ms`, `acks`, `compression.codec`, ...).
    public var producer = KafkaProducerConfiguration()
    /// The consumer's settings (`fetch.max.bytes`, `auto.offset.reset`, `group.id`, ...).
    public var consumer = KafkaConsumerConfiguration()
    /// TLS and SASL (`security.protocol`, `ssl.*`, `sasl.*`).
    public var security = KafkaSecurityConfiguration()

    /// Every property at its default; set `bootstrapServers` (or `bootstrap.servers`) before use.
    public init() {}

    /// Reads librdkafka-named properties, as `kfast -X name=value` and kcat config files give them.
    ///
    /// Throws ``KafkaError/Code-swift.struct/invalidConfiguration`` for an unknown name (naming the
    /// known property it is closest to, when one is) or a value out of range, before any broker is
    /// contacted. Properties the client does not use at all are refused rather than ignored, so a
    /// typo never passes silently.
    public init(_ properties: [String: String]) throws(KafkaError) {
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) { try set(name, value) }
    }

    /// Sets one property by its librdkafka name, as ``init(_:)`` does for each.
    ///
    /// Throws ``KafkaError/Code-swift.struct/invalidConfiguration`` for an unknown name or a bad
    /// value; the configuration is unchanged then.
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
