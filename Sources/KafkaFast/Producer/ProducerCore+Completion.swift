import Atomics
import KafkaProtocol
import NIOConcurrencyHelpers
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The producer's bookkeeping once a batch is done, and its housekeeping: reports, counters,
/// buffer space, delivery timeouts, failures that end sends for good, and closing.
extension ProducerCore {
    // MARK: Completion

    package enum BatchResult {
        case success(baseOffset: Int64)
        case failure(KafkaError)

        /// The code the partition's counters book: nil on success, UNKNOWN_SERVER_ERROR for a
        /// failure that has no broker code (a transport error).
        var errorCode: KafkaErrorCode? {
            guard case .failure(let failure) = self else { return nil }
            return failure.kafkaErrorCode ?? .unknownServerError
        }
    }

    /// Books a batch's outcome: counters, awaiting senders, the report stream and the buffer space.
    package func finish(_ batch: ProducerBatch, of buffer: PartitionBuffer, result: BatchResult) {
        let now = NIODeadline.now()
        if batch.isRepair {
            // Its messages were reported when first acknowledged; only the partition books it.
            return buffer.completeRepair(batch, error: result.errorCode, now: now)
        }
        let error: KafkaError?
        let baseOffset: Int64
        switch result {
        case .success(let offset) where settings.idempotence:
            let plausible = buffer.plausibleBaseOffset(offset, count: batch.messageCount)
            (error, baseOffset) = (nil, plausible.offset)
            // A broker that forgot the producer may accept its sequence as new (Tansu does), so a
            // log that went back is the only sign it lost acknowledged records: check them.
            if plausible.wentBack && recoveryGate.request() { startSequenceRecovery() }
        case .success(let offset):
            (error, baseOffset) = (nil, offset)
        case .failure(let failure):
            (error, baseOffset) = (failure, -1)
            noteFailure(failure)
        }
        buffer.complete(batch, error: result.errorCode, now: now)
        if error == nil && settings.idempotence {
            // A batch sent again may be answered with another batch's offset (noida-db does): kept
            // as of unknown offset, so a restore looks for it rather than trusts that one.
            buffer.retainAcknowledged(batch, baseOffset: batch.attempts > 1 ? -1 : baseOffset, now: now, budget: retainedBudget)
        }
        (error == nil ? delivered : failed).wrappingIncrement(by: batch.messageCount, ordering: .relaxed)
        // Space first: an awaiting sender that looks at the buffer must not see its own message.
        let reportStream = reportsEnabled.load(ordering: .relaxed)
        if !reportStream { accounting.release(messages: batch.messageCount, bytes: batch.payloadBytes) }
        for (index, continuation) in batch.waiters {
            if let error {
                continuation.resume(throwing: error)
            } else {
                continuation.resume(returning: DeliveryReport(
                    topic: buffer.topic, partition: buffer.partition, offset: baseOffset < 0 ? -1 : baseOffset + Int64(index), error: nil))
            }
        }
        batch.waiters.removeAll()
        if reportStream {
            let share = batch.payloadBytes / max(batch.messageCount, 1)
            for index in 0..<batch.messageCount {
                let bytes = index == 0 ? batch.payloadBytes - share * (batch.messageCount - 1) : share
                reports.push(DeliveryReport(
                    topic: buffer.topic, partition: buffer.partition,
                    offset: error == nil && baseOffset >= 0 ? baseOffset + Int64(index) : -1, error: error), bytes: bytes)
            }
        }
    }

    func publishFailure(topic: String, error: KafkaError) {
        guard reportsEnabled.load(ordering: .relaxed) else { return }
        // `reject` gives back any reserved space itself: this report holds none.
        reports.push(DeliveryReport(topic: topic, partition: -1, offset: -1, error: error), messages: 0, bytes: 0)
    }

    func enableReports() -> DeliveryReports {
        reportsEnabled.store(true, ordering: .relaxed)
        return reports
    }

    // MARK: Housekeeping

