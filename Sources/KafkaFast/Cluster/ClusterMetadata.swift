import KafkaProtocol

/// What the cluster said about itself in its last Metadata response.
public struct ClusterMetadata: Sendable {
    public var clusterId: String?
    public var controllerId: Int32?
    public var brokers: [Int32: BrokerInfo]
    public var topics: [String: TopicMetadata]

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

public struct BrokerInfo: Sendable, Hashable {
    public var id: Int32
    public var host: String
    public var port: Int
    public var rack: String?

    public var address: BrokerAddress { BrokerAddress(host: host, port: port) }
}

public struct TopicMetadata: Sendable {
    public var name: String
    public var topicId: KafkaUUID
    public var isInternal: Bool
    public var error: KafkaErrorCode
    /// Sorted by partition id.
    public var partitions: [PartitionMetadata]

    public func partition(_ id: Int32) -> PartitionMetadata? {
        if Int(id) < partitions.count, partitions[Int(id)].id == id { return partitions[Int(id)] }
        return partitions.first { $0.id == id }
    }
}

public struct PartitionMetadata: Sendable {
    public var id: Int32
    /// -1 while the partition has no leader.
    public var leader: Int32
    public var leaderEpoch: Int32
    public var replicas: [Int32]
    public var isr: [Int32]
    public var offlineReplicas: [Int32]
    public var error: KafkaErrorCode
}
