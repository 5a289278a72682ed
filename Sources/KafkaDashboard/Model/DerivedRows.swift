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
        // Summed in runs of one topic, so a topic name is hashed once a run rather than once a
        // partition (a large part of a frame with a thousand partitions). The snapshot is a
        // dictionary, so runs are long only when one topic has most partitions, as it usually does.
        var produceByTopic: [String: Throughput] = [:]
        var runTopic: String?
        var run = Throughput.zero
        func flush() {
            guard let runTopic else { return }
            produceByTopic[runTopic, default: .zero].add(run)
        }
        for (topicPartition, stats) in producer.partitions {
            if topicPartition.topic != runTopic {
                flush()
                runTopic = topicPartition.topic
                run = .zero
            }
            run.messagesPerSecond += stats.throughput.messagesPerSecond
            run.bytesPerSecond += stats.throughput.bytesPerSecond
        }
        flush()
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
        let stats = StatsIndex(topic: topic, producer: producer)
        let values = producer.partitions.values
        // Ordered as small entries, keys read once (negated for descending, which keeps the
        // tie-break ascending), then each row built once in its place: rows are large values,
        // and copying and comparing them was most of a 1,000-partition frame.
        let sign: Double = sort.descending ? -1 : 1
        let entries = topic.partitions.indices.map { index in
            let partition = topic.partitions[index]
            let key = sortKey(sort.column, partition, stats[partition.id], in: values)
            return RowOrder.Entry(key: sign * key, id: partition.id, index: Int32(index))
        }
        return RowOrder.sorted(entries).map { entry in
            let partition = topic.partitions[Int(entry.index)]
            return PartitionRow(partition: partition, stats: stats[partition.id].map { values[$0] })
        }
    }

    /// Where each partition of one topic is in the producer snapshot, found in one pass over it
    /// instead of a hashed lookup of topic and partition per row.
    private struct StatsIndex {
        typealias Position = Dictionary<TopicPartition, PartitionProducerStats>.Index
        private var byID: [Position?]
        private var sparse: [Int32: Position] = [:]

        init(topic: ClusterSnapshot.Topic, producer: ProducerSnapshot) {
            // Partition ids are 0..<count in practice; anything far outside goes to a dictionary.
            let dense = topic.partitions.count * 2 + 16
            byID = Array(repeating: nil, count: dense)
            var position = producer.partitions.startIndex
            while position != producer.partitions.endIndex {
                let key = producer.partitions.keys[position]
                if key.topic == topic.name {
                    let id = Int(key.partition)
                    if id >= 0 && id < dense { byID[id] = position } else { sparse[key.partition] = position }
                }
                producer.partitions.formIndex(after: &position)
            }
        }

        subscript(id: Int32) -> Position? {
            id >= 0 && Int(id) < byID.count ? byID[Int(id)] : sparse[id]
        }
    }

    /// The value a column sorts by; a partition without producer stats sorts below every one with them.
    /// Read in place from the snapshot: copying a thousand stats for one number each showed.
    private static func sortKey(
        _ column: PartitionColumn, _ partition: ClusterSnapshot.Partition, _ position: StatsIndex.Position?,
        in values: Dictionary<TopicPartition, PartitionProducerStats>.Values
    ) -> Double {
        func stat(_ read: (borrowing PartitionProducerStats) -> Double) -> Double {
            guard let position else { return column == .lastError ? -.infinity : -1 }
            return read(values[position])
        }
        switch column {
        case .partition: return Double(partition.id)
        case .leader: return Double(partition.leader)
        case .low: return Double(partition.lowWatermark)
        case .high: return Double(partition.highWatermark)
        case .messages: return Double(partition.messageCount)
        case .bufferFill: return stat { $0.bufferFill }
        case .inFlight: return stat { Double($0.inFlightBatches) }
        case .messageRate, .sparkline: return stat { $0.throughput.messagesPerSecond }
        case .byteRate: return stat { $0.throughput.bytesPerSecond }
        case .ackLatency: return stat { $0.ackLatencyP99Millis ?? -1 }
        case .sent: return stat { Double($0.ackedMessages) }
        case .retries: return stat { Double($0.retries) }
        case .lastError: return stat { $0.lastError.map { Double($0.atMillis) } ?? -.infinity }
        }
    }
}

extension Throughput {
    mutating func add(_ other: Throughput) {
        messagesPerSecond += other.messagesPerSecond
        bytesPerSecond += other.bytesPerSecond
    }
}
