import CZstd
import NIOCore

enum Zstd {
    // zstd.h defines these as macro expressions Swift does not import.
    private static let contentSizeUnknown = UInt64.max
    private static let contentSizeError = UInt64.max - 1

    static func compress(_ input: UnsafeRawBufferPointer, level: Int, into output: inout ByteBuffer) throws(CompressionError) {
        let context = try CodecContexts.current.zstdCompressionContext()
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level)), failure: CompressionError.libraryFailure(codec:reason:))
        let bound = ZSTD_compressBound(input.count)
        try output.appendDirectly(minimumWritableBytes: bound) { (free) throws(CompressionError) in
            // ZSTD_compress2 knows the input size, so the frame records it: readers can size their output exactly.
            let written = ZSTD_compress2(context, free.baseAddress, free.count, input.baseAddress, input.count)
            try check(written, failure: CompressionError.libraryFailure(codec:reason:))
            return written
        }
    }

    static func decompress(
        _ input: UnsafeRawBufferPointer,
        into output: inout ByteBuffer,
        sink: inout BoundedOutput
    ) throws(CompressionError) {
        let contexts = CodecContexts.current
        let context = try contexts.zstdDecompressionContext()
        defer { contexts.trimZstdDecompressionContext() }
        guard !input.isEmpty else { throw .truncatedInput(codec: .zstd) }

        // One frame that states its size: decode in one call straight into a buffer of that size.
        let frameBytes = ZSTD_findFrameCompressedSize(input.baseAddress, input.count)
        let declaredSize = ZSTD_getFrameContentSize(input.baseAddress, input.count)
        if ZSTD_isError(frameBytes) == 0, frameBytes == input.count,
            declaredSize != contentSizeUnknown, declaredSize != contentSizeError
        {
            guard declaredSize <= UInt64(sink.remainingAllowed) else { throw .outputLimitExceeded(codec: .zstd, limit: sink.limit) }
            let expected = Int(declaredSize)
            var written = 0
            try output.appendDirectly(minimumWritableBytes: max(expected, 1)) { (free) throws(CompressionError) in
                written = ZSTD_decompressDCtx(context, free.baseAddress, expected, input.baseAddress, input.count)
                try check(written, failure: CompressionError.corruptInput(codec:reason:))
                guard written == expected else {
                    throw .corruptInput(codec: .zstd, reason: "frame declared \(expected) bytes but held \(written)")
                }
                return written
            }
            try sink.record(written)
            return
        }
        try stream(input, context: context, into: &output, sink: &sink)
    }

    /// Frames without a content size (streaming writers such as zstd-jni's) or several frames.
    private static func stream(
        _ input: UnsafeRawBufferPointer,
        context: OpaquePointer,
        into output: inout ByteBuffer,
        sink: inout BoundedOutput
    ) throws(CompressionError) {
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        // Nonzero while a frame is open; ZSTD_decompressStream returns 0 exactly when one ends.
        var expectingMore = 1
        while source.pos < source.size || expectingMore != 0 {
            let consumedBefore = source.pos
            var written = 0
            try output.appendDirectly(minimumWritableBytes: sink.nextRoom(hint: 2 * input.count)) { (free) throws(CompressionError) in
                var destination = ZSTD_outBuffer(dst: free.baseAddress, size: min(free.count, sink.remainingAllowed + 1), pos: 0)
                let hint = ZSTD_decompressStream(context, &destination, &source)
                try check(hint, failure: CompressionError.corruptInput(codec:reason:))
                expectingMore = hint
                written = destination.pos
                return written
            }
            try sink.record(written)
            if source.pos == consumedBefore && written == 0 { throw .truncatedInput(codec: .zstd) }
        }
    }

    private static func check(
        _ code: Int,
        failure: (CompressionCodec, String) -> CompressionError
    ) throws(CompressionError) {
        guard ZSTD_isError(code) != 0 else { return }
        throw failure(.zstd, ZSTD_getErrorName(code).map { String(cString: $0) } ?? "zstd error \(code)")
    }
}
