import KafkaProtocol
import NIOCore

/// The engine's background chores, done by one task that runs only while there is work:
/// resolving start positions through ListOffsets (beginning, end, -N, timestamp, and resets
/// after OFFSET_OUT_OF_RANGE) and finding leaders in fresh metadata (new partitions, a leader
/// that moved, a broker that went away). It starts a source for every leader it finds.
extension FetchEngine {
    /// Notes that metadata says the partition's topic does not exist; true once that has lasted
    /// `topic.metadata.propagation.max.ms` (a topic created a moment ago may not be known yet).
    func topicMissingTooLong(_ partition: inout PartitionState) -> Bool {
        let now = NIODeadline.now()
        let since = partition.unknownTopicSince ?? now
        partition.unknownTopicSince = since
        return now - since >= .milliseconds(Int64(settings.topicPropagationMaxMs))
    }

    /// Makes sure the maintenance task runs (it exits when it finds nothing to do).
    func runMaintenance() {
        let (start, waiter) = state.withLockedValue { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !state.closed else { return (false, nil) }
            state.maintenanceRequested = true
            if state.maintenanceRunning {
                defer { state.maintenanceWaiter = nil }
                return (false, state.maintenanceWaiter)
            }
            state.maintenanceRunning = true
            return (true, nil)
        }
        waiter?.resume()
        if start {
            Task { await self.maintenanceLoop() }
        }
    }

    private struct Chores {
        var starts: [(tp: KafkaTopicPartition, id: UInt64, start: StartPosition)] = []
        var leaderless: [(tp: KafkaTopicPartition, id: UInt64)] = []
        var isEmpty: Bool { starts.isEmpty && leaderless.isEmpty }
    }

    private func maintenanceLoop() async {
        let streak = RetryStreak("fetch engine start offsets and leaders", logger: client.config.logger)
        while true {
            let chores = state.withLockedValue { state -> Chores? in
                guard !state.closed else {
                    state.maintenanceRunning = false
                    return nil
                }
                state.maintenanceRequested = false
                var chores = Chores()
                for (tp, partition) in state.partitions where !partition.stopped {
                    if let start = partition.pendingStart, !partition.resolving {
                        chores.starts.append((tp, partition.id, start))
                        state.partitions[tp]!.resolving = true
                    }
                    if partition.leader == nil { chores.leaderless.append((tp, partition.id)) }
                }
                if chores.isEmpty { state.maintenanceRunning = false }
                return chores.isEmpty ? nil : chores
            }
            guard let chores else { return streak.succeeded() }
            // Leaders first: their fresh metadata is what ListOffsets then uses, so a new tail costs
            // one Metadata request, not two, and the sources it starts dial their fetch connections
            // while the start offsets are still being looked up.
            let missing = chores.leaderless.isEmpty ? nil : await findLeaders(chores.leaderless)
            if let trouble = await resolveStarts(chores.starts) ?? missing {
                let failures = streak.failed(broker: trouble.broker ?? "any", reason: trouble.description)
                try? await Task.sleep(nanoseconds: UInt64(backoffMs(failures)) * 1_000_000)
            } else {
                streak.succeeded()
            }
        }
    }

    func backoffMs(_ failures: Int) -> Int {
        min(settings.retryBackoffMs << min(max(failures - 1, 0), 10), settings.retryBackoffMaxMs)
    }

    // MARK: Start positions

