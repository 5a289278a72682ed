import Atomics
import KafkaProtocol
import NIOConcurrencyHelpers
import NIOCore

/// The idempotent producer's id and epoch (InitProducerId).
struct ProducerIdentity: Sendable, Equatable {
    var producerId: Int64
    var epoch: Int16
}

/// When a broker answers OUT_OF_ORDER_SEQUENCE_NUMBER or UNKNOWN_PRODUCER_ID to a partition's
/// oldest unacknowledged batch, nothing the connector still holds can explain it: the broker lost
/// its producer state (noida-db acknowledges writes while it shuts down and loses the last of
/// them). Resending under the old numbering would be refused forever. As librdkafka and Java do
/// (KIP-360), the connector stops sending, lets every request in flight finish, takes a new
/// producer id and numbers that partition's unacknowledged batches again from 0 (none of them can
/// have been written: the broker refused the oldest). Unlike them it also checks that every
/// partition's recently acknowledged batches are still in the log, and writes those the broker lost
/// again first. An acknowledged offset below an earlier one (a broker that forgot the producer
/// and took its sequence as new) starts the same check.
///
/// This object is the gate between the sinks and that procedure: a sink starts a request only
/// through `beginRequest`, so once a recovery is asked for no new request starts, and the last
/// one to end lets it run.
final class SequenceRecoveryGate: Sendable {
    private enum Phase: Int { case idle = 0, draining = 1, running = 2 }
    private let phase = ManagedAtomic<Int>(Phase.idle.rawValue)
    private let inFlight = ManagedAtomic<Int>(0)
    private let refused = NIOLockedValueBox<[ObjectIdentifier: PartitionBuffer]>([:])

    /// Whether a sink may start a produce request now; if true it must call `endRequest` once.
    func beginRequest() -> Bool {
        // Count first, then look: a recovery that starts after this look sees the count.
        inFlight.wrappingIncrement(ordering: .sequentiallyConsistent)
        if phase.load(ordering: .sequentiallyConsistent) == Phase.idle.rawValue { return true }
        inFlight.wrappingDecrement(ordering: .sequentiallyConsistent)
        return false
    }

    /// Returns true when this was the last request a pending recovery waited for.
    func endRequest() -> Bool {
        inFlight.wrappingDecrement(ordering: .sequentiallyConsistent)
        return shouldStart()
    }

    /// Asks for a recovery, for `buffer`'s refused sequence when given; true when it may start at once.
    func request(refusedBy buffer: PartitionBuffer? = nil) -> Bool {
        if let buffer { refused.withLockedValue { $0[ObjectIdentifier(buffer)] = buffer } }
        _ = phase.compareExchange(expected: Phase.idle.rawValue, desired: Phase.draining.rawValue, ordering: .sequentiallyConsistent)
        return shouldStart()
    }

    /// True exactly once per recovery: when it is pending and nothing is in flight.
    func shouldStart() -> Bool {
        guard phase.load(ordering: .sequentiallyConsistent) == Phase.draining.rawValue,
              inFlight.load(ordering: .sequentiallyConsistent) == 0 else { return false }
        return phase.compareExchange(expected: Phase.draining.rawValue, desired: Phase.running.rawValue, ordering: .sequentiallyConsistent).exchanged
    }

    /// The partitions whose sequence was refused since the last recovery.
    func takeRefused() -> [ObjectIdentifier: PartitionBuffer] {
        refused.withLockedValue { buffers in
            defer { buffers.removeAll() }
            return buffers
        }
    }

    func finish() {
        phase.store(Phase.idle.rawValue, ordering: .sequentiallyConsistent)
    }
}

/// Bytes of acknowledged batches kept for a possible restore, across all partitions: one batch
/// per partition could otherwise hold `batch.size` times the partition count.
final class RetainedBatchBudget: Sendable {
    private let used = ManagedAtomic<Int>(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func take(_ bytes: Int) -> Bool {
        if used.wrappingIncrementThenLoad(by: bytes, ordering: .relaxed) <= limit { return true }
        used.wrappingDecrement(by: bytes, ordering: .relaxed)
        return false
    }

    func give(_ bytes: Int) { used.wrappingDecrement(by: bytes, ordering: .relaxed) }
}

extension ProducerCore {
    /// A sink saw the broker refuse `batch`'s sequence. Only the oldest batch tells: a later one
    /// is refused whenever an earlier one did not get in, and is retried behind it.
    func sequenceRefused(_ batch: ProducerBatch, of buffer: PartitionBuffer) {
        guard settings.idempotence, buffer.isOldest(batch) else { return }
        if recoveryGate.request(refusedBy: buffer) { startSequenceRecovery() }
    }

    func produceRequestEnded() {
        if recoveryGate.endRequest() { startSequenceRecovery() }
    }

    func startSequenceRecovery() {
        Task { await recoverSequences() }
    }

