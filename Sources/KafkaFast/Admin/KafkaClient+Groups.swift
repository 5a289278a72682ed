import KafkaProtocol
import NIOCore

/// One group as ListGroups reports it.
public struct GroupListing: Sendable, Equatable {
    /// The group's id.
    public var groupId: String
    /// `consumer` for consumer groups; Kafka Connect and others use groups too, with their own.
    public var protocolType: String
    /// Empty when the broker's ListGroups version does not report states (v0-3).
    public var state: String
    /// The broker that listed the group: each broker lists the groups it coordinates.
    public var coordinator: GroupCoordinatorAddress?
}

/// One member of a described group.
public struct GroupMemberDescription: Sendable, Equatable {
    /// The id the coordinator gave the member.
    public var memberId: String
    /// Its `group.instance.id`, for a static member.
    public var groupInstanceId: String?
    /// The member's `client.id`.
    public var clientId: String
    /// The address the member connected from, as the broker saw it.
    public var clientHost: String
    /// Decoded from the member's assignment bytes for consumer groups; empty otherwise.
    public var assignment: PartitionsByTopic
    /// Topics of the member's subscription, when its metadata is readable.
    public var subscribedTopics: [String]
}

/// A group as DescribeGroups reports it.
public struct GroupDescription: Sendable, Equatable {
    /// The group's id.
    public var groupId: String
    /// Kafka's states: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead (a group
    /// the coordinator does not know), or whatever else a broker says.
    public var state: String
    /// `consumer` for consumer groups; empty for a group without members.
    public var protocolType: String
    /// The assignor chosen for consumer groups.
    public var protocolName: String
    /// The members of the current generation.
    public var members: [GroupMemberDescription]
    /// The broker that coordinates the group (and answered).
    public var coordinator: GroupCoordinatorAddress
}

/// A partition's committed offset and lag for one group.
public struct GroupPartitionOffset: Sendable, Equatable {
    /// The partition.
    public var partition: Int32
    /// The partition's low watermark (oldest offset held).
    public var low: Int64
    /// The partition's high watermark (the offset after the last message).
    public var high: Int64
    /// Nil when the group has committed nothing for the partition.
    public var committed: Int64?
    /// high watermark − committed; nil when nothing is committed.
    public var lag: Int64? { committed.map { max(high.clampedDifference($0), 0) } }
}

extension KafkaClient {
    /// Every group on the cluster: ListGroups to each broker (each lists the groups it
    /// coordinates), merged and sorted by id.
    public func listGroups() async throws(KafkaError) -> [GroupListing] {
        let metadata = try await metadata(refresh: true)
        var byId: [String: GroupListing] = [:]
        var lastError: KafkaError?
        for broker in metadata.sortedBrokers {
            do throws(KafkaError) {
                let connection = try await pool.connection(to: broker.address)
                let response = try await connection.send(ListGroupsRequest(statesFilter: [], typesFilter: []))
                guard response.errorCode == 0 else {
                    throw KafkaError.broker(code: KafkaErrorCode(rawValue: response.errorCode), context: "ListGroups on broker \(broker.address)", message: nil)
                }
                for group in response.groups where !group.groupId.isEmpty {
                    byId[group.groupId] = GroupListing(
                        groupId: group.groupId, protocolType: group.protocolType, state: group.groupState,
                        coordinator: GroupCoordinatorAddress(nodeId: broker.id, address: broker.address))
                }
            } catch {
                lastError = error
            }
        }
        if byId.isEmpty, let lastError { throw lastError }
        return byId.values.sorted { $0.groupId < $1.groupId }
    }

    /// DescribeGroups for one group at its coordinator, members' assignments decoded.
    public func describeGroup(_ group: String) async throws(KafkaError) -> GroupDescription {
        let coordinator = try await findGroupCoordinator(group)
        guard let (_, result) = try await describeGroups([group], at: coordinator).first else {
            throw .unknownGroup(group)
        }
        return try result.get()
    }

    /// DescribeGroups for several groups that `coordinator` coordinates, in one request; each
    /// group's own error (not found, still loading) stays with that group.
    func describeGroups(
        _ groups: [String], at coordinator: GroupCoordinatorAddress
    ) async throws(KafkaError) -> [(group: String, result: Result<GroupDescription, KafkaError>)] {
        let connection = try await groupConnection(coordinator)
        let response = try await connection.send(DescribeGroupsRequest(groups: groups, includeAuthorizedOperations: false))
        let byId = Dictionary(response.groups.map { ($0.groupId, $0) }, uniquingKeysWith: { first, _ in first })
        return try groups.map { (group) throws(KafkaError) in
            // A broker that echoes no id for a single group still answers for it.
            guard let described = byId[group] ?? (groups.count == 1 ? response.groups.first : nil) else {
                throw .protocolViolation(broker: connection.address.description, detail: "DescribeGroups response lacks group '\(group)'")
            }
            let code = KafkaErrorCode(rawValue: described.errorCode)
            if code == .groupIdNotFound { return (group, .failure(.unknownGroup(group))) }
            guard code == .none else {
                return (group, .failure(.broker(code: code, context: "cannot describe group '\(group)'", message: nil)))
            }
            return (group, .success(Self.groupDescription(group, described, coordinator: coordinator)))
        }
    }

    private static func groupDescription(
        _ group: String, _ described: DescribeGroupsResponse.DescribedGroup, coordinator: GroupCoordinatorAddress
    ) -> GroupDescription {
        let isConsumer = described.protocolType == ConsumerProtocol.protocolType || described.protocolType.isEmpty
        // Assignments and subscriptions are the members' own bytes: unreadable ones are shown empty.
        let members = described.members.map { member in
            GroupMemberDescription(
                memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
                clientHost: member.clientHost,
                assignment: isConsumer ? ((try? ConsumerProtocol.decodeAssignment(member.memberAssignment))?.partitions ?? [:]) : [:],
                subscribedTopics: isConsumer && member.memberMetadata.readableBytes > 0
                    ? ((try? ConsumerProtocol.decodeSubscription(member.memberMetadata))?.topics ?? []) : [])
        }
        return GroupDescription(
            groupId: group, state: described.groupState, protocolType: described.protocolType,
            protocolName: described.protocolData, members: members.sorted { $0.memberId < $1.memberId }, coordinator: coordinator)
    }

    /// The group's committed offset and lag for every partition of `topic`.
    public func groupOffsets(group: String, topic: String) async throws(KafkaError) -> [GroupPartitionOffset] {
        let marks = try await watermarks(topic: topic)
        let committed = try await committedOffsets(group: group, partitions: [topic: marks.map(\.partition)])[topic] ?? [:]
        return marks.map { GroupPartitionOffset(partition: $0.partition, low: $0.low, high: $0.high, committed: committed[$0.partition]) }
    }

    /// Whether the cluster knows `group`: it has members, is listed, or has committed offsets.
    /// Brokers answer DescribeGroups for any id (Kafka says "Dead", Tansu an empty group), so
    /// the description alone cannot tell.
    public func groupExists(_ description: GroupDescription) async throws(KafkaError) -> Bool {
        if !description.members.isEmpty { return true }
        if description.state == "Dead" { return false }
        if try await listGroups().contains(where: { $0.groupId == description.groupId }) { return true }
        return !(try await committedOffsets(group: description.groupId, partitions: nil)).isEmpty
    }
}
