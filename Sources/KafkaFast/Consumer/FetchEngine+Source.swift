import KafkaProtocol
import NIOCore

/// A source: the fetch loop for one leader broker. It keeps one Fetch in flight for all the
/// partitions that broker leads and are not full; while that request is out it decodes the
/// previous response, so the network and the decoding overlap.
extension FetchEngine {
    package struct FetchItem {
        let tp: KafkaTopicPartition
        let id: UInt64
        let offset: Int64

        package init(tp: KafkaTopicPartition, id: UInt64, offset: Int64, maySkip: Bool = true) {
            (self.tp, self.id, self.offset, self.maySkip) = (tp, id, offset, maySkip)
        }
        /// False right after a skip ahead: that fetch starts near an end just learnt, so the records
        /// it brings are read, however far the end moved meanwhile (a flood would skip forever). An
        /// answer without records for the partition (cut by fetch.max.bytes) skips again: that costs nothing.
        var maySkip = true
    }

    /// One partition of a response whose batch headers were read, waiting to be decoded.
    package struct ScannedPartition {
        let tp: KafkaTopicPartition
        let id: UInt64
        /// Records below this offset were not asked for.
        let fetchOffset: Int64
        let batches: [RecordBatch]
        let nextOffset: Int64
        let highWatermark: Int64
        let logStartOffset: Int64
        let bytes: Int
        let scanError: KafkaError?
        let broker: Int32
        /// The answer's broker and version, for errors found while decoding.
        let check: AnswerCheck
        /// Offsets jumped over by `skipAhead` before this fetch, for the chunk.
        var skipped: Int64 = 0
    }

    /// The shortest wait after an empty answer that came back at once: at most 4,000 such
    /// requests a second while data keeps coming in small gaps.
    static let quickEmptyMinimum = TimeAmount.microseconds(250)

    /// Consecutive failures of a kind retrying cannot fix before the reader hears of it.
    static let failuresBeforeReport = 3

    private enum SourceWork {
        case fetch([FetchItem])
        case wait(generation: UInt64)
        case exit
    }

    func sourceLoop(_ source: SourceKey) async {
        let node = source.node
        var pending: [ScannedPartition] = []
        /// When an answer last brought records: how long to wait after an empty answer that came
        /// back at once (see below). Before any, as if 80 ms ago: a new tail first waits 10 ms.
        var lastData = NIODeadline.now() - .milliseconds(80)
        var round = 0
        var connectionPrepared = false
        while true {
            switch takeWork(source, round: round) {
            case .exit:
                return
            case .wait(let generation):
                if !pending.isEmpty {
                    decodeAndQueue(pending)
                    pending = []
                    continue
                }
                if !connectionPrepared {
                    connectionPrepared = true
                    prepareConnection(source)
                }
                await waitForWake(source, generation: generation)
            case .fetch(var items):
                round &+= 1
                if let skip = settings.skipAhead { items = await skipAheadBeforeFetch(items, skip) }
                let connection: BrokerConnection
                do {
                    connection = try await client.connection(toNode: node, purpose: .fetch(lane: source.lane))
                } catch {
                    await fetchFailed(items, error, node: node)
                    continue
                }
                let request = fetchRequest(items)
                let timeout = TimeAmount.milliseconds(Int64(settings.fetchWaitMaxMs) + Int64(client.config.requestTimeoutMs))
                let sent = NIODeadline.now()
                async let answer = connection.send(request, timeout: timeout)
                if !pending.isEmpty {
                    decodeAndQueue(pending)
                    pending = []
                }
                let response: FetchResponse
                do {
                    response = try await answer
                } catch {
                    await fetchFailed(items, BrokerConnection.kafkaError(error, broker: connection.address.description), node: node)
                    continue
                }
                if response.errorCode != 0 {
                    let code = KafkaErrorCode(rawValue: response.errorCode)
                    await fetchFailed(items, .broker(code: code, context: "Fetch from broker \(node)", message: nil), node: node)
                    continue
                }
                state.withLockedValue { $0.failureStreaks.removeValue(forKey: node) }?.succeeded()
                let idle: Bool
                let version = connection.version(for: FetchRequest.self) ?? 0
                (pending, idle) = scan(response, items, node: node,
                                       check: AnswerCheck(broker: connection.address.description, FetchRequest.self, version: version))
                // A broker that answers a fetch with no data at once instead of holding it for
                // fetch.wait.max.ms (noida does) would make this loop spin. Wait instead an eighth
                // of the time since data last came (at least `quickEmptyMinimum`, at most
                // fetch.wait.max.ms): in a steady stream the gaps are short and so are the waits, a
                // message after a lull is late by about an eighth of the lull, and an idle partition
                // settles at one request per fetch.wait.max.ms (librdkafka asks again at once,
                // some 14,000 times a second on this machine, for as long as the partition is idle).
                let now = NIODeadline.now()
                let heldFor = now - sent
                let waitMax = TimeAmount.milliseconds(Int64(settings.fetchWaitMaxMs))
                if idle, heldFor < waitMax {
                    if !pending.isEmpty {
                        decodeAndQueue(pending)
                        pending = []
                    }
                    let wait = max(Self.quickEmptyMinimum, TimeAmount.nanoseconds((now - lastData).nanoseconds / 8))
                    try? await Task.sleep(nanoseconds: UInt64(min(wait, waitMax - heldFor).nanoseconds))
                } else if !idle {
                    lastData = now
                }
            }
        }
    }

