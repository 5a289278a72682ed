import DequeModule
import KafkaProtocol
import NIOCore

/// What a partition buffer keeps for the idempotent producer's sequence recovery (see
/// `SequenceRecovery`): acknowledged batches of the last seconds, repairs, renumbering.
extension PartitionBuffer {
    // MARK: Sequence recovery (idempotence)

    /// Whether `batch` is the oldest unfinished batch: every batch before it was acknowledged,
    /// so the broker should expect exactly its sequence.
    func isOldest(_ batch: ProducerBatch) -> Bool {
        lock.withLock { batches.first === batch }
    }

    /// Keeps an acknowledged batch (idempotence only) within `budget`, making room by dropping
    /// this partition's oldest. One whose offset the broker did not say (-1: a copy the broker
    /// already had, DUPLICATE_SEQUENCE_NUMBER) is kept too: a restore looks for it between its
    /// neighbours' offsets. (Forgetting every kept batch at such an answer, as once, left a broker
    /// that lost its last writes soon after with nothing to give them back from.)
    func retainAcknowledged(_ batch: ProducerBatch, baseOffset: Int64, now: NIODeadline, budget: RetainedBatchBudget) {
        lock.withLock {
            guard identity != nil, !batch.isRepair else { return }
            let bytes = batch.wire?.readableBytes ?? 0
            while !budget.take(bytes) {
                guard dropOldestAcknowledgedLocked(budget: budget) else { return }
            }
            recentlyAcknowledged.append(AcknowledgedBatch(batch: batch, baseOffset: baseOffset, at: now, bytes: bytes))
        }
    }

    /// Lets go of acknowledged batches kept since before `deadline`.
    func releaseAcknowledged(before deadline: NIODeadline, budget: RetainedBatchBudget) {
        lock.withLock {
            while let oldest = recentlyAcknowledged.first, oldest.at < deadline {
                dropOldestAcknowledgedLocked(budget: budget)
            }
        }
    }

    /// The kept acknowledged batches, oldest first, and where the log stood before the oldest
    /// (the end of the last batch with a known offset let go, -1 if none). They stay kept: a
    /// broker that still holds them now may lose them yet (noida loses its last writes only as it
    /// shuts down, after a recovery may already have looked).
    func acknowledgedSnapshot() -> (kept: [AcknowledgedBatch], floor: Int64) {
        lock.withLock { (Array(recentlyAcknowledged), releasedEnd) }
    }

    /// Stops keeping `batches` (they are being written again, as repairs).
    func forgetAcknowledged(_ batches: [ProducerBatch], budget: RetainedBatchBudget) {
        lock.withLock {
            let gone = Set(batches.map(ObjectIdentifier.init))
            recentlyAcknowledged.removeAll { kept in
                guard gone.contains(ObjectIdentifier(kept.batch)) else { return false }
                budget.give(kept.bytes)
                return true
            }
        }
    }

    /// Lets the oldest kept batch go, remembering where it ended when its offset was known.
    @discardableResult
    private func dropOldestAcknowledgedLocked(budget: RetainedBatchBudget) -> Bool {
        guard let oldest = recentlyAcknowledged.popFirst() else { return false }
        budget.give(oldest.bytes)
        if oldest.baseOffset >= 0 { releasedEnd = oldest.baseOffset &+ Int64(oldest.batch.messageCount) }
        return true
    }

    private func releaseAcknowledgedLocked(budget: RetainedBatchBudget) {
        for kept in recentlyAcknowledged { budget.give(kept.bytes) }
        recentlyAcknowledged.removeAll()
    }

    /// Puts acknowledged batches the broker lost back at the head, in order, to be written again
    /// before anything newer. They carry no reports and hold no buffer space: those were settled.
    func insertRepairs(_ lost: [ProducerBatch]) {
        lock.withLock {
            for batch in lost.reversed() {
                #if DEBUG
                batch.completed = false  // acknowledged once, now to be written again
                #endif
                batch.isRepair = true
                batch.stage = .ready
                batch.attempts = 0
                batch.notBefore = .uptimeNanoseconds(0)
                batches.prepend(batch)
            }
        }
    }

    /// Takes a finished repair batch out and books it.
    func completeRepair(_ batch: ProducerBatch, error: KafkaErrorCode?, now: NIODeadline) {
        lock.withLock {
            removeLocked(batch)
            if let error {
                counters.lostByBroker += batch.messageCount
                counters.recordError(error, at: now)
            } else {
                counters.repairedMessages += batch.messageCount
            }
        }
    }

    /// A new producer identity: every batch not yet acknowledged is numbered again from 0 in
    /// order, and the bytes of those already built are restamped.
    func renumber(identity newIdentity: ProducerIdentity) {
        lock.withLock {
            identity = newIdentity
            nextSequence = 0
            for batch in batches {
                numberLocked(batch)
                if var wire = batch.wire {
                    batch.wire = nil  // unshare the storage so the restamp writes in place
                    try? stampLocked(batch).write(into: &wire, at: wire.readerIndex)
                    batch.wire = wire
                }
            }
        }
    }

    /// Leaves a gap of `count` in the partition's sequence numbers: to tests, a broker whose
    /// producer state fell behind what it acknowledged, which no broker does on demand.
    func skipSequencesForTesting(_ count: Int32) {
        lock.withLock { nextSequence = nextSequence &+ count }
    }

    /// Books acknowledged messages the broker lost and the connector could not give back.
    func recordLostByBroker(_ count: Int, logEnd: Int64, now: NIODeadline) {
        lock.withLock {
            // Offsets start again where the broker's log ends, not where the lost ones did.
            ackedOffsetEnd = logEnd
            counters.lostByBroker += count
            counters.recordError(.outOfOrderSequenceNumber, at: now)
        }
    }
}
