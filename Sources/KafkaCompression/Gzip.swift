import CDeflate
import CZlib
import NIOCore

/// The two gzip implementations linked in; exposed only so benchmarks can compare them.
@_spi(Benchmarks)
public enum GzipImplementation: String, CaseIterable, Sendable {
    case zlib
    case libdeflate
}

extension Compression {
    /// Gzip with an explicit implementation (benchmarks only; `compress` picks the faster one).
    @_spi(Benchmarks)
    public static func compressGzip(
        _ input: UnsafeRawBufferPointer,
        level: Int? = nil,
        using implementation: GzipImplementation,
        into output: inout ByteBuffer
    ) throws(CompressionError) {
        let level = try resolveLevel(level, codec: .gzip)
        try withNonNullBase(input) { (input) throws(CompressionError) in
            try Gzip.compress(input, level: level, encoder: implementation, into: &output)
        }
    }

    /// Gunzip with an explicit implementation (benchmarks only).
    @_spi(Benchmarks)
    public static func decompressGzip(
        _ input: UnsafeRawBufferPointer,
        maxOutputBytes: Int,
        using implementation: GzipImplementation,
        into output: inout ByteBuffer
    ) throws(CompressionError) {
        var sink = BoundedOutput(codec: .gzip, limit: maxOutputBytes)
        try withNonNullBase(input) { (input) throws(CompressionError) in
            try Gzip.decompress(input, decoder: implementation, into: &output, sink: &sink)
        }
    }
}

enum Gzip {
    /// Measured with KafkaBench on a 1 MB records section of text: at level 6 libdeflate
    /// compresses ~1.3x faster than zlib (~400 vs ~300 MB/s) to a slightly smaller output,
    /// and 2-3x faster on incompressible data. At level 1 zlib is ~8% faster but its output
    /// is twice the size (libdeflate's level 1 is about zlib's level 6 in ratio).
    static let preferredEncoder = GzipImplementation.libdeflate
    /// libdeflate for the usual single-member input (~3x zlib's inflate speed in KafkaBench),
    /// zlib for further members and whenever libdeflate declines.
    static let preferredDecoder = GzipImplementation.libdeflate

    /// The smallest possible gzip member: 10-byte header, an empty final block, 8-byte trailer.
    private static let minimumMemberBytes = 20

    static func compress(
        _ input: UnsafeRawBufferPointer,
        level: Int,
        encoder: GzipImplementation,
        into output: inout ByteBuffer
    ) throws(CompressionError) {
        let contexts = CodecContexts.current
        switch encoder {
        case .libdeflate:
            let compressor = try contexts.libdeflateCompressor(level: level)
            let bound = libdeflate_gzip_compress_bound(compressor, input.count)
            try output.appendDirectly(minimumWritableBytes: bound) { (free) throws(CompressionError) in
                let written = libdeflate_gzip_compress(compressor, input.baseAddress, input.count, free.baseAddress, free.count)
                guard written > 0 else { throw .libraryFailure(codec: .gzip, reason: "libdeflate_gzip_compress ran out of space") }
                return written
            }
        case .zlib:
            // zlib stops at 9; libdeflate's extra levels map to zlib's best.
            let stream = try contexts.zlibDeflateStream(level: Int32(min(level, 9)))
            let bound = Int(deflateBound(stream, UInt(input.count)))
            try output.appendDirectly(minimumWritableBytes: bound) { (free) throws(CompressionError) in
                stream.pointee.next_in = mutableBytes(input.baseAddress)
                stream.pointee.avail_in = UInt32(input.count)
                stream.pointee.next_out = free.baseAddress?.assumingMemoryBound(to: UInt8.self)
                stream.pointee.avail_out = UInt32(clamping: free.count)
                let status = deflate(stream, Z_FINISH)
                guard status == Z_STREAM_END else { throw .libraryFailure(codec: .gzip, reason: zlibMessage(stream, status)) }
                return Int(stream.pointee.total_out)
            }
        }
    }

    static func decompress(
        _ input: UnsafeRawBufferPointer,
        decoder: GzipImplementation,
        into output: inout ByteBuffer,
        sink: inout BoundedOutput
    ) throws(CompressionError) {
        guard !input.isEmpty else { throw .truncatedInput(codec: .gzip) }
        var remaining = input
        if decoder == .libdeflate {
            let consumed = try decodeFirstMemberWithLibdeflate(input, into: &output, sink: &sink)
            if consumed == input.count { return }
            remaining = UnsafeRawBufferPointer(rebasing: input[consumed...])
        }
        try inflateMembers(remaining, into: &output, sink: &sink)
    }

