import KafkaProtocol
import NIOCore

/// Partitions by topic, the shape every part of the group protocol speaks in
/// (subscriptions' owned partitions, assignments, commits).
public typealias PartitionsByTopic = [String: [Int32]]

/// The "consumer" embedded protocol of the classic group protocol: what a member puts in
/// JoinGroup's metadata (its subscription) and what the leader hands each member in
/// SyncGroup (its assignment). Both are an int16 version followed by the versioned struct,
/// exactly as Java's `ConsumerProtocol` and librdkafka write them, so a group can mix clients.
public enum ConsumerProtocol {
    /// JoinGroup's `protocolType` for consumers.
    public static let protocolType = "consumer"

    /// Version 1 (with owned partitions). The eager assignors revoke everything before they
    /// rejoin, so owned partitions are always empty and the metadata stays byte-identical
    /// across rejoins — Tansu bumps the generation whenever a member's metadata changes.
    public static let subscriptionVersion: Int16 = 1
    /// Version 1 of the assignment, the one Java and librdkafka write.
    public static let assignmentVersion: Int16 = 1

    /// What a member asks for in JoinGroup: its topics, for the leader's assignor to read.
    public struct Subscription: Sendable, Equatable {
        /// The topics the member subscribes to.
        public var topics: [String]
        /// The partitions the member holds now (cooperative assignors read it; ours send none).
        public var ownedPartitions: PartitionsByTopic
        /// Assignor-specific bytes, passed through as they are.
        public var userData: ByteBuffer?

        /// A subscription to `topics`.
        public init(topics: [String], ownedPartitions: PartitionsByTopic = [:], userData: ByteBuffer? = nil) {
            self.topics = topics
            self.ownedPartitions = ownedPartitions
            self.userData = userData
        }
    }

    /// What the leader hands a member in SyncGroup: the partitions it is to consume.
    public struct Assignment: Sendable, Equatable {
        /// The partitions assigned, by topic.
        public var partitions: PartitionsByTopic
        /// Assignor-specific bytes, passed through as they are.
        public var userData: ByteBuffer?

        /// An assignment of `partitions`.
        public init(partitions: PartitionsByTopic, userData: ByteBuffer? = nil) {
            self.partitions = partitions
            self.userData = userData
        }

        /// Every assigned partition, sorted by topic then partition.
        public var sortedPairs: [(topic: String, partition: Int32)] {
            partitions.keys.sorted().flatMap { topic in partitions[topic]!.sorted().map { (topic, $0) } }
        }
    }

    package static func encode(_ subscription: Subscription, version: Int16 = subscriptionVersion) -> ByteBuffer {
        let message = ConsumerProtocolSubscription(
            topics: subscription.topics, userData: subscription.userData,
            ownedPartitions: sortedTopics(subscription.ownedPartitions).map { .init(topic: $0.0, partitions: $0.1) })
        return versioned(version) { buffer throws(KafkaWireError) in try message.encode(into: &buffer, version: version) }
    }

    package static func encode(_ assignment: Assignment, version: Int16 = assignmentVersion) -> ByteBuffer {
        let message = ConsumerProtocolAssignment(
            assignedPartitions: sortedTopics(assignment.partitions).map { .init(topic: $0.0, partitions: $0.1) },
            userData: assignment.userData)
        return versioned(version) { buffer throws(KafkaWireError) in try message.encode(into: &buffer, version: version) }
    }

    /// Decodes a member's subscription. A version newer than we know is read with the newest
    /// layout we know, ignoring what follows (the schema's compatibility rule).
    package static func decodeSubscription(_ bytes: ByteBuffer) throws(KafkaWireError) -> Subscription {
        var buffer = bytes
        let version = try readVersion(&buffer, what: "subscription")
        let message = try ConsumerProtocolSubscription(
            from: &buffer, version: min(version, ConsumerProtocolSubscription.validVersions.upperBound))
        var owned: PartitionsByTopic = [:]
        for entry in message.ownedPartitions { owned[entry.topic, default: []] += entry.partitions }
        return Subscription(topics: message.topics, ownedPartitions: owned, userData: message.userData)
    }

    /// Decodes an assignment. Empty bytes mean "nothing assigned": brokers send that to a
    /// member the leader left out, and before the leader has synced.
    package static func decodeAssignment(_ bytes: ByteBuffer) throws(KafkaWireError) -> Assignment {
        guard bytes.readableBytes > 0 else { return Assignment(partitions: [:]) }
        var buffer = bytes
        let version = try readVersion(&buffer, what: "assignment")
        let message = try ConsumerProtocolAssignment(
            from: &buffer, version: min(version, ConsumerProtocolAssignment.validVersions.upperBound))
        var partitions: PartitionsByTopic = [:]
        var seen: Set<KafkaTopicPartition> = []
        for entry in message.assignedPartitions {
            // A member fetches exactly what it is assigned: no negative partition, none twice.
            guard !entry.topic.isEmpty else { throw .malformed("assignment names a topic without a name") }
            for partition in entry.partitions {
                guard partition >= 0 else { throw .malformed("assignment names partition \(partition) of topic '\(entry.topic)'") }
                guard seen.insert(KafkaTopicPartition(entry.topic, partition)).inserted else {
                    throw .malformed("assignment names partition \(partition) of topic '\(entry.topic)' twice")
                }
                partitions[entry.topic, default: []].append(partition)
            }
        }
        return Assignment(partitions: partitions, userData: message.userData)
    }

    private static func readVersion(_ buffer: inout ByteBuffer, what: String) throws(KafkaWireError) -> Int16 {
        guard let version = buffer.readInteger(as: Int16.self) else { throw .truncated(field: "consumer protocol \(what) version") }
        guard version >= 0 else { throw .malformed("consumer protocol \(what) version \(version)") }
        return version
    }

    private static func versioned(_ version: Int16, _ body: (inout ByteBuffer) throws(KafkaWireError) -> Void) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        buffer.writeInteger(version)
        // Only topic names longer than 32767 bytes fail to encode; Kafka caps them at 249.
        try? body(&buffer)
        return buffer
    }

    private static func sortedTopics(_ partitions: PartitionsByTopic) -> [(String, [Int32])] {
        partitions.keys.sorted().map { ($0, partitions[$0]!.sorted()) }
    }
}
