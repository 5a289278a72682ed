import KafkaProtocol
import NIOCore

/// A source: the fetch loop for one leader broker. It keeps one Fetch in flight for all the
/// partitions that broker leads and are not full; while that request is out it decodes the
/// previous response, so the network and the decoding overlap.
extension FetchEngine {
    struct FetchItem {
        let tp: KafkaTopicPartition
        let id: UInt64
        let offset: Int64
        /// False right after a skip ahead: that fetch starts near an end just learnt, so the records
        /// it brings are read, however far the end moved meanwhile (a flood would skip forever). An
        /// answer without records for the partition (cut by fetch.max.bytes) skips again: that costs nothing.
        var maySkip = true
    }

    /// One partition of a response whose batch headers were read, waiting to be decoded.
    struct ScannedPartition {
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
        /// Offsets jumped over by `skipAhead` before this fetch, for the chunk.
        var skipped: Int64 = 0
    }

    /// Consecutive failures of a kind retrying cannot fix before the reader hears of it.
    static let failuresBeforeReport = 3

    private enum SourceWork {
        case fetch([FetchItem])
        case wait(generation: UInt64)
        case exit
    }

    func sourceLoop(node: Int32) async {
        var pending: [ScannedPartition] = []
        /// Empty answers in a row that came back at once (see below).
        var quickEmptyAnswers = 0
        var round = 0
        var scratch: [Record] = []
        while true {
            switch takeWork(node: node, round: round) {
            case .exit:
                return
            case .wait(let generation):
                if !pending.isEmpty {
                    decodeAndQueue(pending, scratch: &scratch)
                    pending = []
                    continue
                }
                await waitForWake(node: node, generation: generation)
            case .fetch(var items):
                round &+= 1
                if let skip = settings.skipAhead { items = await skipAheadBeforeFetch(items, skip) }
                let connection: BrokerConnection
                do {
                    connection = try await client.connection(toNode: node, purpose: .fetch)
                } catch {
                    await fetchFailed(items, error, node: node)
                    continue
                }
                let request = fetchRequest(items)
                let timeout = TimeAmount.milliseconds(Int64(settings.fetchWaitMaxMs) + Int64(client.config.requestTimeoutMs))
                let sent = NIODeadline.now()
                async let answer = connection.send(request, timeout: timeout)
                if !pending.isEmpty {
                    decodeAndQueue(pending, scratch: &scratch)
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
                state.withLockedValue { $0.failureStreaks[node] = nil }
                let idle: Bool
                (pending, idle) = scan(response, items, node: node)
                // A broker that answers a fetch with no data at once instead of holding it for
                // fetch.wait.max.ms (noida does) would make this loop spin. Wait instead, 10 ms
                // after the first such answer and twice as long after each next one, up to
                // fetch.wait.max.ms: an idle partition costs nothing, a new message after a short
                // lull still arrives within milliseconds.
                let heldFor = NIODeadline.now() - sent
                let waitMax = TimeAmount.milliseconds(Int64(settings.fetchWaitMaxMs))
                if idle, heldFor < waitMax {
                    if !pending.isEmpty {
                        decodeAndQueue(pending, scratch: &scratch)
                        pending = []
                    }
                    let backoff = TimeAmount.milliseconds(10 << min(quickEmptyAnswers, 10))
                    quickEmptyAnswers += 1
                    try? await Task.sleep(nanoseconds: UInt64(min(backoff, waitMax - heldFor).nanoseconds))
                } else {
                    quickEmptyAnswers = 0
                }
            }
        }
    }

    /// Picks the partitions to fetch from `node` and marks them in flight; `.exit` (and the
    /// source forgets itself) when the broker leads nothing assigned any more.
    private func takeWork(node: Int32, round: Int) -> SourceWork {
        state.withLockedValue { state in
            guard !state.closed else {
                state.sources.remove(node)
                return .exit
            }
            var led = false
            var chosen: [KafkaTopicPartition] = []
            let queueFull = state.bufferedBytes >= queueLimit
            let partitionLimit = partitionBufferLimit(state)
            for (tp, partition) in state.partitions where partition.leader == node && !partition.stopped {
                led = true
                guard !queueFull, !partition.inFlight, partition.pendingStart == nil,
                      partition.buffered < partitionLimit else { continue }
                chosen.append(tp)
            }
            guard led else {
                state.sources.remove(node)
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

    private func waitForWake(node: Int32, generation: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLockedValue { state -> Bool in
                if state.closed || state.wakeGeneration != generation { return true }
                state.sourceWaiters[node] = continuation
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
        var failures = 0
        let reader = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            failures = (state.failureStreaks[node] ?? 0) + 1
            state.failureStreaks[node] = failures
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

    // MARK: Responses

    /// Reads the batch headers of every partition (CRC checked, nothing decompressed), moves the
    /// fetch offsets on and releases the partitions, so the next Fetch can go out at once.
    /// `idle`: the answer brought no records, no errors and no reason to skip ahead.
    private func scan(_ response: FetchResponse, _ items: [FetchItem], node: Int32) -> (pending: [ScannedPartition], idle: Bool) {
        var requested = Dictionary(uniqueKeysWithValues: items.map { ($0.tp, $0) })
        var scanned: [ScannedPartition] = []
        var outcomes: [(item: FetchItem, code: KafkaErrorCode)] = []
        var skips: [(item: FetchItem, highWatermark: Int64, logStartOffset: Int64, target: Int64)] = []
        for topic in response.responses {
            for data in topic.partitions {
                let tp = KafkaTopicPartition(topic.topic, data.partitionIndex)
                guard let item = requested.removeValue(forKey: tp) else { continue }
                let code = KafkaErrorCode(rawValue: data.errorCode)
                guard code == .none else {
                    outcomes.append((item, code))
                    continue
                }
                if let skip = settings.skipAhead, data.highWatermark - item.offset > skip.maxLag,
                   item.maySkip || (data.records?.readableBytes ?? 0) == 0 {
                    // Far behind, and the reader only samples: what this answer holds is old news.
                    // Not even scanned; the next fetch starts near the end.
                    // Past item.offset: the lag exceeds maxLag >= resumeLag.
                    skips.append((item, data.highWatermark, data.logStartOffset, data.highWatermark - skip.resumeLag))
                    continue
                }
                var batches: [RecordBatch] = []
                var next = item.offset
                var scanError: KafkaError?
                if let records = data.records {
                    var reader = RecordBatchReader(records, verifyChecksums: settings.checkCRCs)
                    while true {
                        do {
                            guard let batch = try reader.next() else { break }
                            if batch.nextOffset > next { next = batch.nextOffset }
                            if batch.nextOffset > item.offset, !batch.isControl { batches.append(batch) }
                        } catch {
                            scanError = .protocolViolation(broker: "leader of \(tp)", detail: "records at offset \(next): \(error)")
                            break
                        }
                    }
                }
                scanned.append(ScannedPartition(
                    tp: tp, id: item.id, fetchOffset: item.offset, batches: batches, nextOffset: next,
                    highWatermark: data.highWatermark, logStartOffset: data.logStartOffset,
                    bytes: data.records?.readableBytes ?? 0, scanError: scanError, broker: node))
            }
        }
        var keep: [ScannedPartition] = []
        var needMaintenance = false
        let wake = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            var wake: [CheckedContinuation<Void, Never>] = []
            for item in requested.values {  // left out of the response: ask again
                if state.partitions[item.tp]?.id == item.id { state.partitions[item.tp]!.inFlight = false }
            }
            for entry in scanned {
                guard var partition = state.partitions[entry.tp], partition.id == entry.id else { continue }
                partition.inFlight = false
                if entry.batches.isEmpty, entry.scanError == nil, entry.nextOffset == entry.fetchOffset,
                   entry.fetchOffset > entry.highWatermark {
                    // Past the end. Most brokers answer OFFSET_OUT_OF_RANGE; Tansu answers nothing.
                    state.partitions[entry.tp] = partition
                    let outcome = outOfRange(entry.tp, id: entry.id, offset: entry.fetchOffset, in: &state)
                    if let reader = outcome.reader { wake.append(reader) }
                    needMaintenance = needMaintenance || outcome.reset
                    continue
                }
                partition.strictStart = false
                partition.highWatermark = entry.highWatermark
                partition.logStartOffset = entry.logStartOffset
                partition.fetchOffset = entry.nextOffset
                let progressed = entry.nextOffset > entry.fetchOffset
                let atNewEnd = entry.nextOffset >= entry.highWatermark && partition.reportedEndAt != entry.nextOffset
                if progressed || atNewEnd || entry.scanError != nil {
                    if entry.nextOffset >= entry.highWatermark { partition.reportedEndAt = entry.nextOffset }
                    partition.buffered += entry.bytes
                    state.bufferedBytes += entry.bytes
                    var kept = entry
                    kept.skipped = partition.pendingSkipped
                    partition.pendingSkipped = 0
                    keep.append(kept)
                }
                state.partitions[entry.tp] = partition
            }
            for skip in skips {
                guard var partition = state.partitions[skip.item.tp], partition.id == skip.item.id else { continue }
                partition.inFlight = false
                partition.strictStart = false
                partition.highWatermark = skip.highWatermark
                partition.logStartOffset = skip.logStartOffset
                partition.skip(from: skip.item.offset, to: skip.target)
                state.partitions[skip.item.tp] = partition
            }
            for (item, code) in outcomes {
                guard var partition = state.partitions[item.tp], partition.id == item.id else { continue }
                partition.inFlight = false
                if code == .offsetOutOfRange {
                    state.partitions[item.tp] = partition
                    let outcome = outOfRange(item.tp, id: item.id, offset: item.offset, in: &state)
                    if let reader = outcome.reader { wake.append(reader) }
                    needMaintenance = needMaintenance || outcome.reset
                    continue
                } else if code.needsMetadataRefresh || code == .unknownTopicOrPartition {
                    partition.leader = nil
                    needMaintenance = true
                } else if !code.isRetriable {
                    state.partitions[item.tp] = partition
                    let error = KafkaError.broker(code: code, context: "fetching \(item.tp) at offset \(item.offset)", message: nil)
                    if let reader = Self.fail(item.tp, id: item.id, error, in: &state) { wake.append(reader) }
                    continue
                }
                state.partitions[item.tp] = partition
            }
            return wake
        }
        wake.forEach { $0.resume() }
        if needMaintenance { runMaintenance() }
        let idle = outcomes.isEmpty && skips.isEmpty && scanned.allSatisfy { $0.bytes == 0 && $0.scanError == nil }
        return (keep, idle)
    }

    /// OFFSET_OUT_OF_RANGE for a partition (under the lock): an error for an explicit start
    /// offset or `auto.offset.reset=error`, otherwise a reset to the beginning or the end.
    private func outOfRange(
        _ tp: KafkaTopicPartition, id: UInt64, offset: Int64, in state: inout State
    ) -> (reader: CheckedContinuation<Void, Never>?, reset: Bool) {
        guard var partition = state.partitions[tp], partition.id == id else { return (nil, false) }
        if partition.strictStart || settings.autoOffsetReset == .error {
            let error = KafkaError.broker(
                code: .offsetOutOfRange, context: "offset \(offset) of \(tp) is outside the partition's log", message: nil)
            return (Self.fail(tp, id: id, error, in: &state), false)
        }
        partition.pendingStart = settings.autoOffsetReset == .earliest ? .beginning : .end
        state.partitions[tp] = partition
        return (nil, true)
    }

    /// Decodes scanned partitions into chunks and queues them for the reader.
    private func decodeAndQueue(_ scanned: [ScannedPartition], scratch: inout [Record]) {
        var chunks: [FetchChunk] = []
        var errors: [KafkaError] = []
        chunks.reserveCapacity(scanned.count)
        for entry in scanned {
            var messages: [ConsumedMessage] = []
            let expected = entry.batches.reduce(0) { $0 + Int($1.recordCount) }
            messages.reserveCapacity(min(expected, entry.bytes / 8 + 1))
            if let error = entry.scanError { errors.append(error) }
            for batch in entry.batches {
                scratch.removeAll(keepingCapacity: true)
                do {
                    try batch.appendRecords(to: &scratch, from: entry.fetchOffset)
                } catch {
                    errors.append(.protocolViolation(broker: "leader of \(entry.tp)", detail: "batch at offset \(batch.baseOffset): \(error)"))
                    continue
                }
                let type = batch.timestampType
                for record in scratch {
                    messages.append(ConsumedMessage(
                        topic: entry.tp.topic, partition: entry.tp.partition, offset: record.offset, timestamp: record.timestamp,
                        timestampType: type, key: record.key, value: record.value, headers: record.headers))
                }
            }
            chunks.append(FetchChunk(
                topicPartition: entry.tp, messages: messages, highWatermark: entry.highWatermark,
                logStartOffset: entry.logStartOffset, nextOffset: entry.nextOffset, broker: entry.broker, skipped: entry.skipped,
                bufferedBytes: entry.bytes, assignmentId: entry.id))
        }
        let reader = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard !state.closed else { return nil }
            var reader: CheckedContinuation<Void, Never>?
            for chunk in chunks where state.partitions[chunk.topicPartition]?.id == chunk.assignmentId {
                reader = Self.enqueue(chunk, in: &state) ?? reader
            }
            if !errors.isEmpty {
                state.errors.append(contentsOf: errors)
                if let waiting = state.reader {
                    reader = waiting
                    state.reader = nil
                }
            }
            return reader
        }
        reader?.resume()
    }
}

