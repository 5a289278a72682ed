import NIOConcurrencyHelpers

/// What the application has processed, per assigned partition, and what of it is committed:
/// the bookkeeping behind auto-commit, `commit()` and commit-before-revoke. Offsets are the
/// next offset to consume (last processed + 1), as Kafka commits them.
///
/// Marks for partitions no longer assigned are dropped, so a message that finishes after its
/// partition moved to another member never rewinds that member's commits.
final class ProcessedOffsets: Sendable {
    private struct State {
        var assigned: Set<KafkaTopicPartition> = []
        var processed: [KafkaTopicPartition: Int64] = [:]
        var committed: [KafkaTopicPartition: Int64] = [:]
    }

    private let state = NIOLockedValueBox(State())

    func assign(_ partitions: Set<KafkaTopicPartition>, committed: [KafkaTopicPartition: Int64]) {
        state.withLockedValue { state in
            state.assigned = partitions
            state.processed = state.processed.filter { partitions.contains($0.key) }
            state.committed = committed.filter { partitions.contains($0.key) }
        }
    }

    func mark(_ partition: KafkaTopicPartition, next offset: Int64) {
        state.withLockedValue { state in
            guard state.assigned.contains(partition) else { return }
            if offset > state.processed[partition] ?? -1 { state.processed[partition] = offset }
        }
    }

    /// Processed offsets not committed yet.
    func uncommitted() -> OffsetsByTopic {
        state.withLockedValue { state in
            var result: OffsetsByTopic = [:]
            for (tp, offset) in state.processed where state.committed[tp] != offset {
                result[tp.topic, default: [:]][tp.partition] = offset
            }
            return result
        }
    }

    func didCommit(_ offsets: OffsetsByTopic) {
        state.withLockedValue { state in
            for (topic, partitions) in offsets {
                for (partition, offset) in partitions { state.committed[KafkaTopicPartition(topic, partition)] = offset }
            }
        }
    }

    /// Forgets every partition; returns what was processed and not committed, to commit now.
    func revokeAll() -> OffsetsByTopic {
        let pending = uncommitted()
        state.withLockedValue { $0 = State() }
        return pending
    }

    var assigned: Set<KafkaTopicPartition> { state.withLockedValue { $0.assigned } }

    /// Where `partition` stands for the group: after the last processed message, else its
    /// committed offset; nil when neither is known yet.
    func next(of partition: KafkaTopicPartition) -> Int64? {
        state.withLockedValue { $0.processed[partition] ?? $0.committed[partition] }
    }
}
