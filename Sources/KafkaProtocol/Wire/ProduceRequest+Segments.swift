import NIOCore

extension ProduceRequest {
    /// The request frame with every partition's record batch as a piece of its own, between
    /// pieces of one small buffer that holds everything else: the producer's batches go to the
    /// socket as they are (a gathering write) instead of being copied into the frame.
    ///
    /// The bytes, joined, are exactly `encodeRequestFrame`'s; a test holds the two together.
    /// Versions before 3 (message sets, not record batches) take the one-piece encoding.
    public func encodeRequestSegments(
        version: Int16, correlationId: Int32, clientId: String?, allocator: ByteBufferAllocator
    ) throws(KafkaWireError) -> [ByteBuffer] {
        guard version >= 3, Self.validVersions.contains(version) else {
            return [try requestFrame(version: version, correlationId: correlationId, clientId: clientId, allocator: allocator)]
        }
        let flexible = version >= 9
        let partitionCount = topicData.reduce(0) { $0 + $1.partitionData.count }
        var head = allocator.buffer(capacity: 64 + (clientId?.utf8.count ?? 0) + topicData.count * 48 + partitionCount * 16)
        /// After which byte of `head` each batch goes.
        var cuts: [(at: Int, records: ByteBuffer)] = []
        cuts.reserveCapacity(partitionCount)
        var recordBytes = 0

        head.writeInteger(Int32(0))  // size, patched below
        try RequestHeader(apiKey: Self.apiKey, apiVersion: version, correlationId: correlationId, clientId: clientId)
            .encode(into: &head, headerVersion: Self.requestHeaderVersion(version))
        try head.writeKafkaNullableString(transactionalId, compact: flexible, nullable: true, field: "ProduceRequest.transactionalId")
        head.writeKafkaInt16(acks)
        head.writeKafkaInt32(timeoutMs)
        head.writeKafkaArrayCount(topicData.count, compact: flexible)
        for topic in topicData {
            try head.writeKafkaString(topic.name, compact: flexible, field: "TopicProduceData.name")
            head.writeKafkaArrayCount(topic.partitionData.count, compact: flexible)
            for partition in topic.partitionData {
                head.writeKafkaInt32(partition.index)
                if let records = partition.records {
                    let length = records.readableBytes
                    try head.writeKafkaBytesLength(length, compact: flexible, field: "PartitionProduceData.records")
                    if length > 0 { cuts.append((head.writerIndex, records)) }
                    recordBytes += length
                } else {
                    try head.writeKafkaNullableBytes(nil, compact: flexible, field: "PartitionProduceData.records")
                }
                if flexible { head.writeKafkaEmptyTaggedFields() }
            }
            if flexible { head.writeKafkaEmptyTaggedFields() }
        }
        if flexible { head.writeKafkaEmptyTaggedFields() }

        let size = head.readableBytes - 4 + recordBytes
        guard size <= Int(Int32.max) else { throw .tooLarge("request frame of \(size) bytes") }
        head.setInteger(Int32(size), at: head.readerIndex)

        var segments: [ByteBuffer] = []
        segments.reserveCapacity(cuts.count * 2 + 1)
        var start = head.readerIndex
        for cut in cuts {
            segments.append(head.getSlice(at: start, length: cut.at - start)!)
            segments.append(cut.records)
            start = cut.at
        }
        if start < head.writerIndex { segments.append(head.getSlice(at: start, length: head.writerIndex - start)!) }
        return segments
    }
}
