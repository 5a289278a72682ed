import CLZ4
import NIOCore

enum LZ4 {
    /// Frame settings every Kafka reader accepts. Kafka's Java reader rejects linked blocks
    /// ("Dependent block stream is unsupported") and the Java writer uses 64 KiB blocks without
    /// content size or checksum, so this writes the same shape.
    private static func preferences(level: Int) -> LZ4F_preferences_t {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.blockSizeID = LZ4F_max64KB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        preferences.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum
        preferences.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum
        preferences.compressionLevel = Int32(level)
        return preferences
    }

    static func compress(_ input: UnsafeRawBufferPointer, level: Int, into output: inout ByteBuffer) throws(CompressionError) {
        var preferences = preferences(level: level)
        let context = try CodecContexts.current.lz4CompressionContext()
        let bound = LZ4F_compressFrameBound(input.count, &preferences)
        try output.appendDirectly(minimumWritableBytes: bound) { (free) throws(CompressionError) in
            let written = LZ4F_compressFrame_usingCDict(
                context, free.baseAddress, free.count, input.baseAddress, input.count, nil, &preferences
            )
            guard LZ4F_isError(written) == 0 else { throw .libraryFailure(codec: .lz4, reason: errorName(written)) }
            return written
        }
    }

    /// Decodes one or more frames, streaming so that frames without a content size still
    /// stop at the output limit.
    static func decompress(
        _ input: UnsafeRawBufferPointer,
        into output: inout ByteBuffer,
        sink: inout BoundedOutput
    ) throws(CompressionError) {
        let context = try CodecContexts.current.lz4DecompressionContext()
        var position = 0
        // Nonzero while a frame is open; LZ4F_decompress returns 0 exactly when one ends.
        var expectingMore = 1
        while position < input.count || expectingMore != 0 {
            var consumed = 0
            var written = 0
            var failure: Int?
            try output.appendDirectly(minimumWritableBytes: sink.nextRoom(hint: 2 * input.count)) { free in
                var offered = min(free.count, sink.remainingAllowed + 1)
                var available = input.count - position
                let hint = LZ4F_decompress(context, free.baseAddress, &offered, input.baseAddress! + position, &available, nil)
                if LZ4F_isError(hint) != 0 {
                    failure = hint
                    return 0
                }
                expectingMore = hint
                consumed = available
                written = offered
                return written
            }
            if let failure {
                LZ4F_resetDecompressionContext(context)
                throw .corruptInput(codec: .lz4, reason: errorName(failure))
            }
            try sink.record(written)
            position += consumed
            if consumed == 0 && written == 0 {
                // The decoder can make no progress: it wants input there is none of.
                LZ4F_resetDecompressionContext(context)
                throw .truncatedInput(codec: .lz4)
            }
        }
    }

    private static func errorName(_ code: Int) -> String {
        LZ4F_getErrorName(code).map { String(cString: $0) } ?? "LZ4F error \(code)"
    }
}
