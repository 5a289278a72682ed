/// The compression codecs of Kafka record batches, numbered as in the batch attributes (bits 0-2).
public enum CompressionCodec: Int8, CaseIterable, Sendable, CustomStringConvertible {
    /// No compression: cheapest in CPU, largest on the wire and on disk.
    case none = 0
    /// gzip (deflate, via libdeflate): small batches, the most CPU; every client reads it.
    case gzip = 1
    /// Snappy: fast, a modest ratio.
    case snappy = 2
    /// LZ4 frames: very fast, a fair ratio; a common choice for throughput.
    case lz4 = 3
    /// Zstandard: a gzip-like ratio at a fraction of the CPU; needs Kafka 2.1 or newer.
    case zstd = 4

    /// The name Kafka uses in `compression.type`.
    public var name: String {
        switch self {
        case .none: return "none"
        case .gzip: return "gzip"
        case .snappy: return "snappy"
        case .lz4: return "lz4"
        case .zstd: return "zstd"
        }
    }

    /// Kafka's name for it, as ``name``.
    public var description: String { name }

    /// Parses a `compression.type` value, case-insensitively ("uncompressed" is accepted for `none`).
    public init?(name: String) {
        switch name.lowercased() {
        case "none", "uncompressed": self = .none
        case "gzip": self = .gzip
        case "snappy": self = .snappy
        case "lz4": self = .lz4
        case "zstd": self = .zstd
        default: return nil
        }
    }

    /// The levels `Compression.compress` accepts, or nil when the codec has no levels
    /// (`none` and `snappy` ignore the level).
    ///
    /// - gzip: 0 (stored) ... 12; 10-12 are libdeflate's extra-effort levels. Default 6.
    /// - lz4: negative values trade ratio for speed (LZ4 "acceleration"), 0-2 are the fast
    ///   compressor, 3-12 the high-compression one; 13-17 act as 12 (accepted because Kafka's
    ///   Java client allows up to 17). Default 0.
    /// - zstd: -131072 ... 22 (negative = fast modes, as in Kafka's `compression.zstd.level`). Default 3.
    public var validLevels: ClosedRange<Int>? {
        switch self {
        case .none, .snappy: return nil
        case .gzip: return 0...12
        case .lz4: return -64...17
        case .zstd: return -131_072...22
        }
    }

    /// The level used when the caller passes nil.
    public var defaultLevel: Int? {
        switch self {
        case .none, .snappy: return nil
        case .gzip: return 6
        case .lz4: return 0
        case .zstd: return 3
        }
    }
}
