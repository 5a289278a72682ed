import KafkaProtocol
import NIOCore

/// A snapshot of the producer, cheap enough to take ten times a second (the dashboard does):
/// per partition and per broker connection, from ``KafkaProducer/metrics()``. Counters count
/// from the producer's start; rates are over the last complete second (and ten seconds).
public struct ProducerMetrics: Sendable {
    /// One partition the producer has sent to: its buffer, what is in flight, and the counts
    /// and rates since the producer started (the dashboard's partition table).
    public struct Partition: Sendable {
        /// The topic.
        public var topic: String
        /// The partition.
        public var partition: Int32
        /// The broker id of the partition's leader as the producer knows it; -1 while unknown.
        public var leader: Int32
        /// Messages in the partition's buffer: not yet acknowledged, in flight included.
        public var bufferedMessages: Int
        /// Key and value bytes of ``bufferedMessages``.
        public var bufferedBytes: Int
        /// What one partition may hold: `batch.num.messages` and `batch.size` per open batch.
        public var capacityMessages: Int
        /// `batch.size`, in bytes: the byte side of ``capacityMessages``.
        public var capacityBytes: Int
        /// Batches sent and not answered yet.
        public var inFlightBatches: Int
        /// Messages sent in requests, each retry counted again.
        public var sentMessages: Int
        /// Bytes sent in requests (record batches as on the wire, compressed), retries included.
        public var sentBytes: Int
        /// Messages the broker acknowledged.
        public var ackedMessages: Int
        /// Key and value bytes of ``ackedMessages``.
        public var ackedBytes: Int
        /// Messages that failed (refused, timed out).
        public var failedMessages: Int
        /// Batches sent again after a retriable error.
        public var retries: Int
        /// Acknowledged messages the broker lost (in a restart) that the producer wrote again
        /// (idempotence on; see `enable.idempotence`).
        public var repairedMessages: Int
        /// Acknowledged messages the broker lost that the producer could not write again.
        public var lostByBroker: Int
        /// Acknowledged messages per second over the last complete second.
        public var messagesPerSecond: Double
        /// Acknowledged bytes per second over the last complete second.
        public var bytesPerSecond: Double
        /// Acknowledged messages per second over the last ten complete seconds: steadier.
        public var messagesPerSecond10s: Double
        /// Acknowledged bytes per second over the last ten complete seconds.
        public var bytesPerSecond10s: Double
        /// Messages per batch built, on average: how well linger and batch size fill batches.
        public var averageBatchMessages: Double
        /// Wire bytes over uncompressed record bytes (1.0 without compression).
        public var compressionRatio: Double
        /// Errors by the broker's error code, one per batch that came back with one (retried or
        /// not); a transport failure counts as UNKNOWN_SERVER_ERROR.
        public var errorCounts: [KafkaErrorCode: Int]
        /// The most recent error code, when there was one.
        public var lastError: KafkaErrorCode?
        /// Seconds since the last error, when there was one.
        public var lastErrorAge: Double?
        /// Median acknowledgement latency in ms (from a batch's first message buffered to its
        /// acknowledgement), over every batch since the start; nil before the first.
        public var ackLatencyP50Ms: Double?
        /// The 99th percentile of the same, in ms.
        public var ackLatencyP99Ms: Double?
        /// Every acknowledged batch's latency (first message buffered to acknowledgement).
        public var ackLatency: LatencyHistogram
        /// Messages waiting in the partition's buffer not yet in a request (librdkafka's msgq).
        public var queuedMessages: Int
        /// Key and value bytes of ``queuedMessages``.
        public var queuedBytes: Int

        /// Buffer fill as a fraction of capacity, by messages or bytes, whichever is fuller.
        public var fill: Double {
            max(Double(bufferedMessages) / Double(max(capacityMessages, 1)), Double(bufferedBytes) / Double(max(capacityBytes, 1)))
        }
    }

    /// One connection of the producer's client to a broker: traffic and round trips since it
    /// was first made (reconnects add up), per purpose.
    public struct Broker: Sendable {
        /// The broker's address.
        public var address: BrokerAddress
        /// What the connection is for (produce lane, fetch, group, general).
        public var purpose: ConnectionPurpose
        /// Requests sent and not answered yet.
        public var inFlightRequests: Int
        /// Median round trip in ms (request written to answer read); nil before the first answer.
        public var roundTripP50Ms: Double?
        /// The 99th percentile round trip in ms.
        public var roundTripP99Ms: Double?
        /// Bytes written, frames and all.
        public var bytesOut: Int64
        /// Bytes read, frames and all.
        public var bytesIn: Int64
        /// Requests sent.
        public var requests: Int64
        /// Answers read.
        public var responses: Int64
        /// Every answered request's round trip.
        public var roundTrip: LatencyHistogram
        /// The broker's node id, when the cluster metadata names this address.
        public var nodeId: Int32?
        /// Connections this link made (more than one: it reconnected).
        public var connects: Int64
        /// Dials that failed.
        public var connectFailures: Int64
        /// Connections that dropped under the client.
        public var disconnects: Int64
        /// Requests left unanswered (timed out, or dropped with their connection).
        public var failedRequests: Int64
    }

