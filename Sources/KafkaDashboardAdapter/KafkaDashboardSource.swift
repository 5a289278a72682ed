import KafkaDashboard
import KafkaFast
import NIOCore
import Synchronization

/// The dashboard's data source on the real client: one `KafkaClient` for metadata, watermarks and the
/// tail, and a `KafkaProducer` sharing it for sends and the load generator.
///
/// Every call returns what one round of requests gives; errors become status events or thrown errors
/// with the client's one-line description, so the dashboard never waits on a dead broker.
package final class KafkaDashboardSource: DashboardDataSource {
    package let client: KafkaClient
    package let producer: KafkaProducer
    let events: AsyncStream<StatusEvent>.Continuation
    private let eventStream: AsyncStream<StatusEvent>
    let state = Mutex(MutableState())

    /// Watermark requests in flight at once: enough to refresh a few dozen topics within a second,
    /// few enough not to crowd out the tail and the producer on a small broker.
    static let watermarkConcurrency = 4

    struct MutableState: Sendable {
        /// Watermarks from the last successful request per topic, kept when a refresh of them fails.
        var watermarks: [String: [Int32: PartitionWatermarks]] = [:]
        /// Topics whose watermark failure was already reported, so it is said once, not every second.
        var reportedWatermarkFailures: Set<String> = []
        /// Topics deleted from the dashboard: their watermarks now fail as expected, which is not
        /// news to report over the "deleted topic" line (until a topic of that name is back).
        var deletedTopics: Set<String> = []
        /// Connectors for codecs other than the configured one, created on first use.
        var codecConnectors: [KafkaDashboard.CompressionCodec: KafkaProducer] = [:]
        var load: LoadGenerator?
        var consumed = ConsumedRates()
        /// Acknowledged produce traffic by leader, from the latest producer snapshot (the brokers view).
        var produceByLeader: [Int32: Throughput] = [:]
    }

    let brokerMeter = BrokerActivityMeter()

    package init(config: KafkaConfiguration) throws(KafkaError) {
        client = try KafkaClient(config: config)
        producer = try KafkaProducer(client: client)
        (eventStream, events) = AsyncStream<StatusEvent>.makeStream(bufferingPolicy: .bufferingNewest(64))
    }

    /// Stops the load generator, gives buffered messages `flushSeconds` to be delivered and closes every
    /// connection: quitting must not wait out the delivery timeout when a broker is gone.
    package func shutdown(flushSeconds: Double = 2) async {
        await setLoadGenerator(nil)
        let connectors = [producer] + state.withLock { Array($0.codecConnectors.values) }
        // Not a task group: a group waits for all its children before it returns, and a producer's
        // flush only ends when its messages are acknowledged or time out. The flush is left running
        // past the bound; the process exits right after.
        _ = await waitAtMost(.milliseconds(Int(flushSeconds * 1000))) {
            for each in connectors { await each.close() }
        }
        client.close()
        events.finish()
    }

    func report(_ severity: StatusEvent.Severity, _ message: String) {
        events.yield(StatusEvent(severity, message, atMillis: Self.nowMillis()))
    }

    static func nowMillis() -> Int64 { WallClock.milliseconds() }

    // MARK: - Cluster

    package func clusterSnapshot() async throws -> ClusterSnapshot {
        let metadata = try await client.metadata(refresh: true)
        let topics = metadata.sortedTopics
        await refreshWatermarks(of: topics.filter { $0.error == .none && !$0.partitions.isEmpty }.map(\.name))
        // Taken after the watermarks: their requests are what finds a broker down.
        let statistics = client.brokerStatistics()
        let reach = Dictionary(statistics.map { ($0.address, $0.state) }, uniquingKeysWith: { first, _ in first })
        func reachability(_ address: BrokerAddress) -> ClusterSnapshot.ConnectionState {
            // A broker the client has no connection to is not known to be down: it has not been needed yet.
            switch reach[address] {
            case .up?: .connected
            case .down?: .disconnected
            case .idle?, nil: .connecting
            }
        }
        var brokers = metadata.sortedBrokers.map { broker in
            ClusterSnapshot.Broker(id: broker.id, address: broker.address.description, state: reachability(broker.address))
        }
        // A broker that went down drops out of the cluster's metadata; it stays on screen, down.
        for gone in statistics where !gone.isListed && gone.state == .down {
            guard let id = gone.nodeId, !brokers.contains(where: { $0.id == id }) else { continue }
            brokers.append(ClusterSnapshot.Broker(id: id, address: gone.address.description, state: .disconnected))
        }
        brokers.sort { $0.id < $1.id }
        let watermarks = state.withLock { $0.watermarks }
        return ClusterSnapshot(
            clusterID: metadata.clusterId, brokers: brokers,
            topics: topics.map { topic in
                let known = watermarks[topic.name] ?? [:]
                return ClusterSnapshot.Topic(
                    name: topic.name, isInternal: topic.isInternal,
                    partitions: topic.partitions.sorted { $0.id < $1.id }.map { partition in
                        ClusterSnapshot.Partition(
                            id: partition.id, leader: partition.leader,
                            lowWatermark: known[partition.id]?.low ?? 0, highWatermark: known[partition.id]?.high ?? 0)
                    })
            })
    }

    /// Asks for the watermarks of `topics`, at most `watermarkConcurrency` at a time.
    private func refreshWatermarks(of topics: [String]) async {
        // Kept plain on purpose: a release build crashed copying this group's results when the
        // children used a typed-throws do block and a nested function captured the group.
        let client = self.client
        await withTaskGroup(of: WatermarkResult.self) { group in
            var running = 0
            for topic in topics {
                if running >= Self.watermarkConcurrency, let done = await group.next() {
                    record(done.result, for: done.topic)
                    running -= 1
                }
                group.addTask { await WatermarkResult.fetch(topic, from: client) }
                running += 1
            }
            for await done in group { record(done.result, for: done.topic) }
        }
        let current = Set(topics)
        state.withLock { state in state.watermarks = state.watermarks.filter { current.contains($0.key) } }
    }

    /// A topic the dashboard just deleted.
    func forgetDeleted(_ topic: String) {
        state.withLock { state in
            state.deletedTopics.insert(topic)
            state.watermarks[topic] = nil
        }
    }

    private func record(_ result: Result<[PartitionWatermarks], KafkaError>, for topic: String) {
        switch result {
        case .success(let marks):
            state.withLock { state in
                state.watermarks[topic] = Dictionary(marks.map { ($0.partition, $0) }, uniquingKeysWith: { $1 })
                state.reportedWatermarkFailures.remove(topic)
                state.deletedTopics.remove(topic)
            }
        case .failure(let error):
            let isNew = state.withLock { !$0.deletedTopics.contains(topic) && $0.reportedWatermarkFailures.insert(topic).inserted }
            if isNew { report(.warning, "watermarks of \(topic): \(error.description)") }
        }
    }

    // MARK: - Producer and consumer metrics

    package func producerSnapshot() async -> ProducerSnapshot {
        let connectors = [producer] + state.withLock { Array($0.codecConnectors.values) }
        let now = Self.nowMillis()
        var partitions: [TopicPartition: PartitionProducerStats] = [:]
        var total = Throughput.zero
        var errorCount: Int64 = 0
        var byLeader: [Int32: Throughput] = [:]
        for metrics in connectors.map({ $0.metrics() }) {
            errorCount += Int64(metrics.failed)
            for partition in metrics.partitions {
                let stats = Self.dashboardStats(partition, nowMillis: now)
                byLeader[partition.leader, default: .zero].messagesPerSecond += partition.messagesPerSecond
                byLeader[partition.leader, default: .zero].bytesPerSecond += partition.bytesPerSecond
                partitions[TopicPartition(partition.topic, partition.partition), default: PartitionProducerStats()]
                    .add(stats)
                total.messagesPerSecond += stats.throughput.messagesPerSecond
                total.bytesPerSecond += stats.throughput.bytesPerSecond
            }
        }
        let loadStatus = state.withLock { state in
            state.produceByLeader = byLeader
            return state.load?.status()
        }
        return ProducerSnapshot(partitions: partitions, total: total, errorCount: errorCount, loadGenerator: loadStatus)
    }

    private static func dashboardStats(_ partition: ProducerMetrics.Partition, nowMillis: Int64) -> PartitionProducerStats {
        var lastError: ErrorRecord?
        if let code = partition.lastError {
            let ageMillis = Int64((partition.lastErrorAge ?? 0) * 1000)
            lastError = ErrorRecord(code: code.rawValue, name: code.name, atMillis: nowMillis - ageMillis)
        }
        return PartitionProducerStats(
            bufferedMessages: partition.bufferedMessages, bufferedBytes: partition.bufferedBytes,
            capacityMessages: partition.capacityMessages, capacityBytes: partition.capacityBytes,
            inFlightBatches: partition.inFlightBatches, sentMessages: Int64(partition.sentMessages),
            ackedMessages: Int64(partition.ackedMessages),
            throughput: Throughput(messagesPerSecond: partition.messagesPerSecond, bytesPerSecond: partition.bytesPerSecond),
            ackLatencyP99Millis: partition.ackLatencyP99Ms, retries: Int64(partition.retries), lastError: lastError)
    }

    package func consumerSnapshot() async -> ConsumerSnapshot {
        state.withLock { $0.consumed.snapshot(nowMillis: Self.nowMillis()) }
    }

    package func statusEvents() -> AsyncStream<StatusEvent> { eventStream }

    // MARK: - Sending

    package func send(_ request: SendRequest) async -> SendResult {
        let started = ContinuousClock.now
        do {
            let sender = try producer(for: request.codec)
            let report = try await sender.sendAndWait(
                topic: request.topic, value: request.value, key: request.key,
                headers: request.headers.map { MessageHeader($0.key, $0.value) }, partition: request.partition)
            let elapsed = ContinuousClock.now - started
            let millis = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            return SendResult(requestID: request.id, outcome: .delivered(partition: report.partition, offset: report.offset),
                              latencyMillis: millis)
        } catch {
            return SendResult(requestID: request.id, outcome: .failed(errorName: Self.errorName(error)))
        }
    }

    /// The Kafka error name where there is one, else the client's one-line description.
    static func errorName(_ error: any Error) -> String {
        guard let error = error as? KafkaError else { return "\(error)" }
        // A client-side failure has no Kafka name; its description says what went wrong (a refused connection...).
        if let code = error.kafkaErrorCode { return code.name }
        return error.code == .deliveryTimedOut ? error.shortName : error.description
    }

    /// The configured producer when its codec is the one asked for; otherwise a producer of that codec,
    /// with a client of its own (a producer's codec comes from its client's configuration).
    func producer(for codec: KafkaDashboard.CompressionCodec) throws -> KafkaProducer {
        var config = client.config
        try config.set("compression.codec", codec.rawValue)
        if config.producer.compression == client.config.producer.compression { return producer }
        return try state.withLock { state in
            if let existing = state.codecConnectors[codec] { return existing }
            let created = try KafkaProducer(config: config)
            state.codecConnectors[codec] = created
            return created
        }
    }

    /// Committed offsets and lag of `group` on `topic`. A group the cluster does not know is an
    /// error naming it, not a table of "nothing committed".
    package func groupOffsets(group: String, topic: String) async throws -> GroupOffsets {
        let offsets = try await client.groupOffsets(group: group, topic: topic)
        if offsets.allSatisfy({ $0.committed == nil }),
           try await !client.groupExists(client.describeGroup(group)) {
            throw KafkaError.unknownGroup(group)
        }
        return GroupOffsets(group: group, topic: topic, partitions: offsets.map {
            GroupOffsets.Partition(partition: $0.partition, committed: $0.committed, lag: $0.lag)
        })
    }
}

