import KafkaProtocol
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A connection to a cluster: its brokers' connections and the cluster metadata, and the admin
/// calls (topics, partitions, offsets, groups, configs).
///
/// ``KafkaProducer`` and ``KafkaPartitionConsumer`` can share one (``KafkaProducer/init(client:)``),
/// so an application dials each broker once for all of them. Thread-safe: call it from any task.
/// Connections are made on first use, each one secured and logged in as the configuration says,
/// and made again after a failure. Close it when done: its connections and timers live until then.
///
///     let client = try KafkaClient(bootstrap: "localhost:9092")
///     try await client.createTopic("orders", partitions: 8)
///     let marks = try await client.watermarks(topic: "orders")
///     client.close()
public final class KafkaClient: Sendable {
    /// The configuration the client was made with.
    public let config: KafkaConfiguration
    let pool: BrokerPool
    package let metadataCache: MetadataCache
    let group: any EventLoopGroup

    /// A client for `config`, its connections on `group`'s event loops (by default SwiftNIO's
    /// shared singleton, which a server built on SwiftNIO already runs). Nothing is dialled yet.
    ///
    /// Throws ``KafkaError/Code-swift.struct/invalidConfiguration`` for an empty bootstrap list
    /// or TLS settings that cannot be loaded (a missing CA file, a key that does not decrypt).
    public init(config: KafkaConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws(KafkaError) {
        guard !config.bootstrapServers.isEmpty else {
            throw .invalidConfiguration("bootstrap.servers is empty: give at least one broker as host:port")
        }
        self.config = config
        self.group = group
        self.pool = BrokerPool(config: config, security: try ConnectionSecurity(config: config), group: group)
        self.metadataCache = MetadataCache(bootstrap: config.bootstrapServers, refreshIntervalMs: config.metadataRefreshIntervalMs)
    }

    /// A client for `bootstrap` ("host:port[,host:port]") with default settings: plaintext,
    /// no login. Throws for an address that cannot be parsed.
    public convenience init(bootstrap: String) throws(KafkaError) {
        var config = KafkaConfiguration()
        config.bootstrapServers = try BrokerAddress.parseList(bootstrap)
        try self.init(config: config)
    }

    /// Cluster metadata for `topics` (nil: every topic), from the cache unless `refresh` or
    /// a named topic is missing from it.
    ///
    /// A topic the cluster does not have is in the answer with the error
    /// `UNKNOWN_TOPIC_OR_PARTITION`, not thrown. Throws when no broker answers.
    public func metadata(topics: [String]? = nil, refresh: Bool = false) async throws(KafkaError) -> ClusterMetadata {
        if !refresh, let cached = metadataCache.current, topics.map({ $0.allSatisfy { cached.topics[$0] != nil } }) ?? false {
            return cached
        }
        return try await metadataCache.refresh(topics: topics, using: self)
    }

    /// The connection to broker `nodeId`, dialled if needed.
    package func connection(
        toNode nodeId: Int32, purpose: ConnectionPurpose = .general, on eventLoop: (any EventLoop)? = nil
    ) async throws(KafkaError) -> BrokerConnection {
        var broker = metadataCache.current?.brokers[nodeId]
        if broker == nil {
            broker = try await metadata(refresh: true).brokers[nodeId]
        }
        guard let broker else { throw .noBrokerAvailable("broker \(nodeId) is not in the cluster metadata") }
        return try await pool.connection(to: broker.address, purpose: purpose, on: eventLoop)
    }

    /// A connection to any reachable broker: known brokers first, then the bootstrap list.
    package func anyConnection() async throws(KafkaError) -> BrokerConnection {
        let known = metadataCache.current?.sortedBrokers.map(\.address) ?? []
        var failures: [String] = []
        for address in known + config.bootstrapServers.filter({ !known.contains($0) }) {
            do {
                return try await pool.connection(to: address)
            } catch let error where error.code == .clientClosed {
                throw .clientClosed
            } catch where error.isSecurityFailure {
                // Credentials and certificates are the client's: every broker gives the same answer.
                throw error
            } catch {
                failures.append(error.description)
            }
        }
        throw .noBrokerAvailable(failures.joined(separator: "; "))
    }

    /// Per-connection counters for the brokers currently connected: traffic, requests in
    /// flight, round trips. ``brokerStatistics()`` adds them up per broker, across reconnects.
    public func connectionStats() -> [(broker: BrokerAddress, purpose: ConnectionPurpose, stats: ConnectionStats.Snapshot)] {
        pool.activeConnections().map { ($0.address, $0.purpose, $0.connection.stats.snapshot()) }
    }

    /// Closes every connection; later calls fail with ``KafkaError/Code-swift.struct/clientClosed``.
    /// Requests still waiting fail the same way. Producers and consumers sharing the client
    /// stop working: close them first.
    public func close() {
        metadataCache.close()
        pool.close()
    }
}
