import DequeModule
import KafkaProtocol
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An acknowledged batch kept for a restore (see `PartitionBuffer.retainAcknowledged`).
struct AcknowledgedBatch {
    var batch: ProducerBatch
    var baseOffset: Int64
    var at: NIODeadline
    var bytes: Int
}

/// The record buffer of one topic-partition (franz-go's recBuf): an open batch taking
/// messages, then sealed batches in order until the broker acknowledges them.
///
/// Two locks, so that appending (the sender's thread) and sending (a sink's event loop) do not
/// pass one lock back and forth between cores for every message: `openCell` guards the batch
/// being filled, `lock` everything after it. Sealing takes both, in that order. Nothing here
/// blocks or does I/O. Every mutable field is touched only under one of those locks, which is
/// why it is `@unchecked Sendable` (the producer's stress tests run under ThreadSanitizer).
package final class PartitionBuffer: @unchecked Sendable {
    package let topic: String
    package let partition: Int32
    /// Which of its leader's produce connections carries this partition's batches.
    let lane: Int
    private let openCell = OpenBatchCell()
    let lock = NIOLock()
    /// Oldest first: in flight, ready, then sealed.
    var batches = Deque<ProducerBatch>()
    private var compressing = false
    var nextSequence: Int32 = 0
    var counters = PartitionCounters()
    private var leaderId: Int32 = -1
    /// One past the last offset acknowledged so far (see `plausibleBaseOffset`).
    var ackedOffsetEnd: Int64 = 0
    /// Where finished batches' memory goes back, so steady-state batching allocates nothing.
    private let pool: RecordBufferPool
    /// The idempotent producer's id and epoch its batches carry; nil without idempotence.
    var identity: ProducerIdentity?
    /// With idempotence, the batches acknowledged in the last few seconds, oldest first, kept so
    /// a broker that acknowledged them and then lost them in a restart can be given them again
    /// (see `SequenceRecovery`). Always a run that ends with the newest acknowledged batch.
    var recentlyAcknowledged = Deque<AcknowledgedBatch>()
    /// Where the last acknowledged batch with a known offset that was let go ended (-1: none):
    /// the earliest place a kept batch of unknown offset can lie.
    var releasedEnd: Int64 = -1

    init(topic: String, partition: Int32, lane: Int = 0, identity: ProducerIdentity? = nil, pool: RecordBufferPool) {
        self.topic = topic
        self.partition = partition
        self.lane = lane
        self.identity = identity
        self.pool = pool
    }

    var leader: Int32 {
        get { lock.withLock { leaderId } }
        set { lock.withLock { leaderId = newValue } }
    }

    /// What an append asks of its caller, outside the lock.
    struct AppendOutcome {
        /// A new batch was opened (this is its generation): arm its linger timer.
        var opened: UInt64?
        /// A batch was sealed (full, or the new message did not fit): start the partition's
        /// compression job, which takes every sealed batch in order.
        var sealed = false
    }

    /// Appends one message, sealing the open batch first when the message would overflow it.
    /// `waitingSince`: when its sender first found the buffer full; the batch's delivery timeout
    /// counts from then at the latest, so waiting for room never buys a message a fresh timeout.
    func append(
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [MessageHeader], timestamp: Int64,
        settings: KafkaProducerConfiguration, waiter: DeliveryWaiter? = nil, waitingSince: NIODeadline? = nil
    ) -> AppendOutcome {
        let size = (key?.count ?? 0) + (value?.count ?? 0)
        return openCell.withLock { open in
            var outcome = AppendOutcome()
            if open.messageCount > 0 && open.records.uncompressedBatchByteCount + size + 64 > settings.batchBytes {
                seal(&open)
                outcome.sealed = true
            }
            if open.messageCount == 0 {
                if open.records.capacity < 1024 { open.records = pool.builder(batchBytes: settings.batchBytes) } else { open.records.reset() }
                open.createdAt = .now()
                open.generation &+= 1
                outcome.opened = open.generation
            }
            if let waitingSince, waitingSince < open.createdAt { open.createdAt = waitingSince }
            if let waiter { open.waiters.append((open.messageCount, waiter)) }
            if headers.isEmpty {
                open.records.append(key: key, value: value, timestamp: timestamp)
            } else {
                open.records.append(key: key, value: value, headers: headers.map(\.recordHeader), timestamp: timestamp)
            }
            open.messageCount += 1
            open.payloadBytes += size
            if open.messageCount >= settings.batchMessages || open.records.uncompressedBatchByteCount >= settings.batchBytes {
                if outcome.opened == open.generation { outcome.opened = nil }
                seal(&open)
                outcome.sealed = true
            }
            return outcome
        }
    }

    /// Turns the open batch into a sealed one, numbered in sequence (the open batch's lock held).
    private func seal(_ open: inout OpenBatch) {
        var records = ProducerBatch.emptyRecords
        swap(&records, &open.records)
        let batch = ProducerBatch(records: records, now: open.createdAt)
        batch.messageCount = open.messageCount
        batch.payloadBytes = open.payloadBytes
        if !open.waiters.isEmpty {
            batch.waiters = open.waiters
            open.waiters = []
        }
        open.messageCount = 0
        open.payloadBytes = 0
        lock.withLock {
            numberLocked(batch)
            batches.append(batch)
            counters.bufferedMessages += batch.messageCount
            counters.bufferedBytes += batch.payloadBytes
        }
    }

    /// Gives the batch the next sequence numbers (they wrap to 0 past Int32.max, as Kafka's do).
    func numberLocked(_ batch: ProducerBatch) {
        batch.baseSequence = nextSequence
        nextSequence = nextSequence &+ Int32(batch.messageCount)
        if nextSequence < 0 { nextSequence = 0 }
    }

    /// Seals the open batch if it is still the one of `generation` (its linger expired) or any
    /// open batch (`nil`, a flush). Returns true when something was sealed.
    package func sealOpenBatch(generation: UInt64? = nil) -> Bool {
        openCell.withLock { open in
            guard open.messageCount > 0 else { return false }
            if let generation, generation != open.generation { return false }
            seal(&open)
            return true
        }
    }

    /// Takes the compression job if nobody holds it: returns false when another thread is already compressing.
    func beginCompressing() -> Bool {
        lock.withLock {
            guard !compressing else { return false }
            compressing = true
            return true
        }
    }

    /// The next sealed batch to compress, in order, with the producer id, epoch and sequence its
    /// wire bytes must carry; nil ends the job.
    func nextToCompress() -> (batch: ProducerBatch, stamp: RecordBatchStamp)? {
        lock.withLock {
            if let batch = batches.first(where: { $0.stage == .sealed }) { return (batch, stampLocked(batch)) }
            compressing = false
            return nil
        }
    }

    func stampLocked(_ batch: ProducerBatch) -> RecordBatchStamp {
        guard let identity else { return .none }
        return RecordBatchStamp(producerId: identity.producerId, producerEpoch: identity.epoch, baseSequence: batch.baseSequence)
    }

    /// Takes the batch's finished bytes, built with `stamp`; a renumbering that happened while it
    /// compressed is written into them here. An uncompressed batch's bytes are the record builder's
    /// own (`inPlace`): the batch keeps the builder until it is done.
    func finishedCompressing(_ batch: ProducerBatch, wire: ByteBuffer, inPlace: Bool, stamp: RecordBatchStamp) {
        lock.withLock {
            var wire = wire
            let current = stampLocked(batch)
            if current != stamp, wire.readableBytes > 0 { try? current.write(into: &wire, at: wire.readerIndex) }
            batch.wire = wire
            batch.stage = .ready
            counters.batchesBuilt += 1
            counters.uncompressedBytes += batch.records.uncompressedBatchByteCount
            counters.wireBytes += wire.readableBytes
            batch.wireIsBuilders = inPlace
            if !inPlace { recycleBuilderLocked(of: batch) }
        }
    }

    /// A compressed batch's output buffer from an earlier batch, so compressing allocates nothing.
    func spareOutput(capacity: Int) -> ByteBuffer { pool.output(capacity: capacity) }

    private func recycleBuilderLocked(of batch: ProducerBatch) {
        pool.give(batch.records)
        batch.records = ProducerBatch.emptyRecords
    }

    /// A finished batch's buffers go back to the pool: the builder, and a compressed batch's
    /// output. Not with idempotence, where acknowledged batches are kept a while (and simply freed).
    private func recycleLocked(_ batch: ProducerBatch) {
        guard identity == nil, !batch.isRepair else { return }
        // The batch lets go of its wire first, so what the pool gets is referenced nowhere else.
        let output = batch.wireIsBuilders ? nil : batch.wire
        batch.wire = nil
        if batch.wireIsBuilders { recycleBuilderLocked(of: batch) } else if let output { pool.give(output) }
    }

    /// The oldest batch a sink may send now, marked in flight; nil if none is ready.
    package func takeReady(now: NIODeadline, maxInFlight: Int) -> ProducerBatch? {
        lock.withLock {
            var inFlight = 0
            for batch in batches {
                switch batch.stage {
                case .inFlight:
                    inFlight += 1
                    if inFlight >= maxInFlight { return nil }
                case .ready:
                    guard batch.notBefore <= now else { return nil }
                    batch.stage = .inFlight
                    batch.attempts += 1
                    counters.inFlightBatches += 1
                    counters.inFlightMessages += batch.messageCount
                    counters.inFlightBytes += batch.payloadBytes
                    counters.sentMessages += batch.messageCount
                    counters.sentBytes += batch.wire?.readableBytes ?? 0
                    if batch.attempts > 1 { counters.retries += 1 }
                    return batch
                case .sealed:
                    return nil
                }
            }
            return nil
        }
    }

    /// Batches created before `deadline` and not in flight, taken out so no sink sends them;
    /// the caller fails them through `complete`, which books them.
    func expire(olderThan deadline: NIODeadline) -> [ProducerBatch] {
        lock.withLock {
            var expired: [ProducerBatch] = []
            while let head = batches.first, head.stage == .ready || head.stage == .sealed, head.createdAt < deadline {
                batches.removeFirst()
                expired.append(head)
            }
            return expired
        }
    }

    /// Takes every batch out that no request carries (sealed or ready), oldest first; the caller
    /// fails them through `complete`, which books them. In-flight batches stay for their answer.
    func takeUnsent() -> [ProducerBatch] {
        lock.withLock {
            let unsent = Array(batches.filter { $0.stage != .inFlight })
            batches.removeAll { $0.stage != .inFlight }
            return unsent
        }
    }

    /// Puts an in-flight batch back for another attempt after `backoff`.
    package func retry(_ batch: ProducerBatch, after backoff: TimeAmount, error: KafkaErrorCode?, now: NIODeadline) {
        lock.withLock {
            #if DEBUG
            assert(!batch.completed && batch.stage == .inFlight, "only a batch in flight is retried")
            #endif
            batch.stage = .ready
            batch.notBefore = now + backoff
            counters.leftFlight(messages: batch.messageCount, bytes: batch.payloadBytes)
            if let error { counters.recordError(error, at: now) }
        }
    }

    /// The broker's base offset for an acknowledged batch of an idempotent producer, or -1 when
    /// it cannot be right: a partition's batches are acknowledged in order, so offsets only grow.
    /// noida-db answers a resent batch it had already written with an offset of a later batch; a
    /// log that lost acknowledged records (a broker restart) gives offsets below them: `wentBack`,
    /// which starts the sequence recovery. Without idempotence neither happens (no resend is
    /// recognised as a copy, nothing is recovered), and an offset that went back is real (a
    /// topic deleted and created again, a truncated log): the caller reports it as it is.
    func plausibleBaseOffset(_ offset: Int64, count: Int) -> (offset: Int64, wentBack: Bool) {
        lock.withLock {
            guard offset >= 0 else { return (-1, false) }
            guard offset >= ackedOffsetEnd else { return (-1, true) }
            ackedOffsetEnd = offset &+ Int64(count)
            return (offset, false)
        }
    }

    /// Removes a finished batch (acknowledged or failed) and books it.
    func complete(_ batch: ProducerBatch, error: KafkaErrorCode?, now: NIODeadline) {
        lock.withLock {
            removeLocked(batch)
            defer { recycleLocked(batch) }
            counters.bufferedMessages -= batch.messageCount
            counters.bufferedBytes -= batch.payloadBytes
            if let error {
                counters.failedMessages += batch.messageCount
                counters.recordError(error, at: now)
            } else {
                counters.ackedMessages += batch.messageCount
                counters.ackedBytes += batch.payloadBytes
                counters.acks.record(messages: batch.messageCount, bytes: batch.payloadBytes, at: now)
                counters.ackLatency.record(nanoseconds: (now - batch.createdAt).nanoseconds)
            }
        }
    }

    /// Takes a finished batch out of the queue, and out of the in-flight counts if it was sent.
    func removeLocked(_ batch: ProducerBatch) {
        #if DEBUG
        assert(!batch.completed, "a batch is completed once")
        batch.completed = true
        #endif
        if let index = batches.firstIndex(where: { $0 === batch }) { batches.remove(at: index) }
        if batch.stage == .inFlight { counters.leftFlight(messages: batch.messageCount, bytes: batch.payloadBytes) }
    }

    /// Counters for a metrics snapshot.
    func snapshotCounters(now: NIODeadline) -> PartitionCounters {
        let (openMessages, openBytes) = openCell.withLock { ($0.messageCount, $0.payloadBytes) }
        return lock.withLock {
            counters.acks.advance(to: now)
            var snapshot = counters
            snapshot.bufferedMessages += openMessages
            snapshot.bufferedBytes += openBytes
            return snapshot
        }
    }

    package var isEmpty: Bool { openCell.withLock { $0.messageCount == 0 } && lock.withLock { batches.isEmpty } }

}
