import KafkaProtocol

/// Where an offset reset moves a group's committed offsets to.
public enum OffsetResetTarget: Sendable, Equatable, CustomStringConvertible {
    /// The oldest offset still in the log (low watermark).
    case earliest
    /// The end of the log (high watermark): everything now in it counts as read.
    case latest
    /// The first offset whose timestamp is at or after this time (ms since the epoch); the end of
    /// the log where no message is that new.
    case timestamp(Int64)
    /// This offset on every partition, brought into the log's range where it lies outside.
    case offset(Int64)

    /// How the CLI and the dashboard name it.
    public var description: String {
        switch self {
        case .earliest: "earliest"
        case .latest: "latest"
        case .timestamp(let ms): "timestamp \(ms)"
        case .offset(let offset): "offset \(offset)"
        }
    }
}

/// What an offset reset would do (or did) to each partition: a dry run is just this plan.
public struct OffsetResetPlan: Sendable, Equatable {
    /// One partition's move.
    public struct Partition: Sendable, Equatable {
        /// The topic.
        public var topic: String
        /// The partition.
        public var partition: Int32
        /// The committed offset before the reset; nil when the group had committed nothing here.
        public var current: Int64?
        /// The offset the reset commits: the group's next read starts there.
        public var new: Int64
        /// The partition's low watermark when the plan was made.
        public var low: Int64
        /// The partition's high watermark when the plan was made.
        public var high: Int64
        /// True when an exact offset lay outside low...high and was brought inside.
        public var clamped: Bool

        /// One partition's move, for a plan made by hand.
        public init(topic: String, partition: Int32, current: Int64?, new: Int64, low: Int64, high: Int64, clamped: Bool) {
            self.topic = topic
            self.partition = partition
            self.current = current
            self.new = new
            self.low = low
            self.high = high
            self.clamped = clamped
        }
    }

    /// The group whose offsets move.
    public var group: String
    /// Where they move to.
    public var target: OffsetResetTarget
    /// Sorted by topic, then partition.
    public var partitions: [Partition]

    /// A plan to apply as it stands (one shown to the user and confirmed, say).
    public init(group: String, target: OffsetResetTarget, partitions: [Partition]) {
        self.group = group
        self.target = target
        self.partitions = partitions
    }
}

extension KafkaClient {
    /// Works out a reset of `group`'s committed offsets on `topics` (every partition of each; nil:
    /// every topic the group has committed offsets on) without changing anything. Throws
    /// `groupNotEmpty` while the group has members: Kafka only lets an empty group's offsets be set
    /// from outside.
    public func planOffsetReset(group: String, topics: [String]?, to target: OffsetResetTarget) async throws(KafkaError) -> OffsetResetPlan {
        try await requireEmptyGroup(group)
        let chosen: [String]
        if let topics {
            chosen = topics
        } else {
            chosen = try await committedOffsets(group: group, partitions: nil).keys.sorted()
            guard !chosen.isEmpty else {
                throw .invalidConfiguration("group '\(group)' has no committed offsets: name the topic to reset")
            }
        }
        var partitions: [OffsetResetPlan.Partition] = []
        for topic in Set(chosen).sorted() {
            partitions += try await planReset(group: group, topic: topic, to: target)
        }
        return OffsetResetPlan(group: group, target: target, partitions: partitions)
    }

    /// Commits a plan's new offsets for its group (OffsetCommit outside any generation, as Kafka's
    /// own reset tool does). Checks again that the group is empty: a consumer that joined since
    /// the plan was made would have its position moved under it.
    public func applyOffsetReset(_ plan: OffsetResetPlan) async throws(KafkaError) {
        guard !plan.partitions.isEmpty else { return }
        try await requireEmptyGroup(plan.group)
        let coordinator = try await findGroupCoordinator(plan.group)
        let connection = try await groupConnection(coordinator)
        var byTopic: [String: [OffsetResetPlan.Partition]] = [:]
        for entry in plan.partitions { byTopic[entry.topic, default: []].append(entry) }
        let request = OffsetCommitRequest(
            groupId: plan.group, generationIdOrMemberEpoch: -1, memberId: "", groupInstanceId: nil, retentionTimeMs: -1,
            topics: byTopic.keys.sorted().map { topic in
                .init(name: topic, partitions: byTopic[topic]!.map {
                    .init(partitionIndex: $0.partition, committedOffset: $0.new, committedLeaderEpoch: -1,
                          commitTimestamp: -1, committedMetadata: nil)
                })
            })
        let response = try await connection.send(request)
        var answered = Set<String>()
        for topic in response.topics {
            for partition in topic.partitions {
                answered.insert("\(topic.name)/\(partition.partitionIndex)")
                let code = KafkaErrorCode(rawValue: partition.errorCode)
                guard code == .none else {
                    throw .broker(code: code, context: "cannot reset the offsets of group '\(plan.group)' (\(topic.name)/\(partition.partitionIndex))",
                                  message: nil)
                }
            }
        }
        for entry in plan.partitions where !answered.contains("\(entry.topic)/\(entry.partition)") {
            throw .protocolViolation(
                broker: connection.address.description,
                detail: "OffsetCommit response lacks \(entry.topic)/\(entry.partition) of group '\(plan.group)'")
        }
    }

    private func requireEmptyGroup(_ group: String) async throws(KafkaError) {
        let description = try await describeGroup(group)
        guard description.members.isEmpty else {
            throw .groupNotEmpty(group: group, members: description.members.count, state: description.state)
        }
    }

    private func planReset(group: String, topic: String, to target: OffsetResetTarget) async throws(KafkaError) -> [OffsetResetPlan.Partition] {
        let marks = try await watermarks(topic: topic)
        for mark in marks where mark.low < 0 || mark.high < mark.low {
            throw .protocolViolation(
                broker: "leader of \(topic)/\(mark.partition)", detail: "watermarks low \(mark.low), high \(mark.high)")
        }
        let current = try await committedOffsets(group: group, partitions: [topic: marks.map(\.partition)])[topic] ?? [:]
        var byTime: [Int32: Int64] = [:]
        if case .timestamp(let millis) = target {
            for found in try await listOffsets(topic: topic, spec: .timestamp(millis)) { byTime[found.partition] = found.offset }
        }
        return marks.map { mark in
            var new: Int64
            switch target {
            case .earliest: new = mark.low
            case .latest: new = mark.high
            case .timestamp: new = byTime[mark.partition].flatMap { $0 >= 0 ? $0 : nil } ?? mark.high
            case .offset(let offset): new = offset
            }
            let inRange = min(max(new, mark.low), mark.high)
            let clamped = inRange != new
            new = inRange
            return OffsetResetPlan.Partition(
                topic: topic, partition: mark.partition, current: current[mark.partition], new: new, low: mark.low,
                high: mark.high, clamped: clamped)
        }
    }
}
