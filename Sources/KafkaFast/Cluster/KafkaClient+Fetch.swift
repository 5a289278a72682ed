import KafkaProtocol
import NIOCore

/// A consumed message.
public struct ConsumedMessage: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// Milliseconds since the epoch.
    public var timestamp: Int64
    public var timestampType: TimestampType
    public var key: ByteBuffer?
    public var value: ByteBuffer?
    public var headers: [RecordHeader]
}

/// One partition's answer to a fetch.
public struct FetchedPartition: Sendable {
    public var messages: [ConsumedMessage]
    public var highWatermark: Int64
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
    /// Fetches from one partition starting at `offset`: one request to the partition's leader.
    /// Records below `offset` (a batch may start earlier) and control records are dropped; a
    /// batch cut off at the end of the response is left for the next fetch.
    public func fetch(
        topic: String, partition: Int32, offset: Int64, maxBytes: Int32 = 1_048_576, maxWaitMs: Int32 = 500
    ) async throws(KafkaError) -> FetchedPartition {
        try await withMetadataRetry(topic: topic) { (metadata) throws(KafkaError) in
            guard let partitionMetadata = metadata.partition(partition) else {
                throw .unknownPartition(topic: topic, partition: partition)
            }
            let connection = try await connection(toNode: partitionMetadata.leader, purpose: .fetch)
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
                    let decoded: [Record]
                    do {
                        guard let read = try reader.next() else { break }
                        batch = read
                        decoded = batch.isControl ? [] : try batch.records(from: offset)
                    } catch {
                        throw check.violation("records of \(tp)", "\(error)")
                    }
                    try check.batch(batch, of: tp, after: previousEnd, highWatermark: highWatermark)
                    previousEnd = batch.nextOffset
                    next = max(next, batch.nextOffset)
                    for record in decoded {
                        messages.append(ConsumedMessage(
                            topic: topic, partition: partition, offset: record.offset, timestamp: record.timestamp,
                            timestampType: batch.timestampType, key: record.key, value: record.value, headers: record.headers))
                    }
                }
            }
            return FetchedPartition(
                messages: messages, highWatermark: highWatermark, logStartOffset: logStartOffset,
                nextOffset: next, rawRecords: data.records)
        }
    }
}