    private func recoverSequences() async {
        let refused = recoveryGate.takeRefused()
        var renumbered = refused
        let buffers = allPartitions()
        let logger = client.config.logger
        logger.info("idempotent producer: sequence recovery started, sending paused", metadata: [
            "refusedPartitions": "\(refused.count)", "partitions": "\(buffers.count)"])
        // Every partition, not only the refused ones: a broker that lost one partition's last
        // writes may have lost others' that have not sent since. A few lookups at a time.
        for start in stride(from: 0, to: buffers.count, by: 16) {
            await withTaskGroup(of: PartitionBuffer?.self) { group in
                for buffer in buffers[start..<min(start + 16, buffers.count)] {
                    group.addTask { await self.restoreAcknowledged(of: buffer) ? buffer : nil }
                }
                for await repaired in group {
                    if let repaired { renumbered[ObjectIdentifier(repaired)] = repaired }
                }
            }
        }
        // Only the partitions that need it start again under a new producer id: others keep
        // theirs, so a batch of theirs whose fate is unknown (a cut connection) is still told
        // apart from a copy by the broker.
        if !renumbered.isEmpty {
            switch await identityForRecovery() {
            case .success(let newIdentity):
                identity.withLockedValue { $0 = newIdentity }
                for buffer in renumbered.values { buffer.renumber(identity: newIdentity) }
            case .failure(let error):
                // Without a producer id nothing can be sent in order: every waiting message hears
                // why now, instead of a delivery timeout minutes later.
                failAllUnsent(KafkaError(error))
            }
        }
        recoveryGate.finish()
        logger.info("idempotent producer: sequence recovery finished, sending resumed", metadata: [
            "renumberedPartitions": "\(renumbered.count)"])
        wakeAllSinks()
    }

    /// A new producer id for a recovery, while every sink waits: retried (logged) while the
    /// error is retriable and `delivery.timeout.ms` has not passed, else the error.
    private func identityForRecovery() async -> Result<ProducerIdentity, KafkaError> {
        let started = NIODeadline.now()
        let streak = RetryStreak("InitProducerId for the idempotent producer", logger: client.config.logger)
        while true {
            if isClosed { return .failure(.clientClosed) }
            do throws(KafkaError) {
                let fresh = try await requestIdentity()
                streak.succeeded()
                return .success(fresh)
            } catch {
                let failures = streak.failed(broker: error.broker ?? "any", reason: error.description)
                noteTrouble(error.description)
                let waited = NIODeadline.now() - started
                guard error.isRetriable else { return .failure(error) }
                guard waited < .milliseconds(Int64(settings.deliveryTimeoutMs)) else {
                    return .failure(.noBrokerAvailable(
                        "InitProducerId failed \(failures) times in \(waited.nanoseconds / 1_000_000) ms (delivery.timeout.ms): \(error)"))
                }
                let backoff = min(settings.retryBackoffMs << min(failures - 1, 10), settings.retryBackoffMaxMs)
                try? await Task.sleep(nanoseconds: UInt64(backoff) * 1_000_000)
            }
        }
    }

    /// Writes the partition's recently acknowledged batches that the log no longer holds again,
    /// oldest first. The log is contiguous, so the search goes back from the newest until one is
    /// found; anything the connector cannot tell leaves the log alone rather than risk a copy.
    /// True when batches were put back (the partition then needs new sequence numbers).
    private func restoreAcknowledged(of buffer: PartitionBuffer) async -> Bool {
        let (kept, floor) = buffer.acknowledgedSnapshot()
        var firstAbsent = kept.count
        var logEnd: Int64 = 0
        search: for index in kept.indices.reversed() {
            switch await presenceRetried(of: kept[index], in: buffer, within: Self.offsetBounds(of: index, in: kept, floor: floor)) {
            case .present: break search
            case .unknown, .unreachable: return false
            case .absent(let end):
                firstAbsent = index
                logEnd = end
            }
        }
        guard firstAbsent < kept.count else { return false }
        let repairs = kept[firstAbsent...].map(\.batch)
        buffer.forgetAcknowledged(repairs, budget: retainedBudget)
        buffer.insertRepairs(repairs)
        // What was acknowledged before the oldest batch still kept, and is not in the log either, is gone.
        let oldestAbsent = kept[firstAbsent].baseOffset >= 0
            ? kept[firstAbsent].baseOffset : Self.offsetBounds(of: firstAbsent, in: kept, floor: floor).lowerBound
        let lostBefore = oldestAbsent - logEnd
        if lostBefore > 0 { buffer.recordLostByBroker(Int(lostBefore), logEnd: logEnd, now: .now()) }
        return true
    }

    /// Where the kept batch at `index` can lie: its offset when known; else after the batch kept
    /// before it (the log is in order; `floor` when none is) and before the one kept after it.
    /// With neither it cannot be placed: `lowerBound` is then -1.
    static func offsetBounds(of index: Int, in kept: [AcknowledgedBatch], floor: Int64) -> Range<Int64> {
        let batch = kept[index]
        if batch.baseOffset >= 0 { return batch.baseOffset..<(batch.baseOffset &+ Int64(batch.batch.messageCount)) }
        let before = kept[..<index].last { $0.baseOffset >= 0 }
        let after = kept[(index + 1)...].first { $0.baseOffset >= 0 }
        let lower = before.map { $0.baseOffset &+ Int64($0.batch.messageCount) } ?? floor
        return lower..<max(lower, after?.baseOffset ?? .max)
    }

