import NIOConcurrencyHelpers
import Synchronization

/// What the application has processed, per assigned partition, and what of it is committed:
/// the bookkeeping behind auto-commit, `commit()` and commit-before-revoke. Offsets are the
/// next offset to consume (last processed + 1), as Kafka commits them.
///
/// Marks for partitions no longer assigned are dropped, so a message that finishes after its
/// partition moved to another member never rewinds that member's commits.
@usableFromInline
final class ProcessedOffsets: Sendable {
    /// One assigned partition's processed offset, advanced without the lock: a reader marks every
    /// message it is done with, and a lock and two dictionary lookups per message were a fifth
    /// of the group consumer's CPU. A partition revoked drops its `Progress`; marks on one held
    /// from before are then lost, as marks for unassigned partitions always were.
    @usableFromInline
    final class Progress: Sendable {
        @usableFromInline let next = Atomic<Int64>(-1)

        init() {}

        /// Raises the processed offset to `offset` (never lowers it). Inlinable: the group
        /// consumer's iterator marks each message in its caller's code (see `GroupMessages`).
        @inlinable
        func advance(to offset: Int64) {
            var current = next.load(ordering: .relaxed)
            while offset > current {
                let (exchanged, actual) = next.compareExchange(expected: current, desired: offset, ordering: .relaxed)
                if exchanged { return }
                current = actual
            }
        }

        /// The processed offset, nil before the first mark.
        var offset: Int64? {
            let value = next.load(ordering: .relaxed)
            return value >= 0 ? value : nil
        }
    }

    private struct State {
        var assigned: [KafkaTopicPartition: Progress] = [:]
        var committed: [KafkaTopicPartition: Int64] = [:]
    }

    private let state = NIOLockedValueBox(State())

    func assign(_ partitions: Set<KafkaTopicPartition>, committed: [KafkaTopicPartition: Int64]) {
        state.withLockedValue { state in
            var assigned: [KafkaTopicPartition: Progress] = [:]
            for partition in partitions { assigned[partition] = state.assigned[partition] ?? Progress() }
            state.assigned = assigned
            state.committed = committed.filter { partitions.contains($0.key) }
        }
    }

    /// The progress of `partition` while it is assigned, for a reader to mark its messages on.
    func progress(of partition: KafkaTopicPartition) -> Progress? {
        state.withLockedValue { $0.assigned[partition] }
    }

    /// Marks `partition` processed up to `offset` while it is assigned: a single mark, where a
    /// reader of many messages holds on to `progress(of:)` instead.
    func mark(_ partition: KafkaTopicPartition, next offset: Int64) {
        progress(of: partition)?.advance(to: offset)
    }

    /// Processed offsets not committed yet.
    func uncommitted() -> OffsetsByTopic {
        state.withLockedValue { state in
            var result: OffsetsByTopic = [:]
            for (tp, progress) in state.assigned {
                guard let offset = progress.offset, state.committed[tp] != offset else { continue }
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

    var assigned: Set<KafkaTopicPartition> { state.withLockedValue { Set($0.assigned.keys) } }

    /// Where `partition` stands for the group: after the last processed message, else its
    /// committed offset; nil when neither is known yet.
    func next(of partition: KafkaTopicPartition) -> Int64? {
        state.withLockedValue { $0.assigned[partition]?.offset ?? $0.committed[partition] }
    }
}
