import KafkaProtocol

/// What the cluster said about itself in its last Metadata response.
public struct ClusterMetadata: Sendable {
    /// The cluster's id (Metadata v2+), nil from older brokers.
    public var clusterId: String?
    /// The broker id of the controller, where topics are created and deleted; nil when none was named.
    public var controllerId: Int32?
    /// The brokers, by node id. A broker that is down may be missing (librdkafka's mock leaves it out).
    public var brokers: [Int32: BrokerInfo]
    /// The topics asked for (or all), by name; one the cluster lacks carries its error code.
    public var topics: [String: TopicMetadata]

    /// Metadata made by hand, for tests and tools that build a view of a cluster.
    public init(clusterId: String? = nil, controllerId: Int32? = nil, brokers: [Int32: BrokerInfo] = [:], topics: [String: TopicMetadata] = [:]) {
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.brokers = brokers
        self.topics = topics
    }

    init(_ response: MetadataResponse) {
        var brokers: [Int32: BrokerInfo] = [:]
        for broker in response.brokers {
            brokers[broker.nodeId] = BrokerInfo(id: broker.nodeId, host: broker.host, port: Int(broker.port), rack: broker.rack)
        }
        var topics: [String: TopicMetadata] = [:]
        for topic in response.topics {
            guard let name = topic.name else { continue }
            let partitions = topic.partitions.map { partition in
                PartitionMetadata(
                    id: partition.partitionIndex, leader: partition.leaderId, leaderEpoch: partition.leaderEpoch,
                    replicas: partition.replicaNodes, isr: partition.isrNodes, offlineReplicas: partition.offlineReplicas,
                    error: KafkaErrorCode(rawValue: partition.errorCode))
            }.sorted { $0.id < $1.id }
            topics[name] = TopicMetadata(
                name: name, topicId: topic.topicId, isInternal: topic.isInternal || name.hasPrefix("__"),
                error: KafkaErrorCode(rawValue: topic.errorCode), partitions: partitions)
        }
        self.init(
            clusterId: response.clusterId, controllerId: response.controllerId >= 0 ? response.controllerId : nil,
            brokers: brokers, topics: topics)
    }

    /// The brokers sorted by id, for display.
    public var sortedBrokers: [BrokerInfo] { brokers.values.sorted { $0.id < $1.id } }

    /// Topics sorted by name, for display.
    public var sortedTopics: [TopicMetadata] { topics.values.sorted { $0.name < $1.name } }

    /// This metadata with `other`'s brokers and `other`'s view of the topics it names.
    func merging(_ other: ClusterMetadata, replacingAllTopics: Bool) -> ClusterMetadata {
        var merged = other
        if !replacingAllTopics {
            merged.topics = topics.merging(other.topics) { _, new in new }
        }
        return merged
    }
}

/// One broker as the cluster's metadata lists it.
public struct BrokerInfo: Sendable, Hashable {
    /// The broker's node id (`node.id` / `broker.id`).
    public var id: Int32
    /// The host it advertises (its `advertised.listeners` for the listener dialled).
    public var host: String
    /// The port it advertises.
    public var port: Int
    /// Its `broker.rack`, when set.
    public var rack: String?

    /// Where to dial it.
    public var address: BrokerAddress { BrokerAddress(host: host, port: port) }
}

/// One topic as the cluster's metadata describes it.
public struct TopicMetadata: Sendable {
    /// The topic's name.
    public var name: String
    /// The topic's id (Metadata v10+); all zeros from older brokers.
    public var topicId: KafkaUUID
    /// Whether it is one of Kafka's own (`__consumer_offsets`, `__transaction_state`); names starting
    /// with `__` count too.
    public var isInternal: Bool
    /// `.none`, or why the topic is not usable (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, ...).
    public var error: KafkaErrorCode
    /// Sorted by partition id.
    public var partitions: [PartitionMetadata]

    /// Partition `id`, nil when the topic has no such partition.
    public func partition(_ id: Int32) -> PartitionMetadata? {
        if Int(id) < partitions.count, partitions[Int(id)].id == id { return partitions[Int(id)] }
        return partitions.first { $0.id == id }
    }
}

/// One partition: who leads it and which replicas follow.
public struct PartitionMetadata: Sendable {
    /// The partition's number.
    public var id: Int32
    /// -1 while the partition has no leader.
    public var leader: Int32
    /// The leader's epoch: it grows with every leader change, so a newer answer can be told from an older one.
    public var leaderEpoch: Int32
    /// The brokers holding a replica, the preferred leader first.
    public var replicas: [Int32]
    /// The in-sync replicas: the ones `acks=all` waits for.
    public var isr: [Int32]
    /// Replicas on brokers that are offline (Metadata v5+).
    public var offlineReplicas: [Int32]
    /// `.none`, or the partition's error (LEADER_NOT_AVAILABLE while a leader is elected).
    public var error: KafkaErrorCode
}
