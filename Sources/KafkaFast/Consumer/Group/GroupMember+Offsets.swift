import KafkaProtocol

// The offsets side of a group member: the committed offsets of a new assignment, and commits
// under the current generation.
extension GroupMember {
    /// The assignment's committed offsets; on failure finds the coordinator again and retries
    /// a few times. Nil when it cannot be read (or the member is closing).
    func fetchCommittedWithRetry(_ assignment: PartitionsByTopic) async -> OffsetsByTopic? {
        guard !assignment.isEmpty else { return [:] }
        for attempt in 0..<5 {
            if isClosing { return nil }
            if attempt > 0 {
                await pause(100 << attempt)
                if let coordinator = try? await client.findGroupCoordinator(groupId, attempts: 1) {
                    shared.withLockedValue { $0.coordinator = coordinator }
                }
            }
            if let committed = try? await client.committedOffsets(group: groupId, partitions: assignment, connection: coordinatorConnection()) {
                return committed
            }
        }
        return nil
    }

    /// OffsetCommit under the current generation. A group-level error (rebalance, fenced,
    /// coordinator moved) is handed to the loop, which rejoins or finds the coordinator again.
    /// - Parameter reportErrors: false while revoking, when the loop already knows.
    func commit(_ offsets: OffsetsByTopic, reportErrors: Bool = true) async throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        guard let generation else {
            throw .broker(code: .rebalanceInProgress, context: "cannot commit offsets of group '\(groupId)' now", message: nil)
        }
        let connection = try await coordinatorConnection()
        let request = OffsetCommitRequest(
            groupId: groupId, generationIdOrMemberEpoch: generation.id, memberId: generation.memberId,
            groupInstanceId: settings.groupInstanceId, retentionTimeMs: -1,
            topics: offsets.keys.sorted().map { topic in
                .init(name: topic, partitions: offsets[topic]!.sorted { $0.key < $1.key }.map {
                    .init(partitionIndex: $0.key, committedOffset: $0.value, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: nil)
                })
            })
        let response = try await connection.send(request)
        for topic in response.topics {
            for partition in topic.partitions where partition.errorCode != 0 {
                let code = KafkaErrorCode(rawValue: partition.errorCode)
                if reportErrors, code == .rebalanceInProgress || code == .illegalGeneration || code == .unknownMemberId
                    || GroupMembership.isCoordinatorError(code) {
                    reportMembershipError(code)
                }
                throw .broker(code: code, context: "cannot commit offsets of group '\(groupId)' (\(topic.name)/\(partition.partitionIndex))", message: nil)
            }
        }
    }
}
