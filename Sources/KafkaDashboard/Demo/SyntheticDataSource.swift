import Foundation
import Synchronization

/// DEVELOPMENT AID, not the product: an in-process imitation of a small cluster so the dashboard can be
/// tried, screenshotted and tested in tmux before it is wired to the Kafka client. Nothing here talks to
/// Kafka; every number is made up from the clock. The real `kfast dash` uses an adapter over KafkaFast.
///
/// It shows what the real source should exercise: a CJK topic name, an internal topic, a topic with many
/// partitions, a broker that drops out every half minute (errors, leaderless partitions, status events),
/// a buffer near full, a flood of messages that forces the tail to sample, and JSON values with emoji.
public final class SyntheticDataSource: DashboardDataSource {
    public struct Settings: Sendable {
        /// Partitions of the big "clickstream" topic.
        public var bigTopicPartitions = 1000
        /// Messages per second the tail produces for "clickstream" (high, to show sampling).
        public var floodRate = 4000
        public init() {}
    }

    private struct TopicSpec: Sendable {
        let name: String
        let partitions: Int
        let isInternal: Bool
        /// Messages per second per partition at the average of the wave.
        let rate: Double
        let messageSize: Double
    }

    private struct Mutable: Sendable {
        var load: LoadGeneratorSettings?
        var loadStartedMillis: Int64 = 0
        var sentByPartition: [TopicPartition: Int64] = [:]
        var roundRobin = 0
    }

    private let settings: Settings
    private let startMillis: Int64
    private let topics: [TopicSpec]
    private let mutable = Mutex(Mutable())
    private static let flappingBroker: Int32 = 3
    private static let brokerAddresses: [Int32: String] = [1: "127.0.0.1:9092", 2: "127.0.0.1:9093", 3: "127.0.0.1:9094"]

    public init(settings: Settings = Settings()) {
        self.settings = settings
        startMillis = Self.now()
        topics = [
            TopicSpec(name: "orders", partitions: 12, isInternal: false, rate: 40, messageSize: 420),
            TopicSpec(name: "payments", partitions: 6, isInternal: false, rate: 15, messageSize: 310),
            TopicSpec(name: "clickstream", partitions: settings.bigTopicPartitions, isInternal: false,
                      rate: Double(settings.floodRate) / Double(max(1, settings.bigTopicPartitions)), messageSize: 180),
            TopicSpec(name: "ログ-イベント", partitions: 3, isInternal: false, rate: 5, messageSize: 260),
            TopicSpec(name: "audit", partitions: 4, isInternal: false, rate: 0.5, messageSize: 900),
            TopicSpec(name: "__consumer_offsets", partitions: 50, isInternal: true, rate: 2, messageSize: 90),
        ]
    }

    private static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
    private var elapsedSeconds: Double { Double(Self.now() - startMillis) / 1000 }

    /// Broker 3 is away for 10 s of every 30 s.
    private func isBrokerDown(_ id: Int32, at seconds: Double) -> Bool {
        id == Self.flappingBroker && seconds.truncatingRemainder(dividingBy: 30) >= 20
    }

    private func leader(of partition: Int, in topic: TopicSpec) -> Int32 { Int32(partition % 3) + 1 }

    /// Cheap repeatable noise in 0..<1 from a few integers.
    private static func noise(_ a: Int, _ b: Int, _ c: Int = 0) -> Double {
        var x = UInt64(bitPattern: Int64(a &* 73_856_093 ^ b &* 19_349_663 ^ c &* 83_492_791))
        x ^= x >> 33
        x &*= 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        return Double(x % 10_000) / 10_000
    }

    private func rate(_ topic: TopicSpec, partition: Int, at seconds: Double) -> Double {
        let wave = 1 + 0.6 * sin(seconds / 6 + Double(partition))
        return topic.rate * wave * (0.5 + Self.noise(partition, topic.partitions))
    }

