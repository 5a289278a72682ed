import NIOCore

/// Whole-buffer compression and bounded decompression in the formats Kafka uses:
///
/// | codec  | writes                                   | reads                                        |
/// |--------|------------------------------------------|----------------------------------------------|
/// | gzip   | one gzip member                          | one or more concatenated gzip members         |
/// | snappy | raw snappy                               | raw snappy, or xerial framing (Java clients)  |
/// | lz4    | LZ4 frame, independent 64 KiB blocks     | LZ4 frames (one or more)                      |
/// | zstd   | zstd frame with content size             | zstd frames, content size known or not        |
///
/// Output is appended at `output`'s writer index; nothing else of `output` is touched, and on
/// error its writer index is restored. All functions are thread-safe: each thread reuses its
/// own codec contexts.
public enum Compression {
    /// Compresses `input` with `codec` and appends the result to `output`.
    ///
    /// - Parameter level: nil for the codec's default; otherwise within `codec.validLevels`
    ///   (ignored by `none` and `snappy`).
    public static func compress(
        _ input: UnsafeRawBufferPointer,
        codec: CompressionCodec,
        level: Int? = nil,
        into output: inout ByteBuffer
    ) throws(CompressionError) {
        let resolvedLevel = try resolveLevel(level, codec: codec)
        guard input.count <= maximumInputBytes else { throw .inputTooLarge(codec: codec, count: input.count) }
        let start = output.writerIndex
        do {
            try withNonNullBase(input) { (input) throws(CompressionError) in
                switch codec {
                case .none: output.writeBytes(input)
                case .gzip: try Gzip.compress(input, level: resolvedLevel, encoder: Gzip.preferredEncoder, into: &output)
                case .snappy: try Snappy.compress(input, into: &output)
                case .lz4: try LZ4.compress(input, level: resolvedLevel, into: &output)
                case .zstd: try Zstd.compress(input, level: resolvedLevel, into: &output)
                }
            }
        } catch {
            output.moveWriterIndex(to: start)
            throw error
        }
    }

    /// Compresses the readable bytes of `input` (its reader index does not move).
    public static func compress(
        _ input: ByteBuffer,
        codec: CompressionCodec,
        level: Int? = nil,
        into output: inout ByteBuffer
    ) throws(CompressionError) {
        try input.withUnsafeReadableBytesTyped { (bytes) throws(CompressionError) in
            try compress(bytes, codec: codec, level: level, into: &output)
        }
    }

    /// Decompresses `input` and appends the result to `output`.
    ///
    /// - Parameter maxOutputBytes: the most bytes this call may append; more throws
    ///   `outputLimitExceeded` before much more than the limit is produced, so a small input
    ///   cannot make the process allocate gigabytes.
    public static func decompress(
        _ input: UnsafeRawBufferPointer,
        codec: CompressionCodec,
        maxOutputBytes: Int,
        into output: inout ByteBuffer
    ) throws(CompressionError) {
        let limit = min(max(0, maxOutputBytes), Int.max - 1)
        let start = output.writerIndex
        do {
            try withNonNullBase(input) { (input) throws(CompressionError) in
                var sink = BoundedOutput(codec: codec, limit: limit)
                switch codec {
                case .none:
                    guard input.count <= limit else { throw .outputLimitExceeded(codec: codec, limit: limit) }
                    output.writeBytes(input)
                case .gzip: try Gzip.decompress(input, decoder: Gzip.preferredDecoder, into: &output, sink: &sink)
                case .snappy: try Snappy.decompress(input, into: &output, sink: &sink)
                case .lz4: try LZ4.decompress(input, into: &output, sink: &sink)
                case .zstd: try Zstd.decompress(input, into: &output, sink: &sink)
                }
            }
        } catch {
            output.moveWriterIndex(to: start)
            throw error
        }
    }

    /// Decompresses the readable bytes of `input` (its reader index does not move).
    public static func decompress(
        _ input: ByteBuffer,
        codec: CompressionCodec,
        maxOutputBytes: Int,
        into output: inout ByteBuffer
    ) throws(CompressionError) {
        try input.withUnsafeReadableBytesTyped { (bytes) throws(CompressionError) in
            try decompress(bytes, codec: codec, maxOutputBytes: maxOutputBytes, into: &output)
        }
    }

    /// The C libraries take 32-bit sizes in places; Kafka batches are far smaller anyway.
    static let maximumInputBytes = Int(Int32.max)

    static func resolveLevel(_ level: Int?, codec: CompressionCodec) throws(CompressionError) -> Int {
        guard let valid = codec.validLevels else { return 0 }
        guard let level else { return codec.defaultLevel ?? 0 }
        guard valid.contains(level) else { throw .invalidLevel(codec: codec, level: level) }
        return level
    }
}

/// Tracks how much one decompression call has appended and enforces its limit.
///
/// Decoders are offered at most `limit + 1` bytes of room in total: producing that extra
/// byte is how "the data is longer than the limit" is detected without decoding further.
struct BoundedOutput {
    let codec: CompressionCodec
    let limit: Int
    private(set) var produced = 0

    init(codec: CompressionCodec, limit: Int) {
        self.codec = codec
        // Room for the extra detection byte must not overflow; nothing real approaches Int.max anyway.
        self.limit = min(max(0, limit), Int.max - 1)
    }

    /// Room to offer the decoder next: enough to keep growth geometric, never past limit + 1.
    func nextRoom(hint: Int = 0) -> Int {
        let wanted = max(hint, produced, 64 * 1024)
        return max(1, min(wanted, limit + 1 - produced))
    }

    var remainingAllowed: Int { limit - produced }

    mutating func record(_ count: Int) throws(CompressionError) {
        produced += count
        if produced > limit { throw .outputLimitExceeded(codec: codec, limit: limit) }
    }
}

/// The C libraries may not accept a null pointer even for zero bytes; an empty Swift buffer has one.
@inline(__always)
func withNonNullBase(
    _ input: UnsafeRawBufferPointer,
    _ body: (UnsafeRawBufferPointer) throws(CompressionError) -> Void
) throws(CompressionError) {
    if input.baseAddress != nil { return try body(input) }
    var placeholder: UInt8 = 0
    var failure: CompressionError?
    withUnsafeBytes(of: &placeholder) { raw in
        do throws(CompressionError) { try body(UnsafeRawBufferPointer(start: raw.baseAddress, count: 0)) } catch { failure = error }
    }
    if let failure { throw failure }
}

extension ByteBuffer {
    /// `withUnsafeReadableBytes` with a typed error (NIO's version rethrows untyped).
    @inline(__always)
    func withUnsafeReadableBytesTyped<Result>(
        _ body: (UnsafeRawBufferPointer) throws(CompressionError) -> Result
    ) throws(CompressionError) -> Result {
        let outcome: Swift.Result<Result, CompressionError> = withUnsafeReadableBytes { bytes in
            do throws(CompressionError) { return .success(try body(bytes)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    /// Lets `body` write into at least `minimumWritableBytes` of free space after the writer
    /// index and advances the writer index by the count it returns.
    @inline(__always)
    mutating func appendDirectly(
        minimumWritableBytes: Int,
        _ body: (UnsafeMutableRawBufferPointer) throws(CompressionError) -> Int
    ) throws(CompressionError) {
        var failure: CompressionError?
        writeWithUnsafeMutableBytes(minimumWritableBytes: minimumWritableBytes) { free in
            do throws(CompressionError) { return try body(free) } catch {
                failure = error
                return 0
            }
        }
        if let failure { throw failure }
    }
}
