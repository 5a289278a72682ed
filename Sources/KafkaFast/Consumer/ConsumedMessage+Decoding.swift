import KafkaProtocol

extension Array where Element == ConsumedMessage {
    /// Appends the records of `batch` from `firstOffset` on as messages of `partition`, each
    /// decoded straight into its message: no `Record` array in between, so a record's key, value
    /// and headers are moved once instead of copied and released. A batch that turns out to be
    /// malformed adds nothing: the messages of it already appended are taken off again.
    mutating func append(
        recordsOf batch: RecordBatch, partition: KafkaTopicPartition, from firstOffset: Int64
    ) throws(KafkaWireError) {
        let topic = partition.topic
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