    private func highWatermark(_ topic: TopicSpec, partition: Int, at seconds: Double) -> Int64 {
        let base = Int64(Self.noise(partition, topic.name.count) * 50_000) + 1000
        let sent = mutable.withLock { $0.sentByPartition[TopicPartition(topic.name, Int32(partition))] ?? 0 }
        return base + Int64(topic.rate * seconds) + sent
    }

    // MARK: - DashboardDataSource

    public func clusterSnapshot() async throws -> ClusterSnapshot {
        let seconds = elapsedSeconds
        let brokers = Self.brokerAddresses.keys.sorted().map { id in
            ClusterSnapshot.Broker(
                id: id, address: Self.brokerAddresses[id]!,
                state: isBrokerDown(id, at: seconds) ? .disconnected : .connected)
        }
        let topicList = topics.map { topic in
            ClusterSnapshot.Topic(name: topic.name, isInternal: topic.isInternal, partitions: (0..<topic.partitions).map { p in
                let leader = leader(of: p, in: topic)
                let high = highWatermark(topic, partition: p, at: seconds)
                return ClusterSnapshot.Partition(
                    id: Int32(p), leader: isBrokerDown(leader, at: seconds) ? -1 : leader,
                    lowWatermark: high / 3, highWatermark: high)
            })
        }
        return ClusterSnapshot(clusterID: "synthetic-7Hq2xKcLTkW", brokers: brokers, topics: topicList)
    }

    public func producerSnapshot() async -> ProducerSnapshot {
        let seconds = elapsedSeconds
        let second = Int(seconds)
        let (load, loadStarted) = mutable.withLock { ($0.load, $0.loadStartedMillis) }
        var partitions: [TopicPartition: PartitionProducerStats] = [:]
        var total = Throughput()
        for topic in topics where !topic.isInternal {
            for p in 0..<topic.partitions {
                var messages = rate(topic, partition: p, at: seconds)
                if let load, load.topic == topic.name { messages += Double(load.messagesPerSecond) / Double(topic.partitions) }
                let leaderDown = isBrokerDown(leader(of: p, in: topic), at: seconds)
                let fillWave = 0.5 + 0.5 * sin(seconds / 4 + Double(p) * 0.7)
                let fill = leaderDown ? min(1, 0.7 + seconds.truncatingRemainder(dividingBy: 30) / 40) : fillWave * 0.6
                var stats = PartitionProducerStats(
                    bufferedMessages: Int(fill * 10_000), bufferedBytes: Int(fill * 0.8 * 32 * 1_048_576),
                    capacityMessages: 10_000, capacityBytes: 32 * 1_048_576,
                    inFlightBatches: leaderDown ? 0 : Int(Self.noise(p, second) * 5),
                    sentMessages: Int64(seconds * topic.rate), ackedMessages: Int64(seconds * topic.rate * 0.99),
                    throughput: Throughput(messagesPerSecond: leaderDown ? 0 : messages,
                                           bytesPerSecond: leaderDown ? 0 : messages * topic.messageSize),
                    ackLatencyP99Millis: leaderDown ? nil : 2 + Self.noise(p, second, 1) * 40,
                    retries: Int64(Self.noise(p, topic.partitions) * 3) + (leaderDown ? Int64(seconds) % 30 : 0))
                if leaderDown {
                    let downSince = startMillis + Int64((seconds - seconds.truncatingRemainder(dividingBy: 30) + 20) * 1000)
                    stats.lastError = ErrorRecord(code: 6, name: "NOT_LEADER_OR_FOLLOWER", atMillis: downSince)
                } else if Self.noise(p, topic.partitions, 7) < 0.08 {
                    stats.lastError = ErrorRecord(code: 7, name: "REQUEST_TIMED_OUT", atMillis: startMillis + 2000)
                }
                partitions[TopicPartition(topic.name, Int32(p))] = stats
                total.messagesPerSecond += stats.throughput.messagesPerSecond
                total.bytesPerSecond += stats.throughput.bytesPerSecond
            }
        }
        let loadStatus = load.map { load in
            let running = Double(Self.now() - loadStarted) / 1000
            return LoadGeneratorStatus(
                running: true, sent: Int64(running * Double(load.messagesPerSecond)), failed: 0,
                achieved: Throughput(messagesPerSecond: Double(load.messagesPerSecond) * 0.98,
                                     bytesPerSecond: Double(load.messagesPerSecond * load.messageSize)))
        }
        let errors = Int64(seconds / 30) * 12 + (isBrokerDown(Self.flappingBroker, at: seconds) ? 12 : 0)
        return ProducerSnapshot(partitions: partitions, total: total, errorCount: errors, loadGenerator: loadStatus)
    }