    /// Resolves start positions topic by topic; what went wrong when something must be retried.
    private func resolveStarts(_ starts: [(tp: KafkaTopicPartition, id: UInt64, start: StartPosition)]) async -> KafkaError? {
        var trouble: KafkaError?
        for (topic, entries) in Dictionary(grouping: starts, by: \.tp.topic) {
            do throws(KafkaError) {
                let offsets = try await startOffsets(topic: topic, entries.map { ($0.tp.partition, $0.start) })
                state.withLockedValue { state in
                    for entry in entries {
                        guard var partition = state.partitions[entry.tp], partition.id == entry.id else { continue }
                        partition.resolving = false
                        if let offset = offsets[entry.tp.partition] {
                            partition.pendingStart = nil
                            partition.fetchOffset = offset
                            partition.position = offset
                            partition.unknownTopicSince = nil
                        }
                        state.partitions[entry.tp] = partition
                    }
                }
            } catch {
                trouble = trouble ?? error
                let wake = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
                    var wake: [CheckedContinuation<Void, Never>] = []
                    for entry in entries {
                        guard var partition = state.partitions[entry.tp], partition.id == entry.id else { continue }
                        partition.resolving = false
                        let missingTooLong = error.isUnknownTopic && topicMissingTooLong(&partition)
                        state.partitions[entry.tp] = partition
                        if missingTooLong || !(error.isRetriable || error.isUnknownTopic) {
                            if let reader = Self.fail(entry.tp, id: entry.id, error, in: &state) { wake.append(reader) }
                        }
                    }
                    return wake
                }
                wake.forEach { $0.resume() }
            }
        }
        wakeSources()
        return trouble
    }

    /// The offset each start position stands for, by partition.
    private func startOffsets(topic: String, _ starts: [(Int32, StartPosition)]) async throws(KafkaError) -> [Int32: Int64] {
        var result: [Int32: Int64] = [:]
        var earliest: [Int32: Int64]?
        var latest: [Int32: Int64]?
        let all = starts.map(\.0)
        func lookup(_ spec: OffsetSpec, _ partitions: [Int32]) async throws(KafkaError) -> [Int32: Int64] {
            let offsets = try await client.listOffsets(topic: topic, partitions: partitions, spec: spec)
            return Dictionary(offsets.map { ($0.partition, $0.offset) }, uniquingKeysWith: { a, _ in a })
        }
        for (partition, start) in starts {
            switch start {
            case .beginning:
                if earliest == nil { earliest = try await lookup(.earliest, all) }
                result[partition] = earliest?[partition]
            case .end:
                if latest == nil { latest = try await lookup(.latest, all) }
                result[partition] = latest?[partition]
            case .offset(let offset, _):
                result[partition] = offset
            case .fromEnd, .nearest:
                if earliest == nil { earliest = try await lookup(.earliest, all) }
                if latest == nil { latest = try await lookup(.latest, all) }
                if let low = earliest?[partition], let high = latest?[partition] {
                    switch start {
                    case .fromEnd(let count): result[partition] = max(low, high - max(count, 0))
                    case .nearest(let offset): result[partition] = min(max(offset, low), high)
                    default: break
                    }
                }
            case .timestamp(let ms):
                let found = try await lookup(.timestamp(ms), [partition])[partition] ?? -1
                if found >= 0 {
                    result[partition] = found
                } else {
                    // No message at or after that time: start at the end, as librdkafka does.
                    if latest == nil { latest = try await lookup(.latest, all) }
                    result[partition] = latest?[partition]
                }
            }
        }
        return result
    }

    // MARK: Leaders

    /// Looks up the leaders of `partitions` in fresh metadata; why not, when some are still unknown.
    private func findLeaders(_ partitions: [(tp: KafkaTopicPartition, id: UInt64)]) async -> KafkaError? {
        let topics = Array(Set(partitions.map(\.tp.topic))).sorted()
        let metadata: ClusterMetadata
        do {
            metadata = try await client.metadata(topics: topics, refresh: true)
        } catch {
            return error
        }
        var allFound = true
        var newSources: [SourceKey] = []
        let wake = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            var wake: [CheckedContinuation<Void, Never>] = []
            for (tp, id) in partitions {
                guard var partition = state.partitions[tp], partition.id == id, !partition.stopped else { continue }
                guard let topic = metadata.topics[tp.topic], topic.error != .unknownTopicOrPartition else {
                    let missingTooLong = topicMissingTooLong(&partition)
                    state.partitions[tp] = partition
                    if missingTooLong {
                        if let reader = Self.fail(tp, id: id, .unknownTopic(tp.topic), in: &state) { wake.append(reader) }
                    } else {
                        allFound = false
                    }
                    continue
                }
                partition.unknownTopicSince = nil
                guard let partitionMetadata = topic.partition(tp.partition) else {
                    state.partitions[tp] = partition
                    if let reader = Self.fail(tp, id: id, .unknownPartition(topic: tp.topic, partition: tp.partition), in: &state) {
                        wake.append(reader)
                    }
                    continue
                }
                if partitionMetadata.leader >= 0, metadata.brokers[partitionMetadata.leader] != nil {
                    partition.leader = partitionMetadata.leader
                    let source = SourceKey(node: partitionMetadata.leader, lane: lane(of: tp))
                    if state.sources.insert(source).inserted { newSources.append(source) }
                } else {
                    allFound = false
                }
                state.partitions[tp] = partition
            }
            return wake + Self.takeSourceWaiters(&state)
        }
        wake.forEach { $0.resume() }
        for source in newSources {
            Task { await self.sourceLoop(source) }
        }
        if allFound { return nil }
        let waiting = partitions.map(\.tp).sorted().prefix(3).map(\.description).joined(separator: ", ")
        return .broker(code: .leaderNotAvailable, context: "no leader known yet for \(waiting)", message: nil)
    }

    func wakeSources() {
        state.withLockedValue { Self.takeSourceWaiters(&$0) }.forEach { $0.resume() }
    }
}

extension KafkaError {
    var isUnknownTopic: Bool {
        if code == .unknownTopic { return true }
        return false
    }
}