    /// Picks the partitions to fetch on `source` and marks them in flight; `.exit` (and the
    /// source forgets itself) when its broker leads nothing of its lane any more.
    private func takeWork(_ source: SourceKey, round: Int) -> SourceWork {
        state.withLockedValue { state in
            guard !state.closed else {
                state.sources.remove(source)
                return .exit
            }
            var led = false
            var chosen: [KafkaTopicPartition] = []
            let queueFull = state.bufferedBytes >= queueLimit
            let partitionLimit = partitionBufferLimit(state)
            for (tp, partition) in state.partitions where partition.leader == source.node && !partition.stopped && lane(of: tp) == source.lane {
                led = true
                guard !queueFull, !partition.inFlight, partition.pendingStart == nil,
                      partition.buffered < partitionLimit else { continue }
                chosen.append(tp)
            }
            guard led else {
                state.sources.remove(source)
                return .exit
            }
            guard !chosen.isEmpty else { return .wait(generation: state.wakeGeneration) }
            // Rotate the order so a response cut at fetch.max.bytes does not always favour the same partitions.
            chosen.sort()
            let shift = round % chosen.count
            chosen = Array(chosen[shift...] + chosen[..<shift])
            return .fetch(chosen.map { tp in
                state.partitions[tp]!.inFlight = true
                let partition = state.partitions[tp]!
                return FetchItem(tp: tp, id: partition.id, offset: partition.fetchOffset, maySkip: partition.pendingSkipped == 0)
            })
        }
    }

    /// `skipAhead`: asks where the chosen partitions end (ListOffsets, a few bytes an answer) and
    /// moves those far behind (`SkipAhead.farLag`) on before fetching: a broker that ignores fetch
    /// byte limits (noida) sends everything from the fetch offset on, which a flood makes larger than
    /// receive.message.max.bytes. Only far: Tansu's ListOffsets end is the start of its last batch,
    /// and the fetch answer's high watermark, which is right, decides the rest. Without an answer,
    /// the fetch goes as it is.
    private func skipAheadBeforeFetch(_ items: [FetchItem], _ skip: SkipAhead) async -> [FetchItem] {
        var ends: [KafkaTopicPartition: Int64] = [:]
        for (topic, group) in Dictionary(grouping: items, by: \.tp.topic) {
            guard let offsets = try? await client.listOffsets(topic: topic, partitions: group.map(\.tp.partition), spec: .latest)
            else { continue }
            for answer in offsets where answer.offset >= 0 { ends[KafkaTopicPartition(topic, answer.partition)] = answer.offset }
        }
        return state.withLockedValue { state in
            items.map { item in
                guard let end = ends[item.tp], end - item.offset > skip.farLag,
                      var partition = state.partitions[item.tp], partition.id == item.id else { return item }
                let target = end - skip.resumeLag
                partition.skip(from: item.offset, to: target)
                state.partitions[item.tp] = partition
                return FetchItem(tp: item.tp, id: item.id, offset: target, maySkip: false)
            }
        }
    }

    /// Dials the source's connection while its partitions still wait for their start offsets, so
    /// the first Fetch does not wait for a connection and its ApiVersions as well. The pool shares
    /// the dial with the first fetch, which reports a failure; this only starts it.
    private func prepareConnection(_ source: SourceKey) {
        Task { [client] in _ = try? await client.connection(toNode: source.node, purpose: .fetch(lane: source.lane)) }
    }

    private func waitForWake(_ source: SourceKey, generation: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLockedValue { state -> Bool in
                if state.closed || state.wakeGeneration != generation { return true }
                state.sourceWaiters[source] = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    private func fetchRequest(_ items: [FetchItem]) -> FetchRequest {
        var topics: [FetchRequest.FetchTopic] = []
        var index: [String: Int] = [:]
        for item in items {
            let partition = FetchRequest.FetchPartition(
                partition: item.tp.partition, currentLeaderEpoch: -1, fetchOffset: item.offset, lastFetchedEpoch: -1,
                logStartOffset: -1, partitionMaxBytes: Int32(clamping: settings.maxPartitionFetchBytes))
            if let position = index[item.tp.topic] {
                topics[position].partitions.append(partition)
            } else {
                index[item.tp.topic] = topics.count
                topics.append(.init(topic: item.tp.topic, partitions: [partition]))
            }
        }
        return FetchRequest(
            replicaId: -1, maxWaitMs: Int32(clamping: settings.fetchWaitMaxMs), minBytes: Int32(clamping: settings.fetchMinBytes),
            maxBytes: Int32(clamping: settings.fetchMaxBytes), isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: topics)
    }

    /// A request that failed as a whole (broker down, connection lost, timeout): release the
    /// partitions, have their leaders looked up again (one may have moved), and back off.
    private func fetchFailed(_ items: [FetchItem], _ error: KafkaError, node: Int32) async {
        if error.code == .clientClosed {
            close()
            return
        }
        // Retrying cannot fix a response the client refuses (one larger than
        // receive.message.max.bytes: noida ignores every fetch byte limit): say so, then go on trying.
        let streak = state.withLockedValue { state -> RetryStreak in
            if let streak = state.failureStreaks[node] { return streak }
            let streak = RetryStreak("fetch from broker \(node)", logger: client.config.logger)
            state.failureStreaks[node] = streak
            return streak
        }
        let failures = streak.failed(broker: error.broker ?? "node \(node)", reason: error.description)
        let reader = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            let reportable = !error.isRetriable && failures == Self.failuresBeforeReport
            for item in items {
                guard var partition = state.partitions[item.tp], partition.id == item.id else { continue }
                partition.inFlight = false
                partition.leader = nil
                state.partitions[item.tp] = partition
            }
            guard reportable, !state.closed else { return nil }
            state.errors.append(error)
            defer { state.reader = nil }
            return state.reader
        }
        reader?.resume()
        try? await Task.sleep(nanoseconds: UInt64(backoffMs(failures)) * 1_000_000)
        runMaintenance()
    }
}
