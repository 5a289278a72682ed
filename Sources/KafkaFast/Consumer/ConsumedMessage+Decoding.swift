import KafkaProtocol

extension Array where Element == ConsumedMessage {
    /// Appends the records of `batch` from `firstOffset` on as messages of `partition`, each
    /// decoded straight into its message: no `Record` array in between, so a record's key, value
    /// and headers are moved once instead of copied and released. A batch that turns out to be
    /// malformed adds nothing: the messages of it already appended are taken off again.
    mutating func append(
        recordsOf batch: RecordBatch, partition: KafkaTopicPartition, from firstOffset: Int64
    ) throws(KafkaWireError) {
        let topic = partition.topic.ownCopy
        let number = partition.partition
        let type = batch.timestampType
        let before = count
        do {
            try batch.forEachRecord(from: firstOffset, reserving: { reserveCapacity(count + $0) }) { record in
                append(ConsumedMessage(
                    topic: topic, partition: number, offset: record.offset, timestamp: record.timestamp,
                    timestampType: type, key: record.key.take(), value: record.value.take(),
                    headers: record.headers.isEmpty ? [] : record.headers))
            }
        } catch {
            removeSubrange(before...)
            throw error
        }
    }
}

extension String {
    /// The same text in storage of its own (a name longer than 15 bytes is not stored inline):
    /// every message of a batch refers to its topic's name, and with one string shared by all
    /// batches, the decoding thread counting references up and the reading thread counting them
    /// down contend for one cache line per message.
    var ownCopy: String {
        let utf8 = self.utf8
        let count = utf8.count
        guard count > 15 else { return self }
        return utf8.withContiguousStorageIfAvailable { bytes in
            String(unsafeUninitializedCapacity: count) { $0.initialize(fromContentsOf: bytes) }
        } ?? String(decoding: Array(utf8), as: UTF8.self)
    }
}

extension Array where Element == ConsumedMessage {
    /// Takes a chunk's `messages` in place of these, reversed, for an iterator that hands them out
    /// with `popLast()`. Swapped, not assigned: with the chunk still holding its array, changing it
    /// here would copy the whole array (every message's references counted up); reversed through
    /// the buffer, so the messages are moved, not retained and released.
    mutating func takeReversed(_ messages: inout [ConsumedMessage]) {
        swap(&self, &messages)
        withUnsafeMutableBufferPointer { $0.reverse() }
    }
}
