import Atomics
import Dispatch
import KafkaProtocol
import NIOConcurrencyHelpers
import NIOCore

/// Everything behind `KafkaProducer`: topic routes, one sink per broker, linger timers,
/// the compression workers and the bookkeeping of every message until its report.
package final class ProducerCore: Sendable {
    let client: KafkaClient
    let settings: KafkaProducerConfiguration
    let accounting: BufferAccounting
    let reports: DeliveryReports
    let timerLoop: any EventLoop
    let topics = NIOLockedValueBox<[String: TopicRoute]>([:])
    /// The route of the last send; `topics` keeps every route while the core lives.
    private let lastRoute = UnretainedReference<TopicRoute>()
    let sinks = NIOLockedValueBox<[SinkKey: BrokerSink]>([:])
    let routing = NIOLockedValueBox<[SinkKey: [PartitionBuffer]]>([:])
    /// Topics given partition buffers so far: each topic's lanes start one further, so topics
    /// of one partition still spread over the connections.
    private let routesOpened = ManagedAtomic<Int>(0)
    let reportsEnabled = ManagedAtomic<Bool>(false)
    let closed = ManagedAtomic<Bool>(false)
    /// Set once the producer cannot go on (PRODUCER_FENCED): every send after it fails with `fatalError`.
    let fatal = ManagedAtomic<Bool>(false)
    let fatalError = NIOLockedValueBox<KafkaError?>(nil)
    /// The last reason something failed (a connection, a metadata refresh, InitProducerId), told
    /// with a delivery timeout so the user learns why nothing was acknowledged.
    let lastTrouble = NIOLockedValueBox<String?>(nil)
    let firstFailureBox = NIOLockedValueBox<KafkaError?>(nil)

    /// The first failure booked (only failures take this lock).
    var firstFailure: KafkaError? { firstFailureBox.withLockedValue { $0 } }

    func noteFailure(_ error: KafkaError) { firstFailureBox.withLockedValue { $0 = $0 ?? error } }
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
    let retentionHeldUntil = ManagedAtomic<UInt64>(0)
    /// Set once, at the end of `init` (it needs `self`), cancelled by `close`.
    let housekeeping = NIOLockedValueBox<RepeatedTask?>(nil)
    /// The leader refresh in flight, its backoff and its failures.
    let leaderRefresh: SingleFlight

    package init(client: KafkaClient, settings: KafkaProducerConfiguration) {
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
            let error = fatalError.withLockedValue { $0 } ?? KafkaError(KafkaError.clientClosed)
            if !closed.load(ordering: .relaxed) { failed.wrappingIncrement(ordering: .relaxed) }
            return reject(error, topic: topic, waiter: waiter, releasing: reserved ? size : nil)
        }
        let batchBytes = Self.singleMessageBatchBytes(keyCount: key?.count, valueCount: value?.count, headers: headers)
        if batchBytes > settings.maxMessageBytes {
            let error = KafkaError(
                code: .messageTooLarge, topic: topic, partition: partition ?? -1,
                detail: "message of \(batchBytes) bytes with its headers and batch header exceeds message.max.bytes (\(settings.maxMessageBytes))")
            failed.wrappingIncrement(ordering: .relaxed)
            return reject(error, topic: topic, waiter: waiter, releasing: reserved ? size : nil)
        }
        if !reserved && !accounting.tryReserve(bytes: size) { return .queueFull }
        let stamp = timestamp ?? WallClock.milliseconds()
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
        _ error: KafkaError, topic: String, waiter: DeliveryWaiter?, releasing reservedBytes: Int?
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
                finish(batch, of: buffer, result: .failure(KafkaError(code: .invalidRecord, topic: buffer.topic, partition: buffer.partition, detail: "\(error)")))
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
                    _ = reject(KafkaError(error), topic: route.name, waiter: message.waiter, releasing: size)
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
                } catch let error where error.kafkaErrorCode == .topicAlreadyExists {
                    // Someone else created it meanwhile.
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

    // MARK: Idempotence

    private func ensureIdentity() async throws(KafkaError) {
        if identity.withLockedValue({ $0 }) != nil { return }
        let fresh = try await requestIdentity()
        identity.withLockedValue { $0 = $0 ?? fresh }
    }

}

func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}

#if canImport(Glibc)
import Glibc
#endif
