import KafkaProtocol

/// All a `BrokerSink` may ask of the producer that owns it. The sink knows this, not
/// `ProducerCore`: the core routes partitions to sinks and wakes them, sinks hand back finished
/// batches and what they saw of the broker, and neither reaches into the other's state.
protocol SinkOwner: AnyObject, Sendable {
    var settings: KafkaProducerConfiguration { get }
    var client: KafkaClient { get }

    /// The partitions the sink `key` sends for: its lane's partitions its broker leads.
    func partitions(for key: SinkKey) -> [PartitionBuffer]

    /// Whether a request that expects an answer may start now: false while the idempotence
    /// recovery holds sending. Each `true` is matched by one `produceRequestEnded()`.
    func beginProduceRequest() -> Bool
    func produceRequestEnded()

    /// A batch is done: written, or failed for good.
    func finish(_ batch: ProducerBatch, of buffer: PartitionBuffer, result: ProducerCore.BatchResult)
    /// The broker refused `batch`'s producer id, epoch or sequence (`KafkaErrorCode.refusesSequence`).
    func sequenceRefused(_ batch: ProducerBatch, of buffer: PartitionBuffer)
    /// PRODUCER_FENCED from `broker`: another producer took this one's id.
    func fenced(_ batch: ProducerBatch, of buffer: PartitionBuffer, by broker: String)

    /// A connection failed or could not be made (acknowledged batches are kept longer).
    func brokerTrouble(_ reason: String)
    /// A broker said it no longer leads a partition, or could not be reached: look again.
    func leadersMayHaveMoved()
}

extension ProducerCore: SinkOwner {
    func beginProduceRequest() -> Bool { recoveryGate.beginRequest() }
    func leadersMayHaveMoved() { Task { await refreshLeaders() } }
}

extension KafkaErrorCode {
    /// The broker will not take a partition's batches under the producer id, epoch and numbering
    /// they carry; with idempotence each starts a sequence recovery (a new id or epoch, the
    /// partition numbered again). INVALID_PRODUCER_EPOCH: the epoch is stale.
    var refusesSequence: Bool {
        self == .outOfOrderSequenceNumber || self == .unknownProducerId || self == .invalidProducerEpoch
    }
}