    /// libdeflate decodes a whole member in one call, but needs the output size up front.
    /// The last four bytes of a gzip stream hold the last member's size, which is the whole
    /// size when there is one member: the Kafka case. Returns the input bytes consumed, or 0
    /// (with nothing appended) when zlib should take over from the start.
    private static func decodeFirstMemberWithLibdeflate(
        _ input: UnsafeRawBufferPointer,
        into output: inout ByteBuffer,
        sink: inout BoundedOutput
    ) throws(CompressionError) -> Int {
        guard input.count >= minimumMemberBytes, input[0] == 0x1F, input[1] == 0x8B else { return 0 }
        let declaredSize = Int(UInt32(littleEndian: input.loadUnaligned(fromByteOffset: input.count - 4, as: UInt32.self)))
        guard declaredSize <= sink.remainingAllowed else { return 0 }
        let decompressor = try CodecContexts.current.libdeflateDecompressorContext()
        var consumed = 0
        var produced = 0
        try output.appendDirectly(minimumWritableBytes: max(declaredSize, 1)) { (free) throws(CompressionError) in
            // Offering more than declared costs nothing and saves a zlib rerun when the size lied.
            let offered = min(free.count, sink.remainingAllowed)
            let result = libdeflate_gzip_decompress_ex(
                decompressor, input.baseAddress, input.count, free.baseAddress, offered, &consumed, &produced
            )
            guard result == LIBDEFLATE_SUCCESS else {
                consumed = 0
                produced = 0
                return 0
            }
            return produced
        }
        try sink.record(produced)
        return consumed
    }

    /// Streams one or more concatenated members through zlib, within the sink's limit.
    private static func inflateMembers(
        _ input: UnsafeRawBufferPointer,
        into output: inout ByteBuffer,
        sink: inout BoundedOutput
    ) throws(CompressionError) {
        guard !input.isEmpty else { throw .truncatedInput(codec: .gzip) }
        let stream = try CodecContexts.current.zlibInflateStream()
        stream.pointee.next_in = mutableBytes(input.baseAddress)
        stream.pointee.avail_in = UInt32(input.count)
        while true {
            var status = Z_OK
            var offered = 0
            var written = 0
            try output.appendDirectly(minimumWritableBytes: sink.nextRoom()) { (free) throws(CompressionError) in
                offered = min(free.count, sink.remainingAllowed + 1, Int(UInt32.max))
                stream.pointee.next_out = free.baseAddress?.assumingMemoryBound(to: UInt8.self)
                stream.pointee.avail_out = UInt32(offered)
                status = inflate(stream, Z_NO_FLUSH)
                written = offered - Int(stream.pointee.avail_out)
                return written
            }
            try sink.record(written)
            switch status {
            case Z_STREAM_END:
                if stream.pointee.avail_in == 0 { return }
                // Another member follows (gzip allows concatenation; Kafka's Java reader does too).
                inflateReset(stream)
            case Z_OK:
                if stream.pointee.avail_in == 0 && written < offered { throw .truncatedInput(codec: .gzip) }
            case Z_BUF_ERROR:
                // No progress was possible although output space was offered: input is missing.
                if stream.pointee.avail_in == 0 { throw .truncatedInput(codec: .gzip) }
                throw .corruptInput(codec: .gzip, reason: zlibMessage(stream, status))
            case Z_MEM_ERROR:
                throw .libraryFailure(codec: .gzip, reason: "zlib out of memory")
            default:
                throw .corruptInput(codec: .gzip, reason: zlibMessage(stream, status))
            }
        }
    }

    private static func zlibMessage(_ stream: UnsafeMutablePointer<z_stream>, _ status: Int32) -> String {
        if let message = stream.pointee.msg { return String(cString: message) }
        return "zlib status \(status)"
    }
}

/// zlib's API is not const-correct: `next_in` is a mutable pointer it never writes through.
@inline(__always)
private func mutableBytes(_ pointer: UnsafeRawPointer?) -> UnsafeMutablePointer<UInt8>? {
    pointer.map { UnsafeMutableRawPointer(mutating: $0).assumingMemoryBound(to: UInt8.self) }
}
