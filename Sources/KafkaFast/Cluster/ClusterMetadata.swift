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

    /// The answer's brokers and topics, checked (see `AnswerCheck`): broker ids unique, ports and
    /// hosts dialable; each topic named once, its partitions exactly 0..<count, ids and epochs
    /// not negative; a leader the answer does not list becomes -1 (no leader). A topic without a
    /// name (Metadata v12+ by id) is left out.
    /// With `requested`, the answer must name exactly those topics (Kafka answers an unknown
    /// one with UNKNOWN_TOPIC_OR_PARTITION): a topic left out would look deleted, one not asked
    /// for would be another topic's data.
    package init(validating response: MetadataResponse, check: AnswerCheck, requested: [String]? = nil) throws(KafkaError) {
        var brokers: [Int32: BrokerInfo] = [:]
        for (index, broker) in response.brokers.enumerated() {
            let id = try check.nodeId(broker.nodeId, "brokers[\(index)].nodeId")
            guard brokers[id] == nil else { throw check.violation("brokers[\(index)].nodeId", "repeats broker \(id)") }
            brokers[id] = BrokerInfo(
                id: id, host: try check.host(broker.host, "host of broker \(id)"),
                port: try check.port(broker.port, "port of broker \(id)"), rack: broker.rack)
        }
        var topics: [String: TopicMetadata] = [:]
        for topic in response.topics {
            guard let name = topic.name else { continue }
            guard topics[name] == nil else { throw check.violation("topic '\(name)'", "is listed twice") }
            topics[name] = TopicMetadata(
                name: name, topicId: topic.topicId, isInternal: topic.isInternal || name.hasPrefix("__"),
                error: KafkaErrorCode(rawValue: topic.errorCode),
                partitions: try Self.partitions(of: topic, named: name, brokers: brokers, check: check))
        }
        if let requested {
            let asked = Set(requested)
            if let missing = requested.first(where: { topics[$0] == nil }) { throw check.violation("topic '\(missing)'", "is not answered") }
            if let extra = topics.keys.sorted().first(where: { !asked.contains($0) }) {
                throw check.violation("topic '\(extra)'", "was not asked for")
            }
        }
        guard response.controllerId >= -1 else { throw check.violation("controllerId", "is \(response.controllerId)") }
        self.init(
            clusterId: response.clusterId, controllerId: response.controllerId >= 0 ? response.controllerId : nil,
            brokers: brokers, topics: topics)
    }

    /// A topic's partitions sorted by id, which must be exactly 0..<count: the producer and the
    /// consumers index their per-partition state by id.
    private static func partitions(
        of topic: MetadataResponse.MetadataResponseTopic, named name: String, brokers: [Int32: BrokerInfo], check: AnswerCheck
    ) throws(KafkaError) -> [PartitionMetadata] {
        var byId = [PartitionMetadata?](repeating: nil, count: topic.partitions.count)
        for partition in topic.partitions {
            let field = "partition \(partition.partitionIndex) of topic '\(name)'"
            let id = Int(try check.partitionId(partition.partitionIndex, field))
            guard id < byId.count else {
                throw check.violation(field, "is outside the \(byId.count) partitions listed")
            }
            guard byId[id] == nil else { throw check.violation(field, "is listed twice") }
            let error = KafkaErrorCode(rawValue: partition.errorCode)
            var leader = partition.leaderId
            if leader != -1 { _ = try check.nodeId(leader, "leader of \(field)") }
            // A leader the answer does not list cannot be dialled: as good as none, as Kafka
            // says with LEADER_NOT_AVAILABLE. (librdkafka's mock cluster leaves a stopped broker
            // out of the list but still names it leader.)
            if error == .leaderNotAvailable || error == .listenerNotFound || brokers[leader] == nil { leader = -1 }
            for (list, ids) in [("replicas", partition.replicaNodes), ("isr", partition.isrNodes), ("offlineReplicas", partition.offlineReplicas)] {
                for replica in ids { _ = try check.nodeId(replica, "\(list) of \(field)") }
            }
            byId[id] = PartitionMetadata(
                id: Int32(id), leader: leader, leaderEpoch: try check.epoch(partition.leaderEpoch, "leaderEpoch of \(field)"),
                replicas: partition.replicaNodes, isr: partition.isrNodes, offlineReplicas: partition.offlineReplicas,
                error: error)
        }
        // Every slot is filled: count ids, each below count, none twice.
        return byId.map { $0! }
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
        if partitions.indices.contains(Int(id)), partitions[Int(id)].id == id { return partitions[Int(id)] }
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
