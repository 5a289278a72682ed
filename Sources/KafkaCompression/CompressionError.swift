/// Why compression or decompression failed. Corrupt input always ends here, never in a crash.
public enum CompressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Decompressed data would exceed `maxOutputBytes` (a decompression bomb, or a limit set too low).
    case outputLimitExceeded(codec: CompressionCodec, limit: Int)
    /// The input ended in the middle of a frame or block.
    case truncatedInput(codec: CompressionCodec)
    /// The input is not valid data for the codec.
    case corruptInput(codec: CompressionCodec, reason: String)
    /// The requested level is outside `codec.validLevels`.
    case invalidLevel(codec: CompressionCodec, level: Int)
    /// The input is larger than the codec or this API can handle in one call.
    case inputTooLarge(codec: CompressionCodec, count: Int)
    /// The library failed for a reason unrelated to the input (usually out of memory).
    case libraryFailure(codec: CompressionCodec, reason: String)

    public var description: String {
        switch self {
        case .outputLimitExceeded(let codec, let limit):
            return "\(codec) output exceeds the limit of \(limit) bytes"
        case .truncatedInput(let codec):
            return "\(codec) input is truncated"
        case .corruptInput(let codec, let reason):
            return "\(codec) input is corrupt: \(reason)"
        case .invalidLevel(let codec, let level):
            let range = codec.validLevels.map { " (valid: \($0.lowerBound)...\($0.upperBound))" } ?? ""
            return "\(codec) does not support compression level \(level)\(range)"
        case .inputTooLarge(let codec, let count):
            return "\(codec) cannot process \(count) bytes in one call"
        case .libraryFailure(let codec, let reason):
            return "\(codec) library failure: \(reason)"
        }
    }
}