    public func consumerSnapshot() async -> ConsumerSnapshot {
        let seconds = elapsedSeconds
        var perTopic: [String: Throughput] = [:]
        var total = Throughput()
        for topic in topics where topic.name != "audit" {
            let messages = topic.rate * Double(topic.partitions) * (0.9 + 0.2 * sin(seconds / 5))
            let throughput = Throughput(messagesPerSecond: messages, bytesPerSecond: messages * topic.messageSize)
            perTopic[topic.name] = throughput
            total.messagesPerSecond += messages
            total.bytesPerSecond += throughput.bytesPerSecond
        }
        return ConsumerSnapshot(topics: perTopic, total: total)
    }

    public func statusEvents() -> AsyncStream<StatusEvent> {
        AsyncStream { continuation in
            let task = Task {
                var wasDown = false
                while !Task.isCancelled {
                    let down = isBrokerDown(Self.flappingBroker, at: elapsedSeconds)
                    let address = Self.brokerAddresses[Self.flappingBroker]!
                    if down != wasDown {
                        continuation.yield(down
                            ? StatusEvent(.error, "broker \(address) unreachable: connection refused", atMillis: Self.now())
                            : StatusEvent(.info, "broker \(address) reconnected", atMillis: Self.now()))
                        wasDown = down
                    }
                    try? await Task.sleep(for: .milliseconds(250))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    public func send(_ request: SendRequest) async -> SendResult {
        try? await Task.sleep(for: .milliseconds(2))
        guard let topic = topics.first(where: { $0.name == request.topic }) else {
            return SendResult(requestID: request.id, outcome: .failed(errorName: "UNKNOWN_TOPIC_OR_PARTITION"))
        }
        if (request.value?.count ?? 0) > 1_000_000 {
            return SendResult(requestID: request.id, outcome: .failed(errorName: "MESSAGE_TOO_LARGE"))
        }
        let partition: Int
        if let chosen = request.partition {
            guard Int(chosen) < topic.partitions else {
                return SendResult(requestID: request.id, outcome: .failed(errorName: "UNKNOWN_TOPIC_OR_PARTITION"))
            }
            partition = Int(chosen)
        } else if let key = request.key {
            partition = Int(key.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 } % UInt32(topic.partitions))
        } else {
            partition = mutable.withLock { state in
                state.roundRobin += 1
                return state.roundRobin % topic.partitions
            }
        }
        if isBrokerDown(leader(of: partition, in: topic), at: elapsedSeconds) {
            return SendResult(requestID: request.id, outcome: .failed(errorName: "NOT_LEADER_OR_FOLLOWER"))
        }
        let offset = highWatermark(topic, partition: partition, at: elapsedSeconds)
        mutable.withLock { $0.sentByPartition[TopicPartition(topic.name, Int32(partition)), default: 0] += 1 }
        return SendResult(requestID: request.id, outcome: .delivered(partition: Int32(partition), offset: offset),
                          latencyMillis: 1.5 + Self.noise(partition, Int(offset)) * 3)
    }

    public func setLoadGenerator(_ settings: LoadGeneratorSettings?) async {
        mutable.withLock { state in
            if state.load == nil { state.loadStartedMillis = Self.now() }
            state.load = settings
        }
    }

    public func tail(_ request: TailRequest) -> AsyncThrowingStream<[ConsumedMessage], any Error> {
        AsyncThrowingStream { continuation in
            let task = Task { await self.produceTail(request, into: continuation) }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func produceTail(
        _ request: TailRequest, into continuation: AsyncThrowingStream<[ConsumedMessage], any Error>.Continuation
    ) async {
        guard let topic = topics.first(where: { $0.name == request.topic }) else {
            continuation.finish(throwing: SyntheticFailure(description: "UNKNOWN_TOPIC_OR_PARTITION: \(request.topic)"))
            return
        }
        let partitions = request.partition.map { [Int($0)] } ?? Array(0..<topic.partitions)
        var next: [Int: Int64] = [:]
        for p in partitions {
            let high = highWatermark(topic, partition: p, at: elapsedSeconds)
            switch request.start {
            case .end: next[p] = high
            case .beginning: next[p] = high / 3
            case .offset(let offset): next[p] = min(max(offset, high / 3), high)
            case .timestamp(let millis):
                let secondsBack = Double(Self.now() - millis) / 1000
                next[p] = max(high / 3, high - Int64(secondsBack * topic.rate))
            }
        }
        // Catch-up reads (from the beginning, an offset or a time) first return backlog in big batches.
        var backlog = request.start == .end ? 0 : 2000
        var counter = 0
        let perTick = max(1, Int(topic.rate * Double(topic.partitions) / 10))
        while !Task.isCancelled {
            var batch: [ConsumedMessage] = []
            let count = perTick + min(backlog, 500)
            backlog = max(0, backlog - 500)
            for _ in 0..<count {
                counter += 1
                let p = partitions[counter % partitions.count]
                let offset = next[p, default: 0]
                next[p] = offset + 1
                batch.append(message(topic: topic.name, partition: p, offset: offset, counter: counter))
            }
            continuation.yield(batch)
            try? await Task.sleep(for: .milliseconds(100))
        }
        continuation.finish()
    }

    private func message(topic: String, partition: Int, offset: Int64, counter: Int) -> ConsumedMessage {
        let wide = counter % 7 == 0
        let key = wide ? "キー" : "user-\(counter % 997)"
        let value = wide
            ? "{\"id\":\(counter),\"item\":\"値🙂\",\"note\":\"東京 → 大阪\",\"qty\":\(counter % 9 + 1)}"
            : "{\"id\":\(counter),\"user\":\"user-\(counter % 997)\",\"amount\":\(Double(counter % 5000) / 100),\"tags\":[\"a\",\"b\"]}"
        return ConsumedMessage(
            topic: topic, partition: Int32(partition), offset: offset, timestampMillis: Self.now(),
            key: Array(key.utf8), value: Array(value.utf8),
            headers: [ConsumedMessage.Header(key: "trace-id", value: Array("t-\(counter)".utf8)),
                      ConsumedMessage.Header(key: "source", value: Array("synthetic".utf8))])
    }

    public func groupOffsets(group: String, topic: String) async throws -> GroupOffsets {
        guard group != "missing" else { throw SyntheticFailure(description: "GROUP_ID_NOT_FOUND") }
        guard let spec = topics.first(where: { $0.name == topic }) else {
            throw SyntheticFailure(description: "UNKNOWN_TOPIC_OR_PARTITION")
        }
        let seconds = elapsedSeconds
        return GroupOffsets(group: group, topic: topic, partitions: (0..<spec.partitions).map { p in
            let high = highWatermark(spec, partition: p, at: seconds)
            let lag = Int64(Self.noise(p, group.count) * 400)
            return GroupOffsets.Partition(partition: Int32(p), committed: p % 5 == 4 ? nil : high - lag)
        })
    }
}

/// A made-up Kafka error from the synthetic source.
private struct SyntheticFailure: Error, CustomStringConvertible {
    var description: String
}
