import KafkaProtocol
import NIOCore

/// A consumed message, as every consumer hands them out: where it was (topic, partition,
/// offset), when, and its key, value and headers as the producer wrote them.
public struct ConsumedMessage: Sendable {
    /// The topic it was read from.
    public var topic: String
    /// The partition it was read from.
    public var partition: Int32
    /// Its offset in the partition: what a commit of it stores is `offset + 1`.
    public var offset: Int64
    /// The record's timestamp, in milliseconds since the epoch; see ``timestampType``.
    public var timestamp: Int64
    /// Whether ``timestamp`` is the producer's (`createTime`) or the broker's (`logAppendTime`,
    /// when the topic's `message.timestamp.type` says so).
    public var timestampType: TimestampType
    /// The key; nil for a null key. A view of the fetched bytes: keep it as long as needed,
    /// copy out (`Array(buffer: key)`) to own the bytes apart from the fetch.
    public var key: ByteBuffer?
    /// The value; nil for a null value (a tombstone). `String(buffer: value)` reads it as text.
    public var value: ByteBuffer?
    /// The record's headers, in order; a name may repeat.
    public var headers: [RecordHeader]
}

/// One partition's answer to ``KafkaClient/fetch(topic:partition:offset:maxBytes:maxWaitMs:)``.
public struct FetchedPartition: Sendable {
    /// The messages from the requested offset on, control records left out.
    public var messages: [ConsumedMessage]
    /// The partition's high watermark: the offset after the last message every in-sync replica
    /// holds, which is as far as consumers can read.
    public var highWatermark: Int64
    /// The oldest offset the partition's log still holds.
    public var logStartOffset: Int64
    /// The offset to fetch next: after the last message, or where the fetch started when empty.
    public var nextOffset: Int64
    /// The batches as the broker sent them, for callers that inspect the wire format.
    public var rawRecords: ByteBuffer?
}

// The one-request read of a partition, in the cluster layer because the producer's sequence
// recovery (is an acknowledged batch still in the log?) needs it as much as a reader does; the
// consumers' continuous fetching is the FetchEngine's.
extension KafkaClient {
    /// Fetches from one partition starting at `offset`: one request to the partition's leader,
    /// for a tool that reads by hand (the consumers keep fetches pipelined instead).
    /// Records below `offset` (a batch may start earlier) and control records are dropped; a
    /// batch cut off at the end of the response is left for the next fetch.
    ///
    /// - Parameters:
    ///   - topic: the topic.
    ///   - partition: the partition; the request goes to its leader.
    ///   - offset: the first offset wanted.
    ///   - maxBytes: the most the broker should send, in bytes.
    ///   - maxWaitMs: how long the broker may wait for data when there is none yet, in ms.
    /// - Throws: ``KafkaError`` for an unknown topic or partition, the broker's error for the
    ///   partition (OFFSET_OUT_OF_RANGE, ...), or a response that does not decode.
    public func fetch(
        topic: String, partition: Int32, offset: Int64, maxBytes: Int32 = 1_048_576, maxWaitMs: Int32 = 500
    ) async throws(KafkaError) -> FetchedPartition {
        try await withMetadataRetry(topic: topic) { (metadata) throws(KafkaError) in
            guard let partitionMetadata = metadata.partition(partition) else {
                throw .unknownPartition(topic: topic, partition: partition)
            }
            let connection = try await connection(toNode: partitionMetadata.leader, purpose: .fetch(lane: 0))
            let request = FetchRequest(
                replicaId: -1, maxWaitMs: maxWaitMs, minBytes: 1, maxBytes: maxBytes, isolationLevel: 0,
                sessionId: 0, sessionEpoch: -1,
                topics: [.init(topic: topic, partitions: [.init(
                    partition: partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1,
                    logStartOffset: -1, partitionMaxBytes: maxBytes)])])
            let response = try await connection.send(request, timeout: .milliseconds(Int64(maxWaitMs) + Int64(config.requestTimeoutMs)))
            guard response.errorCode == 0 else {
                throw .broker(code: KafkaErrorCode(rawValue: response.errorCode), context: "Fetch from \(topic)/\(partition)", message: nil)
            }
            guard let data = response.responses.first(where: { $0.topic == topic })?.partitions.first(where: { $0.partitionIndex == partition }) else {
                throw .protocolViolation(broker: connection.address.description, detail: "Fetch response lacks \(topic)/\(partition)")
            }
            let code = KafkaErrorCode(rawValue: data.errorCode)
            guard code == .none else { throw .broker(code: code, context: "Fetch from \(topic)/\(partition) at offset \(offset)", message: nil) }
            let tp = KafkaTopicPartition(topic, partition)
            let check = AnswerCheck(broker: connection.address.description, FetchRequest.self,
                                    version: connection.version(for: FetchRequest.self) ?? 0)
            let highWatermark = try check.offset(data.highWatermark, "highWatermark of \(tp)")
            let logStartOffset = try check.offset(data.logStartOffset, "logStartOffset of \(tp)")
            var messages: [ConsumedMessage] = []
            var next = offset
            if let records = data.records {
                var reader = RecordBatchReader(records)
                var previousEnd: Int64 = 0
                while true {
                    let batch: RecordBatch
                    do {
                        guard let read = try reader.next() else { break }
                        batch = read
                    } catch {
                        throw check.violation("records of \(tp)", "\(error)")
                    }
                    try check.batch(batch, of: tp, after: previousEnd, highWatermark: highWatermark)
                    previousEnd = batch.nextOffset
                    next = max(next, batch.nextOffset)
                    if batch.isControl { continue }
                    do {
                        try messages.append(recordsOf: batch, partition: tp, from: offset)
                    } catch {
                        throw check.violation("records of \(tp)", "\(error)")
                    }
                }
            }
            return FetchedPartition(
                messages: messages, highWatermark: highWatermark, logStartOffset: logStartOffset,
                nextOffset: next, rawRecords: data.records)
        }
    }
}