    /// Every 100 ms: fail batches past `delivery.timeout.ms`, find leaders that are missing,
    /// and let sinks send batches whose retry backoff has passed.
    func tidy() {
        let now = NIODeadline.now()
        let deadline = now - .milliseconds(Int64(settings.deliveryTimeoutMs))
        var leaderless = false
        for buffer in allPartitions() {
            for batch in buffer.expire(olderThan: deadline) {
                finishExpired(batch, of: buffer)
            }
            if buffer.leader < 0 && !buffer.isEmpty { leaderless = true }
            if settings.idempotence && now.uptimeNanoseconds > retentionHeldUntil.load(ordering: .relaxed) {
                buffer.releaseAcknowledged(before: now - Self.acknowledgedRetention, budget: retainedBudget)
            }
        }
        bufferPool.releaseIdle(now: now)
        if leaderless { Task { await refreshLeaders() } }
        if recoveryGate.shouldStart() { startSequenceRecovery() }
        wakeAllSinks()
    }

    private func finishExpired(_ batch: ProducerBatch, of buffer: PartitionBuffer) {
        let error = KafkaError(
            timedOutAfterMs: settings.deliveryTimeoutMs, topic: buffer.topic, partition: buffer.partition,
            lastError: lastTrouble.withLockedValue { $0 })
        finish(batch, of: buffer, result: .failure(error))
    }

    /// Remembers why something failed, for the delivery timeouts that may follow.
    func noteTrouble(_ reason: String) { lastTrouble.withLockedValue { $0 = reason } }

    /// Fails every batch no request carries: sealed, ready and the open one (in-flight batches
    /// are settled by their answers). For errors no retry can mend.
    func failAllUnsent(_ error: KafkaError) {
        for buffer in allPartitions() {
            _ = buffer.sealOpenBatch()
            for batch in buffer.takeUnsent() { finish(batch, of: buffer, result: .failure(error)) }
        }
    }

    /// PRODUCER_FENCED: another producer took over this producer id. As librdkafka and the Java
    /// client do, the producer stops for good: this batch, everything waiting and every later
    /// send fail with it.
    func fenced(_ batch: ProducerBatch, of buffer: PartitionBuffer, by broker: String) {
        let error = KafkaError(
            code: .producerFenced, topic: buffer.topic, partition: buffer.partition,
            detail: "broker \(broker) fenced this producer: another producer took over its producer id; the producer stops")
        let first = fatalError.withLockedValue { stored -> Bool in
            defer { stored = stored ?? error }
            return stored == nil
        }
        fatal.store(true, ordering: .relaxed)
        if first { client.config.logger.error("producer fenced, failing every message", metadata: ["broker": "\(broker)"]) }
        finish(batch, of: buffer, result: .failure(error))
        failAllUnsent(error)
    }

    /// The bytes a batch holding only this message takes: what `message.max.bytes` limits.
    /// Headers count (a record's header names and values are part of it), and the batch header.
    static func singleMessageBatchBytes(keyCount: Int?, valueCount: Int?, headers: [MessageHeader]) -> Int {
        // Each varint at its widest: length 5, timestamp delta 10, offset delta 5, each length 5.
        var record = 5 + 1 + 10 + 5 + 5 + (keyCount ?? 0) + 5 + (valueCount ?? 0) + 5
        for header in headers { record += 5 + header.name.utf8.count + 5 + (header.value?.count ?? 0) }
        return batchHeaderBytes + record
    }

    /// A v2 record batch's header, before its first record.
    static let batchHeaderBytes = 61

    /// How long acknowledged batches are kept for a restore: longer than a broker takes to lose
    /// what it acknowledged while shutting down (noida-db: well under a second)...
    static let acknowledgedRetention = TimeAmount.seconds(5)
    /// ...and none is let go while a broker is in trouble and for this long after: a restart can
    /// take longer than the retention on a loaded machine, and the check comes only after it.
    static let retentionHoldAfterTrouble = TimeAmount.seconds(30)

    /// A produce connection failed or could not be made: keep acknowledged batches for a while.
    func brokerTrouble(_ reason: String) {
        noteTrouble(reason)
        guard settings.idempotence else { return }
        retentionHeldUntil.store((NIODeadline.now() + Self.retentionHoldAfterTrouble).uptimeNanoseconds, ordering: .relaxed)
    }

    var isClosed: Bool { closed.load(ordering: .relaxed) }

    package func close() {
        closed.store(true, ordering: .relaxed)
        housekeeping.withLockedValue { $0 }?.cancel()
        sinks.withLockedValue { $0.removeAll() }
        reports.finish()
    }
}