    private enum Presence {
        case present
        /// Not in the log, which ends at the offset given.
        case absent(logEnd: Int64)
        case unknown
        /// The broker could not be asked (yet).
        case unreachable(KafkaError)
    }

    /// `presence`, asked again while the answer cannot be had (the broker is coming back, a
    /// connection was cut): giving up means not restoring what the broker lost. Each failure is
    /// logged; after `delivery.timeout.ms` the batch is taken as unknown (left alone).
    private func presenceRetried(of kept: AcknowledgedBatch, in buffer: PartitionBuffer, within bounds: Range<Int64>) async -> Presence {
        guard bounds.lowerBound >= 0 else { return .unknown }
        let started = NIODeadline.now()
        let streak = RetryStreak("checking which acknowledged batches \(buffer.topic)/\(buffer.partition) still holds", logger: client.config.logger)
        while true {
            switch await presence(of: kept, in: buffer, within: bounds) {
            case .unreachable(let error):
                // What a retry cannot change (a broker's answer refused, Tansu's Fetch that leaves
                // the partition out) is an unknown: the partition's log is left alone.
                guard error.isRetriable else { return .unknown }
                let failures = streak.failed(broker: error.broker ?? "leader of \(buffer.topic)/\(buffer.partition)", reason: error.description)
                guard !isClosed, NIODeadline.now() - started < .milliseconds(Int64(settings.deliveryTimeoutMs)) else { return .unknown }
                try? await Task.sleep(nanoseconds: UInt64(min(100 << min(failures - 1, 5), 2_000)) * 1_000_000)
            case let known:
                streak.succeeded()
                return known
            }
        }
    }

    /// Whether the log still holds `kept` where it can lie (`bounds`, its offset when known): a
    /// record there with its first record's key and value. Fetches on through the range, a few
    /// answers at most, for a batch whose offset is not known.
    private func presence(of kept: AcknowledgedBatch, in buffer: PartitionBuffer, within bounds: Range<Int64>) async -> Presence {
        guard let wire = kept.batch.wire else { return .unknown }
        var reader = RecordBatchReader(wire)
        guard let ours = try? reader.next()?.records().first else { return .unknown }
        var offset = bounds.lowerBound
        for _ in 0..<8 {
            let fetched: FetchedPartition
            do throws(KafkaError) {
                fetched = try await client.fetch(topic: buffer.topic, partition: buffer.partition, offset: offset, maxWaitMs: 0)
            } catch let error where error.kafkaErrorCode == .offsetOutOfRange {
                do throws(KafkaError) {
                    guard let end = try await client.listOffsets(topic: buffer.topic, partitions: [buffer.partition], spec: .latest).first?.offset
                    else { return .unknown }
                    return .absent(logEnd: min(end, bounds.lowerBound))
                } catch {
                    return .unreachable(error)
                }
            } catch {
                return .unreachable(error)
            }
            let candidates = fetched.messages.filter { $0.offset >= offset && bounds.contains($0.offset) }
            if kept.baseOffset >= 0 {
                // The known offset: that record, or nothing of ours.
                guard let found = candidates.first(where: { $0.offset == kept.baseOffset }) else {
                    return .absent(logEnd: min(fetched.highWatermark, kept.baseOffset))
                }
                return found.key == ours.key && found.value == ours.value ? .present : .absent(logEnd: kept.baseOffset)
            }
            if candidates.contains(where: { $0.key == ours.key && $0.value == ours.value }) { return .present }
            // Past the range, or at the log's end: it is not there.
            if fetched.nextOffset >= bounds.upperBound || fetched.nextOffset >= fetched.highWatermark || fetched.nextOffset <= offset {
                return .absent(logEnd: min(fetched.highWatermark, bounds.lowerBound))
            }
            offset = fetched.nextOffset
        }
        return .unknown
    }

    /// A fresh producer id and epoch from the cluster.
    func requestIdentity() async throws(KafkaError) -> ProducerIdentity {
        let connection = try await client.anyConnection()
        let response: InitProducerIdResponse
        do {
            response = try await connection.send(InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: -1))
        } catch let error where error.code == .unsupportedApi {
            throw .invalidConfiguration(
                "enable.idempotence=true, but broker \(error.broker ?? connection.address.description) cannot give a producer id"
                    + " (\(error.description))")
        }
        let code = KafkaErrorCode(rawValue: response.errorCode)
        // Retriable codes (COORDINATOR_LOAD_IN_PROGRESS, ...) fail this attempt; the caller tries again.
        guard code == .none else {
            throw .broker(code: code, context: "enable.idempotence=true: InitProducerId to broker \(connection.address)", message: nil)
        }
        guard response.producerId >= 0, response.producerEpoch >= 0 else {
            throw .protocolViolation(broker: connection.address.description,
                                     detail: "InitProducerId gave producer id \(response.producerId), epoch \(response.producerEpoch)")
        }
        return ProducerIdentity(producerId: response.producerId, epoch: response.producerEpoch)
    }
}
