import KafkaProtocol
import NIOCore

/// The coordinator of a group: the broker that owns its membership and committed offsets.
public struct GroupCoordinatorAddress: Sendable, Equatable {
    /// The coordinator's broker id.
    public var nodeId: Int32
    /// Where the coordinator listens.
    public var address: BrokerAddress
}

extension KafkaClient {
    /// FindCoordinator for a consumer group (key type 0). v4+ asks in the batched shape
    /// (`coordinatorKeys`), older versions with the single `key`; both answers are read.
    /// Retries COORDINATOR_NOT_AVAILABLE / COORDINATOR_LOAD_IN_PROGRESS / NOT_COORDINATOR a few
    /// times: a broker answers so while `__consumer_offsets` is still being created.
    public func findGroupCoordinator(_ group: String, attempts: Int = 10) async throws(KafkaError) -> GroupCoordinatorAddress {
        var lastError: KafkaError = .noBrokerAvailable("no coordinator found for group '\(group)'")
        for attempt in 0..<attempts {
            if attempt > 0 { try? await Task.sleep(nanoseconds: UInt64(100_000_000 << min(attempt - 1, 3))) }
            do throws(KafkaError) {
                return try await findGroupCoordinatorOnce(group)
            } catch {
                lastError = error
                if let code = error.kafkaErrorCode, GroupMembership.isCoordinatorError(code) { continue }
                guard error.isRetriable else { throw error }
            }
        }
        throw lastError
    }

    private func findGroupCoordinatorOnce(_ group: String) async throws(KafkaError) -> GroupCoordinatorAddress {
        let connection = try await anyConnection()
        let version = try connection.requireVersion(for: FindCoordinatorRequest.self)
        let request = version >= 4
            ? FindCoordinatorRequest(key: "", keyType: 0, coordinatorKeys: [group])
            : FindCoordinatorRequest(key: group, keyType: 0, coordinatorKeys: [])
        let response = try await connection.send(request, version: version)
        var (code, message, nodeId, host, port) = (response.errorCode, response.errorMessage, response.nodeId, response.host, response.port)
        if version >= 4 {
            guard let entry = response.coordinators.first(where: { $0.key == group }) ?? response.coordinators.first else {
                throw .protocolViolation(broker: connection.address.description, detail: "FindCoordinator response names no coordinator")
            }
            (code, message, nodeId, host, port) = (entry.errorCode, entry.errorMessage, entry.nodeId, entry.host, entry.port)
        }
        guard code == 0 else {
            throw .broker(code: KafkaErrorCode(rawValue: code), context: "cannot find the coordinator of group '\(group)'", message: message)
        }
        let check = AnswerCheck(broker: connection.address.description, FindCoordinatorRequest.self, version: version)
        return GroupCoordinatorAddress(
            nodeId: try check.nodeId(nodeId, "nodeId of the coordinator"),
            address: BrokerAddress(host: try check.host(host, "host of the coordinator"), port: try check.port(port, "port of the coordinator")))
    }

    /// The connection for group requests to `coordinator`: its own socket (purpose `.group`), so
    /// heartbeats and commits never queue behind a long-polling Fetch.
    func groupConnection(_ coordinator: GroupCoordinatorAddress) async throws(KafkaError) -> BrokerConnection {
        try await pool.connection(to: coordinator.address, purpose: .group)
    }

    /// Committed offsets of `group` (OffsetFetch to its coordinator) for `partitions`, or for
    /// every partition the group committed when nil. Partitions without a commit are absent.
    /// v8+ asks in the multi-group shape, older versions in the single-group one.
    public func committedOffsets(group: String, partitions: PartitionsByTopic?) async throws(KafkaError) -> [String: [Int32: Int64]] {
        let coordinator = try await findGroupCoordinator(group)
        return try await committedOffsets(group: group, partitions: partitions, connection: groupConnection(coordinator))
    }

    func committedOffsets(
        group: String, partitions: PartitionsByTopic?, connection: BrokerConnection
    ) async throws(KafkaError) -> [String: [Int32: Int64]] {
        let version = try connection.requireVersion(for: OffsetFetchRequest.self)
        let sortedTopics = partitions.map { byTopic in byTopic.keys.sorted().map { ($0, byTopic[$0]!.sorted()) } }
        let request: OffsetFetchRequest
        if version >= 8 {
            request = OffsetFetchRequest(groupId: "", topics: nil, groups: [.init(
                groupId: group, memberId: nil, memberEpoch: -1,
                topics: sortedTopics?.map { .init(name: $0.0, partitionIndexes: $0.1) })], requireStable: false)
        } else {
            request = OffsetFetchRequest(
                groupId: group, topics: sortedTopics?.map { .init(name: $0.0, partitionIndexes: $0.1) }, groups: [], requireStable: false)
        }
        let response = try await connection.send(request, version: version)
        let context = "cannot read the committed offsets of group '\(group)'"
        var result: [String: [Int32: Int64]] = [:]
        func take(topic: String, partition: Int32, offset: Int64, errorCode: Int16) throws(KafkaError) {
            let code = KafkaErrorCode(rawValue: errorCode)
            // UNKNOWN_TOPIC_OR_PARTITION here only means "nothing committed" on some brokers.
            guard code == .none || code == .unknownTopicOrPartition else {
                throw .broker(code: code, context: "\(context) (\(topic)/\(partition))", message: nil)
            }
            // -1: nothing committed. Anything lower is no offset.
            guard offset >= -1 else {
                throw .protocolViolation(broker: connection.address.description,
                                         detail: "OffsetFetch response: committed offset of \(topic)/\(partition) is \(offset)")
            }
            if code == .none, offset >= 0 { result[topic, default: [:]][partition] = offset }
        }
        if version >= 8 {
            guard let entry = response.groups.first(where: { $0.groupId == group }) ?? response.groups.first else {
                throw .protocolViolation(broker: connection.address.description, detail: "OffsetFetch response lacks group '\(group)'")
            }
            guard entry.errorCode == 0 else { throw .broker(code: KafkaErrorCode(rawValue: entry.errorCode), context: context, message: nil) }
            for topic in entry.topics {
                for p in topic.partitions {
                    try take(topic: topic.name, partition: p.partitionIndex, offset: p.committedOffset, errorCode: p.errorCode)
                }
            }
        } else {
            if version >= 2, response.errorCode != 0 {
                throw .broker(code: KafkaErrorCode(rawValue: response.errorCode), context: context, message: nil)
            }
            for topic in response.topics {
                for p in topic.partitions {
                    try take(topic: topic.name, partition: p.partitionIndex, offset: p.committedOffset, errorCode: p.errorCode)
                }
            }
        }
        return result
    }
}
