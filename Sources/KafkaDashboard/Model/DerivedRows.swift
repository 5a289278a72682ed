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
        let rows = topic.partitions.map { partition in
            PartitionRow(partition: partition, stats: producer.partitions[TopicPartition(topic.name, partition.id)])
        }
        // Sorted through an index with the keys read once: rows are large values, and moving them
        // around a 1,000-partition sort every refresh was most of a frame's cost.
        let keys = rows.map { sortKey(sort.column, $0) }
        var order = Array(rows.indices)
        order.sort { a, b in
            if keys[a] != keys[b] { return sort.descending ? keys[a] > keys[b] : keys[a] < keys[b] }
            return rows[a].partition.id < rows[b].partition.id  // stable tie-break, whatever the direction
        }
        return order.map { rows[$0] }
    }

    /// The value a column sorts by; a partition without producer stats sorts below every one with them.
    private static func sortKey(_ column: PartitionColumn, _ row: PartitionRow) -> Double {
        switch column {
        case .partition: return Double(row.partition.id)
        case .leader: return Double(row.partition.leader)
        case .low: return Double(row.partition.lowWatermark)
        case .high: return Double(row.partition.highWatermark)
        case .messages: return Double(row.partition.messageCount)
        case .bufferFill: return row.stats?.bufferFill ?? -1
        case .inFlight: return Double(row.stats?.inFlightBatches ?? -1)
        case .messageRate, .sparkline: return row.stats?.throughput.messagesPerSecond ?? -1
        case .byteRate: return row.stats?.throughput.bytesPerSecond ?? -1
        case .ackLatency: return row.stats?.ackLatencyP99Millis ?? -1
        case .sent: return Double(row.stats?.ackedMessages ?? -1)
        case .retries: return Double(row.stats?.retries ?? -1)
        case .lastError: return row.stats?.lastError.map { Double($0.atMillis) } ?? -.infinity
        }
    }
}