    /// Every partition the producer has sent to, by topic then partition.
    public var partitions: [Partition]
    /// Every connection of the producer's client.
    public var brokers: [Broker]
    /// Messages the producer holds until their reports are out (`queue.buffering.max.messages` bounds it).
    public var bufferedMessages: Int
    /// Key and value bytes held (`queue.buffering.max.kbytes` bounds it).
    public var bufferedBytes: Int
    /// `queue.buffering.max.messages`.
    public var maxBufferedMessages: Int
    /// `queue.buffering.max.kbytes`, in bytes.
    public var maxBufferedBytes: Int
    /// Messages acknowledged since the producer was made.
    public var delivered: Int
    /// Messages failed since the producer was made.
    public var failed: Int
    /// Ack latency of every partition together (from a batch's first message to its acknowledgement).
    public var ackLatency: LatencyHistogram
    /// Acknowledged messages per second over the last second, every partition together.
    public var messagesPerSecond: Double { partitions.reduce(0) { $0 + $1.messagesPerSecond } }
    /// Acknowledged bytes per second over the last second, every partition together.
    public var bytesPerSecond: Double { partitions.reduce(0) { $0 + $1.bytesPerSecond } }
}

extension KafkaProducer {
    /// The producer's live metrics: a snapshot, taken under short locks that do not stop sending.
    public func metrics() -> ProducerMetrics {
        let now = NIODeadline.now()
        let settings = core.settings
        var allLatency = LatencyHistogram()
        let partitions = core.allPartitions().map { buffer -> ProducerMetrics.Partition in
            let c = buffer.snapshotCounters(now: now)
            allLatency.merge(c.ackLatency)
            return ProducerMetrics.Partition(
                topic: buffer.topic, partition: buffer.partition, leader: buffer.leader,
                bufferedMessages: c.bufferedMessages, bufferedBytes: c.bufferedBytes,
                capacityMessages: settings.batchMessages, capacityBytes: settings.batchBytes,
                inFlightBatches: c.inFlightBatches, sentMessages: c.sentMessages, sentBytes: c.sentBytes,
                ackedMessages: c.ackedMessages, ackedBytes: c.ackedBytes, failedMessages: c.failedMessages, retries: c.retries,
                repairedMessages: c.repairedMessages, lostByBroker: c.lostByBroker,
                messagesPerSecond: c.acks.lastSecond.messages, bytesPerSecond: c.acks.lastSecond.bytes,
                messagesPerSecond10s: c.acks.lastTenSeconds.messages, bytesPerSecond10s: c.acks.lastTenSeconds.bytes,
                averageBatchMessages: c.batchesBuilt == 0 ? 0 : Double(c.sentMessages - c.retries) / Double(c.batchesBuilt),
                compressionRatio: c.uncompressedBytes == 0 ? 1 : Double(c.wireBytes) / Double(c.uncompressedBytes),
                errorCounts: Dictionary(uniqueKeysWithValues: c.errorCounts.map { (KafkaErrorCode(rawValue: $0.key), $0.value) }),
                lastError: c.lastError?.code,
                lastErrorAge: c.lastError.map { Double((now - $0.at).nanoseconds) / 1e9 },
                ackLatencyP50Ms: c.ackLatency.quantileMilliseconds(0.5), ackLatencyP99Ms: c.ackLatency.quantileMilliseconds(0.99),
                ackLatency: c.ackLatency, queuedMessages: c.bufferedMessages - c.inFlightMessages,
                queuedBytes: c.bufferedBytes - c.inFlightBytes)
        }.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        let nodes = client.metadataCache.current?.brokers ?? [:]
        let brokers = client.connectionStats().map { entry in
            ProducerMetrics.Broker(
                address: entry.broker, purpose: entry.purpose, inFlightRequests: entry.stats.inFlight,
                roundTripP50Ms: entry.stats.roundTrip.quantileMilliseconds(0.5),
                roundTripP99Ms: entry.stats.roundTrip.quantileMilliseconds(0.99),
                bytesOut: entry.stats.bytesOut, bytesIn: entry.stats.bytesIn, requests: entry.stats.requests,
                responses: entry.stats.responses, roundTrip: entry.stats.roundTrip,
                nodeId: nodes.first { $0.value.address == entry.broker }?.key,
                connects: entry.stats.connects, connectFailures: entry.stats.connectFailures,
                disconnects: entry.stats.disconnects, failedRequests: entry.stats.failedRequests)
        }
        return ProducerMetrics(
            partitions: partitions, brokers: brokers,
            bufferedMessages: core.accounting.bufferedMessages, bufferedBytes: core.accounting.bufferedBytes,
            maxBufferedMessages: core.accounting.maxMessages, maxBufferedBytes: core.accounting.maxBytes,
            delivered: deliveredCount, failed: failedCount, ackLatency: allLatency)
    }
}
