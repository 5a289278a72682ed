import KafkaProtocol
import NIOCore

/// What a source does with a Fetch answer: checks it (`AnswerCheck`), reads its batch headers,
/// moves each partition on, and later decodes the records into chunks for the reader.
extension FetchEngine {
    // MARK: Responses

    /// Reads the batch headers of every partition (CRC checked, nothing decompressed), moves the
    /// fetch offsets on and releases the partitions, so the next Fetch can go out at once.
    /// `idle`: the answer brought no records, no errors and no reason to skip ahead.
    ///
    /// Each partition's numbers are checked first (`check`): a watermark that is no offset, or a
    /// batch whose offsets go back or past the high watermark, is that partition's protocol
    /// error for the reader, and the partition is fetched again from where it was.
    package func scan(
        _ response: FetchResponse, _ items: [FetchItem], node: Int32, check: AnswerCheck
    ) -> (pending: [ScannedPartition], idle: Bool) {
        var requested = Dictionary(items.map { ($0.tp, $0) }, uniquingKeysWith: { first, _ in first })
        var scanned: [ScannedPartition] = []
        var outcomes: [(item: FetchItem, code: KafkaErrorCode)] = []
        var skips: [(item: FetchItem, highWatermark: Int64, logStartOffset: Int64, target: Int64)] = []
        var violations: [(item: FetchItem, error: KafkaError)] = []
        for topic in response.responses {
            for data in topic.partitions {
                let tp = KafkaTopicPartition(topic.topic, data.partitionIndex)
                // A partition not asked for, or answered twice, is left out: nothing waits for it.
                guard let item = requested.removeValue(forKey: tp) else { continue }
                let code = KafkaErrorCode(rawValue: data.errorCode)
                guard code == .none else {
                    outcomes.append((item, code))
                    continue
                }
                let highWatermark: Int64
                let logStartOffset: Int64
                do throws(KafkaError) {
                    highWatermark = try check.offset(data.highWatermark, "highWatermark of \(tp)")
                    logStartOffset = try check.offset(data.logStartOffset, "logStartOffset of \(tp)")
                } catch {
                    violations.append((item, error))
                    continue
                }
                if let skip = settings.skipAhead, highWatermark - item.offset > skip.maxLag,
                   item.maySkip || (data.records?.readableBytes ?? 0) == 0 {
                    // Far behind, and the reader only samples: what this answer holds is old news.
                    // Not even scanned; the next fetch starts near the end.
                    // Past item.offset: the lag exceeds maxLag >= resumeLag.
                    skips.append((item, highWatermark, logStartOffset, highWatermark - skip.resumeLag))
                    continue
                }
                var batches: [RecordBatch] = []
                var next = item.offset
                var scanError: KafkaError?
                if let records = data.records {
                    var reader = RecordBatchReader(records, verifyChecksums: settings.checkCRCs)
                    var previousEnd: Int64 = 0
                    while true {
                        do throws(KafkaError) {
                            let batch: RecordBatch
                            do {
                                guard let read = try reader.next() else { break }
                                batch = read
                            } catch {
                                throw check.violation("records of \(tp)", "at offset \(next): \(error)")
                            }
                            try check.batch(batch, of: tp, after: previousEnd, highWatermark: highWatermark)
                            previousEnd = batch.nextOffset
                            if batch.nextOffset > next { next = batch.nextOffset }
                            if batch.nextOffset > item.offset, !batch.isControl { batches.append(batch) }
                        } catch {
                            scanError = error
                            break
                        }
                    }
                }
                scanned.append(ScannedPartition(
                    tp: tp, id: item.id, fetchOffset: item.offset, batches: batches, nextOffset: next,
                    highWatermark: highWatermark, logStartOffset: logStartOffset,
                    bytes: data.records?.readableBytes ?? 0, scanError: scanError, broker: node, check: check))
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
            for (item, error) in violations {
                guard var partition = state.partitions[item.tp], partition.id == item.id else { continue }
                partition.inFlight = false
                state.partitions[item.tp] = partition
                guard !state.closed else { continue }
                state.errors.append(error)
                if let reader = state.reader {
                    wake.append(reader)
                    state.reader = nil
                }
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
        let idle = outcomes.isEmpty && skips.isEmpty && violations.isEmpty && scanned.allSatisfy { $0.bytes == 0 && $0.scanError == nil }
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
    package func decodeAndQueue(_ scanned: [ScannedPartition]) {
        var chunks: [FetchChunk] = []
        var errors: [KafkaError] = []
        chunks.reserveCapacity(scanned.count)
        for entry in scanned {
            var messages: [ConsumedMessage] = []
            let expected = entry.batches.reduce(0) { $0 + Int($1.recordCount) }
            messages.reserveCapacity(min(expected, entry.bytes / 8 + 1))
            if let error = entry.scanError { errors.append(error) }
            for batch in entry.batches {
                do {
                    try messages.append(recordsOf: batch, partition: entry.tp, from: entry.fetchOffset)
                } catch {
                    errors.append(entry.check.violation("records of \(entry.tp)", "in the batch at offset \(batch.baseOffset): \(error)"))
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

