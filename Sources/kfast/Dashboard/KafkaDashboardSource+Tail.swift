import KafkaDashboard
import KafkaFast
import NIOCore

extension KafkaDashboardSource {
    /// Long-poll fetchers per tail. Each follows its share of the partitions round-robin, so a quiet
    /// topic of a few partitions answers within one `tailWaitMillis`, and one of thousands does not
    /// open thousands of concurrent fetches.
    static let tailFetchers = 8
    static let tailWaitMillis: Int32 = 200
    static let tailFetchBytes: Int32 = 1_048_576
    /// Further behind than this on a partition, the tail jumps to its newest `tailCatchUpWindow` messages
    /// instead of reading everything between: the pane only samples a flood, and reading all of what a
    /// flat-out producer writes cost the dashboard a quarter of a core (`make bench`, kfast dash-bench).
    static let tailMaxLag: Int64 = 2_000
    static let tailCatchUpWindow: Int64 = 200

    func tail(_ request: TailRequest) -> AsyncThrowingStream<[KafkaDashboard.ConsumedMessage], any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await self.follow(request, into: continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: DashboardFailure(description: Self.describe(error)))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    static func describe(_ error: any Error) -> String {
        (error as? KafkaError)?.description ?? "\(error)"
    }

    private func follow(
        _ request: TailRequest, into continuation: AsyncThrowingStream<[KafkaDashboard.ConsumedMessage], any Error>.Continuation
    ) async throws {
        let metadata = try await client.metadata(topics: [request.topic])
        guard let topic = metadata.topics[request.topic] else { throw KafkaError.unknownTopic(request.topic) }
        let partitions = request.partition.map { [$0] } ?? topic.partitions.map(\.id).sorted()
        let starts = try await startOffsets(request, partitions: partitions)
        let fetchers = max(1, min(Self.tailFetchers, partitions.count))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for fetcher in 0..<fetchers {
                let share = partitions.enumerated().filter { $0.offset % fetchers == fetcher }.map(\.element)
                group.addTask {
                    try await self.fetchLoop(topic: request.topic, partitions: share, starts: starts, into: continuation)
                }
            }
            try await group.waitForAll()
        }
    }

    /// Where each partition's reading starts: the end, the beginning, an offset clamped into what the
    /// log holds, or the first offset at or after a time (the end when nothing is that recent).
    private func startOffsets(_ request: TailRequest, partitions: [Int32]) async throws -> [Int32: Int64] {
        func offsets(_ spec: OffsetSpec) async throws -> [Int32: Int64] {
            let answered = try await client.listOffsets(topic: request.topic, partitions: partitions, spec: spec)
            return Dictionary(answered.map { ($0.partition, $0.offset) }, uniquingKeysWith: { $1 })
        }
        switch request.start {
        case .end: return try await offsets(.latest)
        case .beginning: return try await offsets(.earliest)
        case .offset(let wanted):
            let earliest = try await offsets(.earliest)
            let latest = try await offsets(.latest)
            return Dictionary(uniqueKeysWithValues: partitions.map { partition in
                (partition, min(max(wanted, earliest[partition] ?? 0), latest[partition] ?? wanted))
            })
        case .timestamp(let millis):
            let byTime = try await offsets(.timestamp(millis))
            let latest = try await offsets(.latest)
            return Dictionary(uniqueKeysWithValues: partitions.map { partition in
                let found = byTime[partition] ?? -1
                return (partition, found >= 0 ? found : latest[partition] ?? 0)
            })
        }
    }

    private func fetchLoop(
        topic: String, partitions: [Int32], starts: [Int32: Int64],
        into continuation: AsyncThrowingStream<[KafkaDashboard.ConsumedMessage], any Error>.Continuation
    ) async throws {
        var next = starts
        var lastFailure: String?
        var toldSkipping = false
        while !Task.isCancelled {
            let roundStarted = ContinuousClock.now
            var received = false
            for partition in partitions where !Task.isCancelled {
                let offset = next[partition] ?? 0
                do throws(KafkaError) {
                    let fetched = try await client.fetch(
                        topic: topic, partition: partition, offset: offset,
                        maxBytes: Self.tailFetchBytes, maxWaitMs: Self.tailWaitMillis)
                    next[partition] = fetched.nextOffset
                    lastFailure = nil
                    if fetched.highWatermark - fetched.nextOffset > Self.tailMaxLag {
                        next[partition] = fetched.highWatermark - Self.tailCatchUpWindow
                        if !toldSkipping {
                            report(.info, "tail of \(topic): more than \(Self.tailMaxLag) messages behind, skipping to the newest")
                            toldSkipping = true
                        }
                    }
                    guard !fetched.messages.isEmpty else { continue }
                    received = true
                    let batch = fetched.messages.map(Self.dashboardMessage)
                    let bytes = batch.reduce(0) { $0 + ($1.key?.count ?? 0) + ($1.value?.count ?? 0) }
                    state.withLock { $0.consumed.add(topic: topic, messages: batch.count, bytes: bytes, nowMillis: Self.nowMillis()) }
                    continuation.yield(batch)
                } catch {
                    try await recover(from: error, topic: topic, partition: partition, next: &next, lastFailure: &lastFailure)
                }
            }
            // A broker that answers an empty fetch at once instead of holding it for maxWaitMs (noida
            // does) would make this a busy loop: an idle round lasts at least that long.
            let rest = .milliseconds(Int64(Self.tailWaitMillis)) - (ContinuousClock.now - roundStarted)
            if !received, rest > .zero { try? await Task.sleep(for: rest) }
        }
    }

    /// Skips past a log that was truncated under the tail; a deleted topic ends it; anything else is
    /// reported once and retried after a pause, as a broker that went away may come back.
    private func recover(
        from error: KafkaError, topic: String, partition: Int32, next: inout [Int32: Int64], lastFailure: inout String?
    ) async throws {
        switch error {
        case .broker(let code, _, _) where code.name == "OFFSET_OUT_OF_RANGE":
            let earliest = try await client.listOffsets(topic: topic, partitions: [partition], spec: .earliest)
            next[partition] = earliest.first?.offset ?? 0
        case .unknownTopic, .clientClosed:
            throw error
        case .broker(let code, _, _) where code.name == "UNKNOWN_TOPIC_OR_PARTITION" || code.name == "UNKNOWN_TOPIC_ID":
            throw error
        default:
            if error.description != lastFailure { report(.warning, "tail of \(topic)[\(partition)]: \(error.description)") }
            lastFailure = error.description
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private static func dashboardMessage(_ message: KafkaFast.ConsumedMessage) -> KafkaDashboard.ConsumedMessage {
        KafkaDashboard.ConsumedMessage(
            topic: message.topic, partition: message.partition, offset: message.offset,
            timestampMillis: message.timestamp, key: message.key.map { Array($0.readableBytesView) },
            value: message.value.map { Array($0.readableBytesView) },
            headers: message.headers.map { .init(key: $0.key, value: $0.value.map { Array($0.readableBytesView) }) })
    }
}

/// A failure shown to the user as it is, one line.
struct DashboardFailure: Error, CustomStringConvertible {
    var description: String
}
