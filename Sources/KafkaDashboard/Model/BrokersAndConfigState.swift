/// One row of the brokers view: what the cluster's metadata says joined with what the client sees.
public struct BrokerRow: Equatable, Sendable {
    public var id: Int32?
    public var address: String
    public var activity: BrokerActivity?
    /// Partitions it leads in the latest metadata (every topic).
    public var ledPartitions: Int
}

/// The brokers view.
public struct BrokersState: Sendable {
    public var activity: [BrokerActivity] = []
    /// Partitions led, per broker id, counted once per cluster snapshot.
    public var ledPartitions: [Int32: Int] = [:]
    public var cursor = ListCursor()
    /// Cluster snapshots applied so far: the view shows it, so "within two refreshes" can be read.
    public var metadataRefreshes = 0

    public init() {}

    /// Every broker the metadata lists or the client has seen, by id (unknown ids last).
    func rows(cluster: ClusterSnapshot) -> [BrokerRow] {
        var rows: [BrokerRow] = []
        var seen = Set<String>()
        for broker in cluster.brokers {
            seen.insert(broker.address)
            rows.append(BrokerRow(
                id: broker.id, address: broker.address, activity: activity.first { $0.address == broker.address },
                ledPartitions: ledPartitions[broker.id] ?? 0))
        }
        for other in activity where !seen.contains(other.address) {
            rows.append(BrokerRow(id: other.id, address: other.address, activity: other,
                                  ledPartitions: other.id.flatMap { ledPartitions[$0] } ?? 0))
        }
        return rows.sorted { ($0.id ?? .max, $0.address) < ($1.id ?? .max, $1.address) }
    }

    mutating func countLeaders(_ cluster: ClusterSnapshot) {
        var counts: [Int32: Int] = [:]
        for topic in cluster.topics {
            for partition in topic.partitions where partition.leader >= 0 { counts[partition.leader, default: 0] += 1 }
        }
        ledPartitions = counts
        metadataRefreshes += 1
    }
}

/// The topic configuration view.
public struct ConfigState: Sendable {
    /// The topic asked about (or shown); the view asks again when the selected topic changes.
    public var topic: String?
    public var config: TopicConfig?
    /// Why the last request failed (an unsupported API, an unknown topic).
    public var error: String?
    public var loading = false
    public private(set) var filter = ""
    public private(set) var rows: [TopicConfig.Entry] = []
    public var cursor = ListCursor()

    public init() {}

    mutating func request(_ topic: String) {
        self.topic = topic
        loading = true
        error = nil
    }

    mutating func apply(_ config: TopicConfig) {
        guard config.topic == topic else { return }
        self.config = config
        loading = false
        error = nil
        rebuildRows()
    }

    mutating func fail(topic: String, _ message: String) {
        guard topic == self.topic else { return }
        config = nil
        loading = false
        error = message
        rebuildRows()
    }

    mutating func setFilter(_ text: String) {
        filter = text
        rebuildRows()
    }

    private mutating func rebuildRows() {
        let needle = filter.lowercased()
        rows = (config?.entries ?? []).filter { needle.isEmpty || $0.name.lowercased().contains(needle) }
    }
}
