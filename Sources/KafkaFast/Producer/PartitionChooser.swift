import Atomics

/// Picks a partition for each message, per `KafkaProducerConfiguration.Partitioner`.
///
/// Keyed messages hash with Java's murmur2. Null keys are "sticky": they all go to one
/// partition until its batch is handed to a sink, then to another — so null-keyed traffic
/// fills whole batches (better compression, fewer requests) instead of spreading thin (KIP-480).
final class PartitionChooser: Sendable {
    let kind: KafkaProducerConfiguration.Partitioner
    private let sticky = ManagedAtomic<Int>(-1)
    private let roundRobin = ManagedAtomic<Int>(0)

    init(kind: KafkaProducerConfiguration.Partitioner) {
        self.kind = kind
    }

    func partition(key: UnsafeRawBufferPointer?, partitionCount: Int32) -> Int32 {
        precondition(partitionCount > 0)
        switch kind {
        case .murmur2Random:
            if let key { return Murmur2.partition(forKey: key, partitionCount: partitionCount) }
            return stickyPartition(partitionCount)
        case .murmur2:
            return Murmur2.partition(forKey: key ?? UnsafeRawBufferPointer(start: nil, count: 0), partitionCount: partitionCount)
        case .random:
            return stickyPartition(partitionCount)
        case .roundRobin:
            return Int32(roundRobin.loadThenWrappingIncrement(ordering: .relaxed) % Int(partitionCount))
        }
    }

    private func stickyPartition(_ count: Int32) -> Int32 {
        let current = sticky.load(ordering: .relaxed)
        if current >= 0 && current < Int(count) { return Int32(current) }
        let chosen = Int.random(in: 0..<Int(count))
        _ = sticky.compareExchange(expected: current, desired: chosen, ordering: .relaxed)
        return Int32(sticky.load(ordering: .relaxed) % Int(count))
    }

    /// Called when the sticky partition's batch was sealed: move on to another partition.
    func batchSealed(partition: Int32, partitionCount: Int32) {
        guard partitionCount > 1, sticky.load(ordering: .relaxed) == Int(partition) else { return }
        var next = Int.random(in: 0..<Int(partitionCount - 1))
        if next >= Int(partition) { next += 1 }
        _ = sticky.compareExchange(expected: Int(partition), desired: next, ordering: .relaxed)
    }
}
