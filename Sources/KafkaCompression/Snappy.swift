import CSnappy
import NIOCore

enum Snappy {
    /// The Java client (snappy-java) writes "xerial" framing: this magic, a big-endian version
    /// and minimum-compatible-version, then blocks each prefixed by a big-endian uint32 length.
    static let xerialMagic: [UInt8] = [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00]
    static let xerialHeaderBytes = 16

    /// Writes raw snappy, like librdkafka and franz-go; every Kafka reader accepts it.
    static func compress(_ input: UnsafeRawBufferPointer, into output: inout ByteBuffer) throws(CompressionError) {
        let bound = snappy_max_compressed_length(input.count)
        try output.appendDirectly(minimumWritableBytes: bound) { (free) throws(CompressionError) in
            var written = free.count
            let status = snappy_compress(
                input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                free.baseAddress?.assumingMemoryBound(to: CChar.self), &written
            )
            guard status == SNAPPY_OK else { throw .libraryFailure(codec: .snappy, reason: "snappy_compress status \(status.rawValue)") }
            return written
        }
    }

    static func decompress(
        _ input: UnsafeRawBufferPointer,
        into output: inout ByteBuffer,
        sink: inout BoundedOutput
    ) throws(CompressionError) {
        guard isXerialFramed(input) else { return try decompressBlock(input, into: &output, sink: &sink) }
        guard input.count >= xerialHeaderBytes else { throw .truncatedInput(codec: .snappy) }
        var position = xerialHeaderBytes
        while position < input.count {
            guard input.count - position >= 4 else { throw .truncatedInput(codec: .snappy) }
            let blockLength = Int(UInt32(bigEndian: input.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            position += 4
            guard blockLength <= input.count - position else { throw .truncatedInput(codec: .snappy) }
            let block = UnsafeRawBufferPointer(rebasing: input[position..<(position + blockLength)])
            try decompressBlock(block, into: &output, sink: &sink)
            position += blockLength
        }
    }

    private static func isXerialFramed(_ input: UnsafeRawBufferPointer) -> Bool {
        // A prefix of the magic is a truncated header, not raw snappy (whose length varint
        // would claim ~10 KB and then fail on the 'N' tag anyway).
        let compared = min(input.count, xerialMagic.count)
        return compared >= 2 && input.prefix(compared).elementsEqual(xerialMagic.prefix(compared))
    }

    private static func decompressBlock(
        _ block: UnsafeRawBufferPointer,
        into output: inout ByteBuffer,
        sink: inout BoundedOutput
    ) throws(CompressionError) {
        guard !block.isEmpty else { throw .truncatedInput(codec: .snappy) }
        let compressed = block.baseAddress?.assumingMemoryBound(to: CChar.self)
        var expected = 0
        guard snappy_uncompressed_length(compressed, block.count, &expected) == SNAPPY_OK else {
            throw .corruptInput(codec: .snappy, reason: "invalid length header")
        }
        // Raw snappy states its decoded size up front, so a bomb is refused before any work.
        guard expected <= sink.remainingAllowed else { throw .outputLimitExceeded(codec: .snappy, limit: sink.limit) }
        var written = 0
        try output.appendDirectly(minimumWritableBytes: max(expected, 1)) { (free) throws(CompressionError) in
            written = expected
            let status = snappy_uncompress(compressed, block.count, free.baseAddress?.assumingMemoryBound(to: CChar.self), &written)
            guard status == SNAPPY_OK, written == expected else {
                throw .corruptInput(codec: .snappy, reason: "snappy_uncompress status \(status.rawValue)")
            }
            return written
        }
        try sink.record(written)
    }
}
