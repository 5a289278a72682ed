import NIOCore

/// The idempotent producer's identity in a finished v2 batch: producer id, epoch and base
/// sequence. They sit inside the range the CRC covers, so changing them means a new CRC.
public struct RecordBatchStamp: Sendable, Hashable {
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32

    public init(producerId: Int64, producerEpoch: Int16, baseSequence: Int32) {
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
    }

    /// What a producer without idempotence writes.
    public static let none = RecordBatchStamp(producerId: -1, producerEpoch: -1, baseSequence: -1)

    /// Reads the stamp of the batch that starts at `index` (its baseOffset field).
    public init?(of batch: ByteBuffer, at index: Int) {
        guard let id = batch.getInteger(at: index + RecordBatchLayout.producerId, as: Int64.self),
              let epoch = batch.getInteger(at: index + RecordBatchLayout.producerEpoch, as: Int16.self),
              let sequence = batch.getInteger(at: index + RecordBatchLayout.baseSequence, as: Int32.self)
        else { return nil }
        self.init(producerId: id, producerEpoch: epoch, baseSequence: sequence)
    }

    /// Rewrites the stamp of the finished batch at `index` and its CRC, leaving the records
    /// (compressed or not) as they are. A producer whose broker lost its sequence state gets a
    /// new producer id and numbers its unacknowledged batches again: this is that renumbering.
    /// - Throws: `KafkaWireError.truncated` when the buffer does not hold the whole batch.
    public func write(into batch: inout ByteBuffer, at index: Int) throws(KafkaWireError) {
        guard let length = batch.getInteger(at: index + RecordBatchLayout.batchLength, as: Int32.self),
              length >= RecordBatchLayout.headerBytes - RecordBatchLayout.logOverhead,
              index + RecordBatchLayout.logOverhead + Int(length) <= batch.writerIndex
        else { throw .truncated(field: "record batch") }
        setFields(in: &batch, batchAt: index)
        let end = index + RecordBatchLayout.logOverhead + Int(length)
        batch.setInteger(RecordBatchLayout.checksum(of: batch, batchAt: index, end: end), at: index + RecordBatchLayout.crc)
    }

    /// Writes the three fields into the header of the batch at `index`, leaving its CRC stale.
    func setFields(in batch: inout ByteBuffer, batchAt index: Int) {
        batch.setInteger(producerId, at: index + RecordBatchLayout.producerId)
        batch.setInteger(producerEpoch, at: index + RecordBatchLayout.producerEpoch)
        batch.setInteger(baseSequence, at: index + RecordBatchLayout.baseSequence)
    }
}
