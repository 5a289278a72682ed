import KafkaProtocol
import NIOCore
import Testing

@Suite struct ProduceRequestSegmentsTests {
    static func request(transactionalId: String?) throws -> ProduceRequest {
        func batch(_ values: [String]) throws -> ByteBuffer {
            var builder = RecordBatchBuilder()
            for value in values { builder.append(key: nil, value: ByteBuffer(string: value), timestamp: 1_700_000_000_000) }
            var wire = ByteBuffer()
            try builder.finish(into: &wire)
            return wire
        }
        return ProduceRequest(
            transactionalId: transactionalId, acks: -1, timeoutMs: 30_000,
            topicData: [
                .init(name: "orders", partitionData: [
                    .init(index: 0, records: try batch(["a", "b"])),
                    .init(index: 3, records: nil),
                    .init(index: 5, records: try batch([String(repeating: "x", count: 300)])),
                ]),
                .init(name: "audit", partitionData: [.init(index: 1, records: ByteBuffer())]),
            ])
    }

    /// Joined, the pieces are the one-piece frame byte for byte, at every version; each batch
    /// is a piece of its own (no copy) from version 3 on.
    @Test(arguments: ProduceRequest.validVersions)
    func piecesJoinToTheWholeFrame(_ version: Int16) throws {
        let request = try Self.request(transactionalId: version >= 3 ? "tx" : nil)
        let whole = try request.requestFrame(version: version, correlationId: 77, clientId: "kafka-fast")
        let pieces = try request.encodeRequestSegments(version: version, correlationId: 77, clientId: "kafka-fast", allocator: .init())
        var joined = ByteBuffer()
        for piece in pieces { joined.writeImmutableBuffer(piece) }
        #expect(Array(joined.readableBytesView) == Array(whole.readableBytesView))
        if version >= 3 {
            let batches = request.topicData.flatMap(\.partitionData).compactMap(\.records).filter { $0.readableBytes > 0 }
            #expect(pieces.count == batches.count * 2 + 1)
            for (index, batch) in batches.enumerated() { #expect(pieces[index * 2 + 1] == batch) }
        } else {
            #expect(pieces.count == 1)
        }
    }
}
