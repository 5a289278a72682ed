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
        if partitions.indices.contains(Int(id)), partitions[Int(id)].id == id { return partitions[Int(id)] }
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
