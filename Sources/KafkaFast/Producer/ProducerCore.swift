import Atomics
import Dispatch
import KafkaProtocol
import NIOConcurrencyHelpers
import NIOCore

/// Everything behind `KafkaConnector`: topic routes, one sink per broker, linger timers,
/// the compression workers and the bookkeeping of every message until its report.
package final class ProducerCore: Sendable {
    let client: KafkaClient
    let settings: ProducerSettings
    let accounting: BufferAccounting
    let reports: DeliveryReports
    let timerLoop: any EventLoop
    private let topics = NIOLockedValueBox<[String: TopicRoute]>([:])
    /// The route of the last send; `topics` keeps every route while the core lives.
    private let lastRoute = UnretainedReference<TopicRoute>()
    private let sinks = NIOLockedValueBox<[SinkKey: BrokerSink]>([:])
    private let routing = NIOLockedValueBox<[SinkKey: [PartitionBuffer]]>([:])
    /// Topics given partition buffers so far: each topic's lanes start one further, so topics
    /// of one partition still spread over the connections.
    private let routesOpened = ManagedAtomic<Int>(0)
    private let reportsEnabled = ManagedAtomic<Bool>(false)
    private let closed = ManagedAtomic<Bool>(false)
    /// Set once the producer cannot go on (PRODUCER_FENCED): every send after it fails with `fatalError`.
    private let fatal = ManagedAtomic<Bool>(false)
    private let fatalError = NIOLockedValueBox<DeliveryError?>(nil)
    /// The last reason something failed (a connection, a metadata refresh, InitProducerId), told
    /// with a delivery timeout so the user learns why nothing was acknowledged.
    private let lastTrouble = NIOLockedValueBox<String?>(nil)
    private let firstFailureBox = NIOLockedValueBox<DeliveryError?>(nil)

    /// The first failure booked (only failures take this lock).
    var firstFailure: DeliveryError? { firstFailureBox.withLockedValue { $0 } }

    private func noteFailure(_ error: DeliveryError) { firstFailureBox.withLockedValue { $0 = $0 ?? error } }
    /// Flushes under way: while any runs, new batches skip their linger.
    let flushing = ManagedAtomic<Int>(0)
    let delivered = ManagedAtomic<Int>(0)
    let failed = ManagedAtomic<Int>(0)
    /// The idempotent producer's id and epoch, once known; new partition buffers start with it.
    let identity = NIOLockedValueBox<ProducerIdentity?>(nil)
    let recoveryGate = SequenceRecoveryGate()
    /// Acknowledged batches kept per partition for a restore after a broker lost them.
    let retainedBudget: RetainedBatchBudget
    let bufferPool: RecordBufferPool
    /// Uptime (ns) before which no acknowledged batch is let go (see `brokerTrouble`).
    private let retentionHeldUntil = ManagedAtomic<UInt64>(0)
    /// Set once, at the end of `init` (it needs `self`), cancelled by `close`.
    private let housekeeping = NIOLockedValueBox<RepeatedTask?>(nil)
    /// The leader refresh in flight, its backoff and its failures.
    let leaderRefresh: SingleFlight

    package init(client: KafkaClient, settings: ProducerSettings) {
        self.client = client
        self.settings = settings
        self.accounting = BufferAccounting(maxMessages: settings.maxBufferedMessages, maxBytes: settings.maxBufferedKilobytes * 1024)
        self.reports = DeliveryReports(accounting: accounting)
        self.retainedBudget = RetainedBatchBudget(limit: min(64 << 20, settings.maxBufferedKilobytes * 1024 / 4))
        self.bufferPool = RecordBufferPool(maxBytes: settings.maxBufferedKilobytes * 1024)
        self.timerLoop = client.group.next()
        self.leaderRefresh = SingleFlight(RetryStreak("producer metadata refresh", logger: client.config.logger))
        let task = timerLoop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { [weak self] _ in
            self?.tidy()
        }
        housekeeping.withLockedValue { $0 = task }
    }

    // MARK: Sending

    func enqueue(
        topic: String, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [MessageHeader],
        partition: Int32?, timestamp: Int64?, waiter: DeliveryWaiter?, reserved: Bool, waitingSince: NIODeadline? = nil
    ) -> SendStatus {
        let size = (key?.count ?? 0) + (value?.count ?? 0)
        if closed.load(ordering: .relaxed) || fatal.load(ordering: .relaxed) {
            let error = fatalError.withLockedValue { $0 } ?? DeliveryError(KafkaError.clientClosed)
            if !closed.load(ordering: .relaxed) { failed.wrappingIncrement(ordering: .relaxed) }
            return reject(error, topic: topic, waiter: waiter, releasing: reserved ? size : nil)
        }
        let batchBytes = Self.singleMessageBatchBytes(keyCount: key?.count, valueCount: value?.count, headers: headers)
        if batchBytes > settings.maxMessageBytes {
            let error = DeliveryError(
                code: .messageTooLarge, topic: topic, partition: partition ?? -1,
                detail: "message of \(batchBytes) bytes with its headers and batch header exceeds message.max.bytes (\(settings.maxMessageBytes))")
            failed.wrappingIncrement(ordering: .relaxed)
            return reject(error, topic: topic, waiter: waiter, releasing: reserved ? size : nil)
        }
        if !reserved && !accounting.tryReserve(bytes: size) { return .queueFull }
        let stamp = timestamp ?? Self.wallClockMilliseconds()
        return withRoute(for: topic) { route in
            let direct = route.withOpenTable { table in
                table.unretained.withUnsafeBufferPointer { buffers in
                    guard let chosen = choosePartition(route: route, count: Int32(buffers.count), key: key, partition: partition)
                    else { return rejectUnknownPartition(partition, of: route, waiter: waiter, size: size) }
                    return buffers[Int(chosen)]._withUnsafeGuaranteedRef { buffer in
                        append(to: buffer, chosen: chosen, route: route, partitionCount: Int32(buffers.count), key: key, value: value,
                               headers: headers, timestamp: stamp, waiter: waiter, waitingSince: waitingSince)
                    }
                }
            }
            return direct ?? enqueueWhileLoading(route, key: key, value: value, headers: headers, partition: partition,
                                                  timestamp: stamp, waiter: waiter, size: size, waitingSince: waitingSince)
        }
    }

    /// The send path before the topic's metadata arrived (or after it failed).
    private func enqueueWhileLoading(
        _ route: TopicRoute, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [MessageHeader],
        partition: Int32?, timestamp stamp: Int64, waiter: DeliveryWaiter?, size: Int, waitingSince: NIODeadline?
    ) -> SendStatus {
        while true {
            if let partitions = route.partitions {
                return append(route: route, partitions: partitions, key: key, value: value, headers: headers,
                              partition: partition, timestamp: stamp, waiter: waiter, size: size, waitingSince: waitingSince)
            }
            if let failure = route.failure {
                failed.wrappingIncrement(ordering: .relaxed)
                return reject(.init(failure), topic: route.name, waiter: waiter, releasing: size)
            }
            let pending = TopicRoute.PendingMessage(
                key: key.map { Array($0) }, value: value.map { Array($0) }, headers: headers,
                partition: partition, timestamp: stamp, waiter: waiter, waitingSince: waitingSince)
            if route.enqueuePending(pending) { return .enqueued }
        }
    }

    /// Every message gets a report: a refused one too, on the report stream when nobody awaits it.
    /// Its reserved space (`releasing` bytes) is given back only after the report is out, so a
    /// flush waiting for the buffer to empty cannot close the stream before the report is in it.
    private func reject(
        _ error: DeliveryError, topic: String, waiter: DeliveryWaiter?, releasing reservedBytes: Int?
    ) -> SendStatus {
        noteFailure(error)
        if let waiter { waiter.resume(throwing: error) } else { publishFailure(topic: topic, error: error) }
        if let reservedBytes { accounting.release(messages: 1, bytes: reservedBytes) }
        return .rejected(error)
    }

    private func append(
        route: TopicRoute, partitions: [PartitionBuffer], key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
        headers: [MessageHeader], partition: Int32?, timestamp: Int64,
        waiter: DeliveryWaiter?, size: Int, waitingSince: NIODeadline?
    ) -> SendStatus {
        let count = Int32(partitions.count)
        guard let chosen = choosePartition(route: route, count: count, key: key, partition: partition)
        else { return rejectUnknownPartition(partition, of: route, waiter: waiter, size: size) }
        return append(to: partitions[Int(chosen)], chosen: chosen, route: route, partitionCount: count, key: key, value: value,
                      headers: headers, timestamp: timestamp, waiter: waiter, waitingSince: waitingSince)
    }

    /// The partition a message goes to: the one asked for, or the partitioner's choice. nil
    /// when the one asked for does not exist.
    @inline(__always)
    private func choosePartition(route: TopicRoute, count: Int32, key: UnsafeRawBufferPointer?, partition: Int32?) -> Int32? {
        guard let partition else { return route.chooser.partition(key: key, partitionCount: count) }
        return partition >= 0 && partition < count ? partition : nil
    }

    private func rejectUnknownPartition(_ partition: Int32?, of route: TopicRoute, waiter: DeliveryWaiter?, size: Int) -> SendStatus {
        failed.wrappingIncrement(ordering: .relaxed)
        return reject(.init(KafkaError.unknownPartition(topic: route.name, partition: partition ?? -1)), topic: route.name,
                      waiter: waiter, releasing: size)
    }

    @inline(__always)
    private func append(
        to buffer: PartitionBuffer, chosen: Int32, route: TopicRoute, partitionCount count: Int32,
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [MessageHeader], timestamp: Int64,
        waiter: DeliveryWaiter?, waitingSince: NIODeadline?
    ) -> SendStatus {
        let outcome = buffer.append(
            key: key, value: value, headers: headers, timestamp: timestamp, settings: settings, waiter: waiter, waitingSince: waitingSince)
        if let opened = outcome.opened { armLinger(buffer, opened, route: route, partitionCount: count) }
        if outcome.sealed {
            route.chooser.batchSealed(partition: chosen, partitionCount: count)
            startCompression(buffer)
        }
        return .enqueued
    }

    private func armLinger(_ buffer: PartitionBuffer, _ generation: UInt64, route: TopicRoute, partitionCount: Int32) {
        let linger = flushing.load(ordering: .relaxed) > 0 ? 0 : settings.lingerMs
        timerLoop.scheduleTask(in: .milliseconds(Int64(linger))) { [self] in
            if buffer.sealOpenBatch(generation: generation) {
                route.chooser.batchSealed(partition: buffer.partition, partitionCount: partitionCount)
                startCompression(buffer)
            }
        }
    }

    /// Finishes the partition's sealed batches in order: compressed on a worker thread, so batches
    /// of different partitions compress in parallel on every core; uncompressed ones (only a
    /// checksum to compute) right here, since handing them to another thread costs more than that.
    package func startCompression(_ buffer: PartitionBuffer) {
        guard buffer.beginCompressing() else { return }
        if settings.compression == .none { return finishSealedBatches(of: buffer) }
        DispatchQueue.global(qos: .userInitiated).async { [self] in finishSealedBatches(of: buffer) }
    }

    private func finishSealedBatches(of buffer: PartitionBuffer) {
        while let (batch, stamp) = buffer.nextToCompress() {
            var output = settings.compression == .none
                ? ByteBuffer() : buffer.spareOutput(capacity: batch.records.uncompressedBatchByteCount + 128)
            do {
                let (wire, summary) = try batch.records.finishInPlace(
                    codec: settings.compression, level: settings.compressionLevel == -1 ? nil : settings.compressionLevel,
                    stamp: stamp, compressionOutput: &output)
                output = ByteBuffer()  // the wire alone holds the storage now, so it can be reused later
                buffer.finishedCompressing(batch, wire: wire, inPlace: summary.codec == .none, stamp: stamp)
            } catch {
                buffer.finishedCompressing(batch, wire: ByteBuffer(), inPlace: false, stamp: stamp)
                finish(batch, of: buffer, result: .failure(DeliveryError(code: .invalidRecord, topic: buffer.topic, partition: buffer.partition, detail: "\(error)")))
                continue
            }
            sink(for: buffer)?.wakeup()
        }
    }

    // MARK: Routing

    @inline(__always)
    private func withRoute<Result>(for topic: String, _ body: (TopicRoute) -> Result) -> Result {
        // Most sends go to the topic of the send before: no lock, no hashing (equal short strings
        // compare in one step), no retain.
        if let result = lastRoute.withObject({ last in last.name == topic && last.isOpen ? body(last) : nil }) ?? nil {
            return result
        }
        let route = lookUpRoute(topic)
        lastRoute.publish(route)
        return body(route)
    }

    private func lookUpRoute(_ topic: String) -> TopicRoute {
        let (route, isNew) = topics.withLockedValue { topics -> (TopicRoute, Bool) in
            if let existing = topics[topic] { return (existing, false) }
            let route = TopicRoute(name: topic, partitioner: settings.partitioner)
            topics[topic] = route
            return (route, true)
        }
        if isNew && openFromCachedMetadata(route) { return route }
        if isNew || route.resetIfFailed() {
            Task { await load(route) }
        }
        return route
    }

    /// Opens a new route at once when the client already knows the topic, so the first messages
    /// go straight into partition buffers instead of waiting (copied) for a metadata request.
    private func openFromCachedMetadata(_ route: TopicRoute) -> Bool {
        guard !settings.idempotence || identity.withLockedValue({ $0 }) != nil,
              let known = client.metadataCache.current?.topics[route.name], known.error == .none,
              !known.partitions.isEmpty, known.partitions.allSatisfy({ $0.leader >= 0 })
        else { return false }
        let buffers = partitionBuffers(for: known)
        _ = route.resolve(.success(buffers))
        // Another thread may have queued a message in the moment the route was loading.
        replayPendingAndOpen(route, partitions: buffers)
        rebuildRouting()
        return true
    }

    private func partitionBuffers(for metadata: TopicMetadata) -> [PartitionBuffer] {
        let identity = identity.withLockedValue { $0 }
        let firstLane = routesOpened.wrappingIncrementThenLoad(ordering: .relaxed)
        return metadata.partitions.map { partition in
            let lane = (firstLane + Int(partition.id)) % settings.connectionsPerBroker
            let buffer = PartitionBuffer(topic: metadata.name, partition: partition.id, lane: lane, identity: identity, pool: bufferPool)
            buffer.leader = partition.leader
            return buffer
        }
    }

    private func load(_ route: TopicRoute) async {
        let result: Result<[PartitionBuffer], KafkaError>
        do {
            if settings.idempotence { try await ensureIdentity() }
            result = .success(partitionBuffers(for: try await topicMetadata(route.name)))
        } catch {
            result = .failure(error)
        }
        let failedPending = route.resolve(result)
        guard case .success(let partitions) = result else {
            for message in failedPending {
                // Each was reserved when queued; the failure reaches the sender as a report.
                let size = (message.key?.count ?? 0) + (message.value?.count ?? 0)
                failed.wrappingIncrement(ordering: .relaxed)
                if case .failure(let error) = result {
                    _ = reject(DeliveryError(error), topic: route.name, waiter: message.waiter, releasing: size)
                }
            }
            return
        }
        replayPendingAndOpen(route, partitions: partitions)
        // Only now is the route open, so only now do its partitions join the sinks' routing.
        rebuildRouting()
        wakeAllSinks()
    }

    /// Appends the messages that waited for the topic's metadata, in arrival order (sends made
    /// meanwhile keep queueing behind them), then opens the route for direct appends.
    private func replayPendingAndOpen(_ route: TopicRoute, partitions: [PartitionBuffer]) {
        while let pending = route.takePendingOrOpen() {
            for message in pending {
                let size = (message.key?.count ?? 0) + (message.value?.count ?? 0)
                _ = withOptionalBytes(message.key) { key in
                    withOptionalBytes(message.value) { value in
                        append(route: route, partitions: partitions, key: key, value: value, headers: message.headers,
                               partition: message.partition, timestamp: message.timestamp,
                               waiter: message.waiter, size: size, waitingSince: message.waitingSince)
                    }
                }
            }
        }
    }

    private func topicMetadata(_ topic: String) async throws(KafkaError) -> TopicMetadata {
        var attempt = 0
        while true {
            let metadata = try await client.metadata(topics: [topic], refresh: true)
            if let found = metadata.topics[topic], found.error == .none, !found.partitions.isEmpty {
                return found
            }
            let code = metadata.topics[topic]?.error ?? .unknownTopicOrPartition
            if code == .unknownTopicOrPartition && settings.autoCreateTopics && attempt == 0 {
                do {
                    try await client.createTopic(topic)
                } catch .broker(code: .topicAlreadyExists, _, _) {
                }
            } else if code == .unknownTopicOrPartition && !settings.autoCreateTopics {
                throw .unknownTopic(topic)
            } else if attempt >= 20 {
                throw .broker(code: code, context: "metadata for topic '\(topic)'", message: nil)
            }
            attempt += 1
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    /// Leaders after a metadata refresh; partitions whose leader moved go to the new sink. One
    /// refresh at a time (the housekeeping tick, sinks that cannot connect and leader errors all
    /// ask), at most one per `retry.backoff.ms` while they fail, each failure logged.
    func refreshLeaders() async {
        let names = topics.withLockedValue { Array($0.keys) }
        guard !names.isEmpty, leaderRefresh.begin() else { return }
        defer { leaderRefresh.end(backoffMs: settings.retryBackoffMs) }
        do throws(KafkaError) {
            applyLeaders(try await client.metadata(topics: names, refresh: true))
            leaderRefresh.streak.succeeded()
        } catch {
            leaderRefresh.streak.failed(broker: error.brokerName ?? "any", reason: error.description)
            noteTrouble(error.description)
        }
    }

    /// Gives each partition buffer its leader from `metadata` (checked by `ClusterMetadata`:
    /// partition ids 0..<count, leaders that are brokers of the answer or -1). A topic whose
    /// partition count changed keeps its buffers: only partitions both know are updated.
    package func applyLeaders(_ metadata: ClusterMetadata) {
        for (name, route) in topics.withLockedValue({ $0 }) {
            guard let buffers = route.partitions, let topic = metadata.topics[name] else { continue }
            for partition in topic.partitions where buffers.indices.contains(Int(partition.id)) {
                buffers[Int(partition.id)].leader = partition.leader
            }
        }
        rebuildRouting()
        wakeAllSinks()
    }

    private func rebuildRouting() {
        let all = topics.withLockedValue { $0.values.compactMap(\.partitions) }.flatMap { $0 }
        var bySink: [SinkKey: [PartitionBuffer]] = [:]
        for buffer in all { bySink[SinkKey(nodeId: buffer.leader, lane: buffer.lane), default: []].append(buffer) }
        routing.withLockedValue { $0 = bySink }
    }

    func partitions(for sink: SinkKey) -> [PartitionBuffer] { routing.withLockedValue { $0[sink] ?? [] } }

    package func allPartitions() -> [PartitionBuffer] { routing.withLockedValue { $0.values.flatMap { $0 } } }

    /// The sink of the partition's leader and lane, nil while no leader is known.
    func sink(for buffer: PartitionBuffer) -> BrokerSink? { sink(for: SinkKey(nodeId: buffer.leader, lane: buffer.lane)) }

    private func sink(for key: SinkKey) -> BrokerSink? {
        guard key.nodeId >= 0 else { return nil }
        return sinks.withLockedValue { sinks in
            if let sink = sinks[key] { return sink }
            let sink = BrokerSink(key: key, core: self, eventLoop: client.group.next())
            sinks[key] = sink
            return sink
        }
    }

    func wakeAllSinks() {
        for key in routing.withLockedValue({ Array($0.keys) }) { sink(for: key)?.wakeup() }
    }

    // MARK: Idempotence

    private func ensureIdentity() async throws(KafkaError) {
        if identity.withLockedValue({ $0 }) != nil { return }
        let fresh = try await requestIdentity()
        identity.withLockedValue { $0 = $0 ?? fresh }
    }

    // MARK: Completion

    package enum BatchResult {
        case success(baseOffset: Int64)
        case failure(DeliveryError)

        /// The code the partition's counters book: nil on success, UNKNOWN_SERVER_ERROR for a
        /// failure that has no broker code (a transport error).
        var errorCode: KafkaErrorCode? {
            guard case .failure(let failure) = self else { return nil }
            return failure.code ?? .unknownServerError
        }
    }

    /// Books a batch's outcome: counters, awaiting senders, the report stream and the buffer space.
    package func finish(_ batch: ProducerBatch, of buffer: PartitionBuffer, result: BatchResult) {
        let now = NIODeadline.now()
        if batch.isRepair {
            // Its messages were reported when first acknowledged; only the partition books it.
            return buffer.completeRepair(batch, error: result.errorCode, now: now)
        }
        let error: DeliveryError?
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

    private func publishFailure(topic: String, error: DeliveryError) {
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
    private func tidy() {
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
        let error = DeliveryError(
            timedOutAfterMs: settings.deliveryTimeoutMs, topic: buffer.topic, partition: buffer.partition,
            lastError: lastTrouble.withLockedValue { $0 })
        finish(batch, of: buffer, result: .failure(error))
    }

    /// Remembers why something failed, for the delivery timeouts that may follow.
    func noteTrouble(_ reason: String) { lastTrouble.withLockedValue { $0 = reason } }

    /// Fails every batch no request carries: sealed, ready and the open one (in-flight batches
    /// are settled by their answers). For errors no retry can mend.
    func failAllUnsent(_ error: DeliveryError) {
        for buffer in allPartitions() {
            _ = buffer.sealOpenBatch()
            for batch in buffer.takeUnsent() { finish(batch, of: buffer, result: .failure(error)) }
        }
    }

    /// PRODUCER_FENCED: another producer took over this producer id. As librdkafka and the Java
    /// client do, the producer stops for good: this batch, everything waiting and every later
    /// send fail with it.
    func fenced(_ batch: ProducerBatch, of buffer: PartitionBuffer, by broker: String) {
        let error = DeliveryError(
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

    static func wallClockMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}

#if canImport(Glibc)
import Glibc
#endif
