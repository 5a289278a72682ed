import KafkaProtocol
import NIOCore

/// One record batch of one partition, from the moment it is sealed until every message in it
/// has a delivery report (the batch still filling is the buffer's `OpenBatch`).
///
/// `@unchecked Sendable`: owned by its partition's buffer and touched under that buffer's lock;
/// a sink reads the wire bytes of a batch it took in flight (written before, under the lock), and
/// once `PartitionBuffer.complete` took it out only the one caller that finished it touches it.
/// Debug builds assert that a batch is completed once and never retried or sent after that.
package final class ProducerBatch: @unchecked Sendable {
    enum Stage {
        /// Closed to new messages; waiting to be compressed and checksummed.
        case sealed
        /// Wire bytes ready; waiting for a sink.
        case ready
        /// Inside a ProduceRequest the broker has not answered yet.
        case inFlight
    }

    var stage = Stage.sealed
    var records: RecordBatchBuilder
    /// The finished v2 batch (compressed, CRC filled in), kept for retries.
    var wire: ByteBuffer?
    /// `wire` is a view of `records`' own buffer (an uncompressed batch, finished in place).
    var wireIsBuilders = false
    let createdAt: NIODeadline
    var messageCount = 0
    var payloadBytes = 0
    var attempts = 0
    /// Set once, when the batch is first sent with idempotence; kept across retries.
    var baseSequence: Int32 = -1
    /// Awaitable sends in this batch: the message's index and its continuation.
    var waiters: [(index: Int, continuation: DeliveryWaiter)] = []
    /// An acknowledged batch the broker lost, written again: no reports, no buffer space.
    var isRepair = false
    /// Not sent again before this time (retry backoff).
    var notBefore: NIODeadline = .uptimeNanoseconds(0)
    #if DEBUG
    /// Set by `PartitionBuffer.complete`/`completeRepair` (under the buffer's lock).
    var completed = false
    #endif

    /// Stands in for a finished batch's records, so its builder can be reused without a copy.
    static let emptyRecords = RecordBatchBuilder(initialCapacity: 0)

    init(records: RecordBatchBuilder, now: NIODeadline) {
        self.records = records
        self.createdAt = now
    }
}
