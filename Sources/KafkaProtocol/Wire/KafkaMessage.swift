import NIOCore

/// A request body the client can send. Generated types conform; the connection layer needs only this.
///
/// Mirrors valkey-swift's command protocol: the request names its own response type, so a
/// pipelined connection can hand back a typed value from a FIFO of pending requests.
public protocol KafkaRequestMessage: Sendable {
    associatedtype Response: KafkaResponseMessage
    /// The Kafka API key (Produce = 0, Fetch = 1, ...).
    static var apiKey: Int16 { get }
    /// Versions this codec can encode, from the message schema.
    static var validVersions: ClosedRange<Int16> { get }
    /// First flexible version (KIP-482), or nil when no version is flexible.
    static var firstFlexibleVersion: Int16? { get }
    /// Appends the body (no size prefix, no header) at `version`.
    func encode(into buffer: inout ByteBuffer, version: Int16) throws(KafkaWireError)
    /// The whole request frame as pieces to be written in order (see `encodeRequestFrame`). One
    /// piece, unless the message carries large byte fields it can hand over without a copy.
    func encodeRequestSegments(
        version: Int16, correlationId: Int32, clientId: String?, allocator: ByteBufferAllocator
    ) throws(KafkaWireError) -> [ByteBuffer]
}

/// A response body. Decoding never traps on malformed input: it throws. Responses encode too
/// (what test proxies rewrite, and the fuzz targets' round trip: decode, encode, decode, equal).
public protocol KafkaResponseMessage: Sendable, Equatable {
    init(from buffer: inout ByteBuffer, version: Int16) throws(KafkaWireError)
    /// Appends the body (no size prefix, no header) at `version`.
    func encode(into buffer: inout ByteBuffer, version: Int16) throws(KafkaWireError)
}

extension KafkaRequestMessage {
    @inlinable
    public static func isFlexible(_ version: Int16) -> Bool {
        guard let first = firstFlexibleVersion else { return false }
        return version >= first
    }

    /// Request header v2 for flexible versions, v1 otherwise (v0 is never sent).
    @inlinable
    public static func requestHeaderVersion(_ version: Int16) -> Int16 { isFlexible(version) ? 2 : 1 }

    /// Response header v1 for flexible versions, v0 otherwise — except ApiVersions (key 18),
    /// whose response always uses header v0 so a client can parse it before it knows versions.
    @inlinable
    public static func responseHeaderVersion(_ version: Int16) -> Int16 {
        apiKey == 18 ? 0 : (isFlexible(version) ? 1 : 0)
    }
}

/// What went wrong while reading or writing bytes on the wire.
public enum KafkaWireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Input ended before a field was complete.
    case truncated(field: String)
    /// A value broke the format (negative length, varint too long, bad magic, CRC mismatch, ...).
    case malformed(String)
    /// The message cannot be expressed at this version.
    case unsupportedVersion(api: Int16, version: Int16)
    /// Decompressed output would exceed the configured limit (a decompression bomb guard).
    case tooLarge(String)

    public var description: String {
        switch self {
        case .truncated(let field): return "truncated input while reading \(field)"
        case .malformed(let what): return "malformed input: \(what)"
        case .unsupportedVersion(let api, let version): return "API \(api) cannot be encoded at version \(version)"
        case .tooLarge(let what): return "too large: \(what)"
        }
    }
}