extension PartitionProducerStats {
    /// Sums another producer's stats for the same partition (sends with another codec).
    mutating func add(_ other: PartitionProducerStats) {
        bufferedMessages += other.bufferedMessages
        bufferedBytes += other.bufferedBytes
        capacityMessages = max(capacityMessages, other.capacityMessages)
        capacityBytes = max(capacityBytes, other.capacityBytes)
        inFlightBatches += other.inFlightBatches
        sentMessages += other.sentMessages
        ackedMessages += other.ackedMessages
        throughput.messagesPerSecond += other.throughput.messagesPerSecond
        throughput.bytesPerSecond += other.throughput.bytesPerSecond
        ackLatencyP99Millis = [ackLatencyP99Millis, other.ackLatencyP99Millis].compactMap { $0 }.max()
        retries += other.retries
        if let error = other.lastError, error.atMillis >= (lastError?.atMillis ?? .min) { lastError = error }
    }
}

/// One topic's watermarks, or why they could not be read.
private struct WatermarkResult: Sendable {
    let topic: String
    let result: Result<[PartitionWatermarks], KafkaError>

    static func fetch(_ topic: String, from client: KafkaClient) async -> WatermarkResult {
        do {
            return WatermarkResult(topic: topic, result: .success(try await client.watermarks(topic: topic)))
        } catch {
            return WatermarkResult(topic: topic, result: .failure(error))
        }
    }
}

/// Waits for `work` at most `limit`: true when it finished, false when the limit came first (the work
/// goes on unawaited).
func waitAtMost(_ limit: Duration, for work: @escaping @Sendable () async -> Void) async -> Bool {
    let waiter = OneShot<Bool>()
    return await withCheckedContinuation { continuation in
        waiter.arm(continuation)
        Task {
            await work()
            waiter.resume(true)
        }
        Task {
            try? await Task.sleep(for: limit)
            waiter.resume(false)
        }
    }
}

/// A continuation resumed by whichever caller comes first.
private final class OneShot<Value: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<Value, Never>?>(nil)

    func arm(_ continuation: CheckedContinuation<Value, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(_ value: Value) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}
