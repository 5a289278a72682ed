import CDeflate
import CLZ4
import CZlib
import CZstd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The codec libraries' working state, one set per thread.
///
/// Creating these per call costs more than compressing a small batch (a zstd CCtx allocates
/// and clears about a megabyte for level 3; a libdeflate compressor several hundred KB), and
/// sharing them would need locks. Batches for different partitions are compressed on
/// different threads, so each thread keeps its own, created on first use and freed when the
/// thread exits.
final class CodecContexts {
    private var zstdCompressor: OpaquePointer?
    private var zstdDecompressor: OpaquePointer?
    private var lz4Compressor: OpaquePointer?
    private var lz4Decompressor: OpaquePointer?
    private var libdeflateCompressors: [OpaquePointer?] = Array(repeating: nil, count: 13)
    private var libdeflateDecompressor: OpaquePointer?
    private var zlibInflater: UnsafeMutablePointer<z_stream>?
    private var zlibDeflater: UnsafeMutablePointer<z_stream>?
    private var zlibDeflaterLevel: Int32 = -1

    /// A decompressor that grew past this keeps it only for the call that needed it.
    static let retainedZstdDecompressorBytes = 8 << 20

    static var current: CodecContexts {
        if let existing = pthread_getspecific(codecContextsKey) {
            return Unmanaged<CodecContexts>.fromOpaque(existing).takeUnretainedValue()
        }
        let fresh = CodecContexts()
        pthread_setspecific(codecContextsKey, Unmanaged.passRetained(fresh).toOpaque())
        return fresh
    }

    deinit {
        if let zstdCompressor { ZSTD_freeCCtx(zstdCompressor) }
        if let zstdDecompressor { ZSTD_freeDCtx(zstdDecompressor) }
        if let lz4Compressor { LZ4F_freeCompressionContext(lz4Compressor) }
        if let lz4Decompressor { LZ4F_freeDecompressionContext(lz4Decompressor) }
        for compressor in libdeflateCompressors { if let compressor { libdeflate_free_compressor(compressor) } }
        if let libdeflateDecompressor { libdeflate_free_decompressor(libdeflateDecompressor) }
        if let zlibInflater {
            inflateEnd(zlibInflater)
            zlibInflater.deallocate()
        }
        if let zlibDeflater {
            deflateEnd(zlibDeflater)
            zlibDeflater.deallocate()
        }
    }

    /// A zstd compression context with parameters reset (the caller sets the level).
    func zstdCompressionContext() throws(CompressionError) -> OpaquePointer {
        if let zstdCompressor {
            ZSTD_CCtx_reset(zstdCompressor, ZSTD_reset_session_and_parameters)
            return zstdCompressor
        }
        guard let created = ZSTD_createCCtx() else { throw .libraryFailure(codec: .zstd, reason: "ZSTD_createCCtx failed") }
        zstdCompressor = created
        return created
    }

    func zstdDecompressionContext() throws(CompressionError) -> OpaquePointer {
        if let zstdDecompressor {
            ZSTD_DCtx_reset(zstdDecompressor, ZSTD_reset_session_only)
            return zstdDecompressor
        }
        guard let created = ZSTD_createDCtx() else { throw .libraryFailure(codec: .zstd, reason: "ZSTD_createDCtx failed") }
        zstdDecompressor = created
        return created
    }

    /// Drops the decompression context if a frame with a large window made it grow, so one
    /// odd batch does not pin that memory to the thread forever.
    func trimZstdDecompressionContext() {
        guard let zstdDecompressor, ZSTD_sizeof_DCtx(zstdDecompressor) > Self.retainedZstdDecompressorBytes else { return }
        ZSTD_freeDCtx(zstdDecompressor)
        self.zstdDecompressor = nil
    }

    func lz4CompressionContext() throws(CompressionError) -> OpaquePointer {
        if let lz4Compressor { return lz4Compressor }
        var created: OpaquePointer?
        let status = LZ4F_createCompressionContext(&created, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(status) == 0, let created else {
            throw .libraryFailure(codec: .lz4, reason: "LZ4F_createCompressionContext failed")
        }
        lz4Compressor = created
        return created
    }

    func lz4DecompressionContext() throws(CompressionError) -> OpaquePointer {
        if let lz4Decompressor {
            LZ4F_resetDecompressionContext(lz4Decompressor)
            return lz4Decompressor
        }
        var created: OpaquePointer?
        let status = LZ4F_createDecompressionContext(&created, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(status) == 0, let created else {
            throw .libraryFailure(codec: .lz4, reason: "LZ4F_createDecompressionContext failed")
        }
        lz4Decompressor = created
        return created
    }

    /// libdeflate compressors are per level (their tables are sized for it); `level` is 0...12.
    func libdeflateCompressor(level: Int) throws(CompressionError) -> OpaquePointer {
        if let existing = libdeflateCompressors[level] { return existing }
        guard let created = libdeflate_alloc_compressor(Int32(level)) else {
            throw .libraryFailure(codec: .gzip, reason: "libdeflate_alloc_compressor(\(level)) failed")
        }
        libdeflateCompressors[level] = created
        return created
    }

    func libdeflateDecompressorContext() throws(CompressionError) -> OpaquePointer {
        if let libdeflateDecompressor { return libdeflateDecompressor }
        guard let created = libdeflate_alloc_decompressor() else {
            throw .libraryFailure(codec: .gzip, reason: "libdeflate_alloc_decompressor failed")
        }
        libdeflateDecompressor = created
        return created
    }

    /// A zlib inflater that accepts gzip and zlib headers (windowBits 15 + 32), reset for a new stream.
    /// The z_stream lives on the heap because zlib keeps a pointer back to it.
    func zlibInflateStream() throws(CompressionError) -> UnsafeMutablePointer<z_stream> {
        if let zlibInflater {
            inflateReset(zlibInflater)
            return zlibInflater
        }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            throw .libraryFailure(codec: .gzip, reason: "inflateInit2 failed (\(status))")
        }
        zlibInflater = stream
        return stream
    }

    /// A zlib deflater writing a gzip member (windowBits 15 + 16) at `level`, reset for a new stream.
    func zlibDeflateStream(level: Int32) throws(CompressionError) -> UnsafeMutablePointer<z_stream> {
        if let zlibDeflater {
            deflateReset(zlibDeflater)
            if zlibDeflaterLevel != level {
                // Right after a reset no data is pending, so changing parameters cannot fail for lack of output space.
                guard deflateParams(zlibDeflater, level, Z_DEFAULT_STRATEGY) == Z_OK else {
                    throw .libraryFailure(codec: .gzip, reason: "deflateParams failed")
                }
                zlibDeflaterLevel = level
            }
            return zlibDeflater
        }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit2_(
            stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)
        )
        guard status == Z_OK else {
            stream.deallocate()
            throw .libraryFailure(codec: .gzip, reason: "deflateInit2 failed (\(status))")
        }
        zlibDeflater = stream
        zlibDeflaterLevel = level
        return stream
    }
}

private let codecContextsKey: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { raw in
        let pointer: UnsafeMutableRawPointer? = raw
        guard let pointer else { return }
        Unmanaged<CodecContexts>.fromOpaque(pointer).release()
    }
    precondition(status == 0, "pthread_key_create failed: \(status)")
    return key
}()
