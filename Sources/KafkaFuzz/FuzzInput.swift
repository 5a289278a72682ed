import NIOCore

/// Reads structure from a fuzz input: a few leading bytes choose a version or a split, the rest
/// is the payload. Never fails: an exhausted input reads as zeros.
struct FuzzInput {
    private let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }

    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    /// A number in `range`, from one or two bytes.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = range.upperBound - range.lowerBound + 1
        let raw = span > 256 ? Int(byte()) << 8 | Int(byte()) : Int(byte())
        return range.lowerBound + raw % span
    }

    /// Everything left, as a buffer.
    mutating func rest() -> ByteBuffer {
        defer { position = bytes.count }
        return ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: bytes[position...]))
    }
}
