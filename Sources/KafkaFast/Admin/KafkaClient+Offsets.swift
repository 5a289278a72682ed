import KafkaProtocol

/// Which offset ``KafkaClient/listOffsets(topic:partitions:spec:)`` looks up.
public enum OffsetSpec: Sendable, Equatable {
    /// The log start offset (the oldest message still held).
    case earliest
    /// The high watermark (the offset the next message will get).
    case latest
    /// The first offset whose timestamp is at or after this time (ms since the epoch).
    case timestamp(Int64)

    var wireTimestamp: Int64 {
        switch self {
        case .earliest: return -2
        case .latest: return -1
        case .timestamp(let ms): return ms
        }
    }
}

/// One partition's answer to ``KafkaClient/listOffsets(topic:partitions:spec:)``.
public struct PartitionOffset: Sendable, Equatable {
    /// The partition.
    public var partition: Int32
    /// -1 when no record matches a timestamp lookup.
    public var offset: Int64
    /// The found record's timestamp (ms since the epoch) for a timestamp lookup, as the broker
    /// answers it; brokers send -1 for `earliest` and `latest`.
    public var timestamp: Int64
}

/// A partition's low and high watermark: the range of offsets it holds.
public struct PartitionWatermarks: Sendable, Equatable {
    /// The partition.
    public var partition: Int32
    /// The log start offset: the oldest message still held.
    public var low: Int64
    /// The high watermark: the offset the next message will get.
    public var high: Int64
    /// Offsets between low and high: the messages held, counting compaction gaps and transaction markers.
    public var messageCount: Int64 { max(high.clampedDifference(low), 0) }
}

extension KafkaClient {
    /// Looks up one offset per partition (all partitions when `partitions` is nil), sorted by
    /// partition: ListOffsets to each partition's leader. Retries a few times after a metadata
    /// refresh when the metadata was stale (a leader moved).
    ///
    /// Throws for an unknown topic or partition, a partition without a leader, or a broker's error.
    public func listOffsets(topic: String, partitions: [Int32]? = nil, spec: OffsetSpec) async throws(KafkaError) -> [PartitionOffset] {
        try await withMetadataRetry(topic: topic) { (topicMetadata) throws(KafkaError) in
            let wanted = partitions ?? topicMetadata.partitions.map(\.id)
            var byLeader: [Int32: [Int32]] = [:]
            for id in wanted {
                guard let partition = topicMetadata.partition(id) else { throw .unknownPartition(topic: topic, partition: id) }
                guard partition.leader >= 0 else {
                    throw .broker(code: .leaderNotAvailable, context: "ListOffsets for \(topic)/\(id)", message: nil)
                }
                byLeader[partition.leader, default: []].append(id)
            }
            var results: [PartitionOffset] = []
            for (leader, ids) in byLeader.sorted(by: { $0.key < $1.key }) {
                results += try await self.listOffsets(topic: topic, partitions: ids, spec: spec, leader: leader, epochs: topicMetadata)
            }
            return results.sorted { $0.partition < $1.partition }
        }
    }

    private func listOffsets(
        topic: String, partitions: [Int32], spec: OffsetSpec, leader: Int32, epochs: TopicMetadata
    ) async throws(KafkaError) -> [PartitionOffset] {
        let connection = try await connection(toNode: leader)
        let request = ListOffsetsRequest(
            replicaId: -1, isolationLevel: 0,
            topics: [.init(name: topic, partitions: partitions.map {
                .init(partitionIndex: $0, currentLeaderEpoch: epochs.partition($0)?.leaderEpoch ?? -1, timestamp: spec.wireTimestamp)
            })])
        let response = try await connection.send(request)
        let check = AnswerCheck(broker: connection.address.description, ListOffsetsRequest.self,
                                version: connection.version(for: ListOffsetsRequest.self) ?? 0)
        var asked = Set(partitions)
        var results: [PartitionOffset] = []
        for topicResponse in response.topics {
            for partition in topicResponse.partitions {
                let field = "partition \(partition.partitionIndex) of topic '\(topicResponse.name)'"
                // Every partition asked for, once, and nothing else: a start position waits for each.
                guard topicResponse.name == topic, asked.remove(partition.partitionIndex) != nil else {
                    throw check.violation(field, "was not asked for, or is answered twice")
                }
                let code = KafkaErrorCode(rawValue: partition.errorCode)
                guard code == .none else {
                    throw .broker(code: code, context: "ListOffsets for \(topic)/\(partition.partitionIndex)", message: nil)
                }
                results.append(PartitionOffset(
                    partition: partition.partitionIndex, offset: try check.offset(partition.offset, "offset of \(field)"),
                    timestamp: partition.timestamp))
            }
        }
        if let missing = asked.min() { throw check.violation("partition \(missing) of topic '\(topic)'", "is not answered") }
        return results
    }

    /// Low and high watermark of every partition of `topic`, sorted by partition: what
    /// `kfast offsets` shows. Throws as ``listOffsets(topic:partitions:spec:)`` does.
    public func watermarks(topic: String) async throws(KafkaError) -> [PartitionWatermarks] {
        async let earliest = listOffsets(topic: topic, spec: .earliest)
        async let latest = listOffsets(topic: topic, spec: .latest)
        let lows: [PartitionOffset]
        let highs: [PartitionOffset]
        do {
            (lows, highs) = try await (earliest, latest)
        } catch {
            throw (error as? KafkaError) ?? .noBrokerAvailable("\(error)")
        }
        let highByPartition = Dictionary(uniqueKeysWithValues: highs.map { ($0.partition, $0.offset) })
        return lows.map { PartitionWatermarks(partition: $0.partition, low: $0.offset, high: highByPartition[$0.partition] ?? $0.offset) }
    }

    /// Runs `body` with the topic's metadata; on an error that means stale metadata (a
    /// leader moved, a topic just created), refreshes and tries again a few times.
    func withMetadataRetry<T>(
        topic: String, attempts: Int = 5, _ body: (TopicMetadata) async throws(KafkaError) -> T
    ) async throws(KafkaError) -> T {
        var lastError: KafkaError = .unknownTopic(topic)
        for attempt in 0..<attempts {
            let metadata = try await metadata(topics: [topic], refresh: attempt > 0)
            guard let topicMetadata = metadata.topics[topic], topicMetadata.error != .unknownTopicOrPartition else {
                throw .unknownTopic(topic)
            }
            do throws(KafkaError) {
                if topicMetadata.error != .none {
                    throw KafkaError.broker(code: topicMetadata.error, context: "metadata for topic '\(topic)'", message: nil)
                }
                return try await body(topicMetadata)
            } catch {
                lastError = error
                guard error.isRetriable || error.needsMetadataRefresh else { throw error }
                try? await Task.sleep(nanoseconds: UInt64(50_000_000 << min(attempt, 4)))
            }
        }
        throw lastError
    }
}

extension KafkaError {
    var needsMetadataRefresh: Bool {
        if code == .brokerError, let kafkaErrorCode { return kafkaErrorCode.needsMetadataRefresh }
        return false
    }
}
