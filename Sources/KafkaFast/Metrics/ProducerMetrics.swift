import KafkaProtocol
import NIOCore

/// A snapshot of the producer, cheap enough to take ten times a second (the dashboard does).
public struct ProducerMetrics: Sendable {
    public struct Partition: Sendable {
        public var topic: String
        public var partition: Int32
        public var leader: Int32
        public var bufferedMessages: Int
        public var bufferedBytes: Int
        /// What one partition may hold: `batch.num.messages` and `batch.size` per open batch.
        public var capacityMessages: Int
        public var capacityBytes: Int
        public var inFlightBatches: Int
        public var sentMessages: Int
        public var sentBytes: Int
        public var ackedMessages: Int
        public var ackedBytes: Int
        public var failedMessages: Int
        public var retries: Int
        /// Acknowledged messages the broker lost (in a restart) that the connector wrote again.
        public var repairedMessages: Int
        /// Acknowledged messages the broker lost that the connector could not write again.
        public var lostByBroker: Int
        public var messagesPerSecond: Double
        public var bytesPerSecond: Double
        public var messagesPerSecond10s: Double
        public var bytesPerSecond10s: Double
        public var averageBatchMessages: Double
        /// Wire bytes over uncompressed record bytes (1.0 without compression).
        public var compressionRatio: Double
        public var errorCounts: [KafkaErrorCode: Int]
        public var lastError: KafkaErrorCode?
        /// Seconds since the last error, when there was one.
        public var lastErrorAge: Double?
        public var ackLatencyP50Ms: Double?
        public var ackLatencyP99Ms: Double?
        /// Every acknowledged batch's latency (first message buffered to acknowledgement).
        public var ackLatency: LatencyHistogram
        /// Messages waiting in the partition's buffer not yet in a request (librdkafka's msgq).
        public var queuedMessages: Int
        public var queuedBytes: Int

        /// Buffer fill as a fraction of capacity, by messages or bytes, whichever is fuller.
        public var fill: Double {
            max(Double(bufferedMessages) / Double(max(capacityMessages, 1)), Double(bufferedBytes) / Double(max(capacityBytes, 1)))
        }
    }

    public struct Broker: Sendable {
        public var address: BrokerAddress
        public var purpose: ConnectionPurpose
        public var inFlightRequests: Int
        public var roundTripP50Ms: Double?
        public var roundTripP99Ms: Double?
        public var bytesOut: Int64
        public var bytesIn: Int64
        public var requests: Int64
        public var responses: Int64
        public var roundTrip: LatencyHistogram
        /// The broker's node id, when the cluster metadata names this address.
        public var nodeId: Int32?
    }

    public var partitions: [Partition]
    public var brokers: [Broker]
    public var bufferedMessages: Int
    public var bufferedBytes: Int
    public var maxBufferedMessages: Int
    public var maxBufferedBytes: Int
    public var delivered: Int
    public var failed: Int
    /// Ack latency of every partition together (from a batch's first message to its acknowledgement).
    public var ackLatency: LatencyHistogram
    public var messagesPerSecond: Double { partitions.reduce(0) { $0 + $1.messagesPerSecond } }
    public var bytesPerSecond: Double { partitions.reduce(0) { $0 + $1.bytesPerSecond } }
}

extension KafkaProducer {
    /// The producer's live metrics.
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
                nodeId: nodes.first { $0.value.address == entry.broker }?.key)
        }
        return ProducerMetrics(
            partitions: partitions, brokers: brokers,
            bufferedMessages: core.accounting.bufferedMessages, bufferedBytes: core.accounting.bufferedBytes,
            maxBufferedMessages: core.accounting.maxMessages, maxBufferedBytes: core.accounting.maxBytes,
            delivered: deliveredCount, failed: failedCount, ackLatency: allLatency)
    }
}
