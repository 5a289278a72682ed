// Rows the panels draw, joined and sorted once when data or settings change rather than on every frame,
// so a frame only formats the rows that are visible.

/// One row of the topics panel.
public struct TopicRow: Equatable, Sendable {
    public var name: String
    public var isInternal: Bool
    public var partitionCount: Int
    public var messages: Int64
    public var produce: Throughput
    public var consume: Throughput
}

/// One row of the partitions panel: metadata joined with the producer's view of the partition.
public struct PartitionRow: Equatable, Sendable {
    public var partition: ClusterSnapshot.Partition
    public var stats: PartitionProducerStats?
}

enum DerivedRows {
    /// Topics matching the filter (case-insensitive substring), internal ones only when asked, by name.
    static func topicRows(
        cluster: ClusterSnapshot, producer: ProducerSnapshot, consumer: ConsumerSnapshot,
        filter: String, showInternal: Bool
    ) -> [TopicRow] {
        var produceByTopic: [String: Throughput] = [:]
        for (topicPartition, stats) in producer.partitions {
            produceByTopic[topicPartition.topic, default: .zero].messagesPerSecond += stats.throughput.messagesPerSecond
            produceByTopic[topicPartition.topic, default: .zero].bytesPerSecond += stats.throughput.bytesPerSecond
        }
        let needle = filter.lowercased()
        return cluster.topics
            .filter { (showInternal || !$0.isInternal) && (needle.isEmpty || $0.name.lowercased().contains(needle)) }
            .map { topic in
                TopicRow(
                    name: topic.name, isInternal: topic.isInternal, partitionCount: topic.partitions.count,
                    messages: topic.messageCount, produce: produceByTopic[topic.name] ?? .zero,
                    consume: consumer.topics[topic.name] ?? .zero)
            }
            .sorted { $0.name < $1.name }
    }

    static func partitionRows(
        topic: ClusterSnapshot.Topic?, producer: ProducerSnapshot, sort: PartitionSort
    ) -> [PartitionRow] {
        guard let topic else { return [] }
        var rows = topic.partitions.map { partition in
            PartitionRow(partition: partition, stats: producer.partitions[TopicPartition(topic.name, partition.id)])
        }
        let ascending = Self.ascendingOrder(sort.column)
        rows.sort { a, b in
            if let ordered = ascending(a, b) { return sort.descending ? !ordered : ordered }
            return a.partition.id < b.partition.id  // stable tie-break, whatever the direction
        }
        return rows
    }

    /// Returns nil when the two rows tie on the column.
    private static func ascendingOrder(_ column: PartitionColumn) -> (PartitionRow, PartitionRow) -> Bool? {
        func by<T: Comparable>(_ value: @escaping (PartitionRow) -> T) -> (PartitionRow, PartitionRow) -> Bool? {
            { a, b in
                let x = value(a), y = value(b)
                return x == y ? nil : x < y
            }
        }
        switch column {
        case .partition: return by { $0.partition.id }
        case .leader: return by { $0.partition.leader }
        case .low: return by { $0.partition.lowWatermark }
        case .high: return by { $0.partition.highWatermark }
        case .messages: return by { $0.partition.messageCount }
        case .bufferFill: return by { $0.stats?.bufferFill ?? -1 }
        case .inFlight: return by { $0.stats?.inFlightBatches ?? -1 }
        case .messageRate, .sparkline: return by { $0.stats?.throughput.messagesPerSecond ?? -1 }
        case .byteRate: return by { $0.stats?.throughput.bytesPerSecond ?? -1 }
        case .ackLatency: return by { $0.stats?.ackLatencyP99Millis ?? -1 }
        case .sent: return by { $0.stats?.ackedMessages ?? -1 }
        case .retries: return by { $0.stats?.retries ?? -1 }
        case .lastError: return by { $0.stats?.lastError?.atMillis ?? Int64.min }
        }
    }
}
