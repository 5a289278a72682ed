import KafkaCompression
import KafkaProtocol
import NIOCore
import Testing

@Suite struct RecordBatchStampTests {
    static let stamp = RecordBatchStamp(producerId: 0x0102_0304_0506_0708, producerEpoch: 9, baseSequence: 1_234)

    private func finished(_ codec: CompressionCodec, stamp: RecordBatchStamp, offsetBy prefix: Int = 0) throws -> ByteBuffer {
        var builder = RecordBatchBuilder()
        for index in 0..<50 {
            builder.append(key: ByteBuffer(string: "key-\(index)"), value: ByteBuffer(string: String(repeating: "value \(index) ", count: 8)),
                           timestamp: 1_700_000_000_000 + Int64(index))
        }
        var output = ByteBuffer(repeating: 0xEE, count: prefix)
        try builder.finish(codec: codec, producerId: stamp.producerId, producerEpoch: stamp.producerEpoch,
                           baseSequence: stamp.baseSequence, into: &output)
        return output
    }

    /// Restamping a batch built without idempotence gives the very bytes a build with that
    /// identity gives, compressed or not, wherever the batch starts in its buffer.
    @Test(arguments: CompressionCodec.allCases)
    func restampingEqualsBuildingWithTheStamp(_ codec: CompressionCodec) throws {
        var restamped = try finished(codec, stamp: .none, offsetBy: 7)
        try Self.stamp.write(into: &restamped, at: 7)
        let direct = try finished(codec, stamp: Self.stamp, offsetBy: 7)
        #expect(Array(restamped.readableBytesView) == Array(direct.readableBytesView))
        #expect(RecordBatchStamp(of: restamped, at: 7) == Self.stamp)
        restamped.moveReaderIndex(forwardBy: 7)
        let (batches, _) = try RecordBatchReader.readAll(restamped, verifyChecksums: true)
        #expect(batches.count == 1 && batches[0].baseSequence == 1_234 && batches[0].producerEpoch == 9)
    }

    @Test func aTruncatedBatchIsRefusedUntouched() throws {
        let whole = try finished(.none, stamp: .none)
        var cut = whole.getSlice(at: 0, length: whole.readableBytes - 1)!
        #expect(throws: KafkaWireError.self) { try Self.stamp.write(into: &cut, at: 0) }
        #expect(Array(cut.readableBytesView) == Array(whole.readableBytesView.dropLast()))
    }
}
