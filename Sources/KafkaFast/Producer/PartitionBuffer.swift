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

/// The batch a partition is filling. It lives inside its buffer, not in an object of its own,
/// so appending a message touches nothing but the buffer and its record builder.
struct OpenBatch {
    var records = ProducerBatch.emptyRecords
    var messageCount = 0
    var payloadBytes = 0
    var createdAt = NIODeadline.uptimeNanoseconds(0)
    var waiters: [(index: Int, continuation: DeliveryWaiter)] = []
    /// Counts the batches opened, so a linger timer seals only the batch it was armed for.
    var generation: UInt64 = 0
}

/// The open batch and its lock in an object of their own, padded away from its header: other
/// threads retain and release the partition buffer all the time (every sink pass), and a lock
/// word on the cache line of that reference count made each append's unlock a cache miss (a
/// twelfth of the producer's CPU in `make bench`).
///
/// The lock is a flag that waiters spin on, then yield, rather than a futex mutex: a mutex's
/// unlock is a locked instruction (it must see whether anyone sleeps), which waits for every
/// store before it to land, the whole message the append just copied into the batch (most of
/// an append's own time). Here the unlock is a plain store. It is held for one append or one
/// seal, never across I/O or a wait, so a waiter rarely waits long. `@unchecked Sendable`: the
/// open batch is reached only inside `withLock` (OpenBatchCellTests proves the exclusion with
/// more threads than cores, and fails with the lock removed; it runs under ThreadSanitizer).
final class OpenBatchCell: @unchecked Sendable {
    private let padding: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    private let locked = Atomic<Bool>(false)
    /// Behind a pointer rather than a stored `var`: the lock already makes access exclusive,
    /// and a class's `var` would pay a dynamic exclusivity check on every append.
    private let open: UnsafeMutablePointer<OpenBatch>

    init() {
        open = .allocate(capacity: 1)
        open.initialize(to: OpenBatch())
    }

    deinit {
        open.deinitialize(count: 1)
        open.deallocate()
    }

    @inline(__always)
    func withLock<Result>(_ body: (inout OpenBatch) -> Result) -> Result {
        if !locked.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged { waitForLock() }
        defer { locked.store(false, ordering: .releasing) }
        return body(&open.pointee)
    }

    @inline(never)
    private func waitForLock() {
        var attempts = 0
        while true {
            if !locked.load(ordering: .relaxed),
               locked.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged { return }
            attempts += 1
            if attempts > 100 { sched_yield() }
        }
    }
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
    private let lock = NIOLock()
    /// Oldest first: in flight, ready, then sealed.
    private var batches = Deque<ProducerBatch>()
    private var compressing = false
    private var nextSequence: Int32 = 0
    private var counters = PartitionCounters()
    private var leaderId: Int32 = -1
    /// One past the last offset acknowledged so far (see `plausibleBaseOffset`).
    private var ackedOffsetEnd: Int64 = 0
    /// Where finished batches' memory goes back, so steady-state batching allocates nothing.
    private let pool: RecordBufferPool
    /// The idempotent producer's id and epoch its batches carry; nil without idempotence.
    private var identity: ProducerIdentity?
    /// With idempotence, the batches acknowledged in the last few seconds, oldest first, kept so
    /// a broker that acknowledged them and then lost them in a restart can be given them again
    /// (see `SequenceRecovery`). Always a run that ends with the newest acknowledged batch.
    private var recentlyAcknowledged = Deque<AcknowledgedBatch>()
    /// Where the last acknowledged batch with a known offset that was let go ended (-1: none):
    /// the earliest place a kept batch of unknown offset can lie.
    private var releasedEnd: Int64 = -1

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
        settings: ProducerSettings, waiter: DeliveryWaiter? = nil, waitingSince: NIODeadline? = nil
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
    private func numberLocked(_ batch: ProducerBatch) {
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

    private func stampLocked(_ batch: ProducerBatch) -> RecordBatchStamp {
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
    private func removeLocked(_ batch: ProducerBatch) {
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
