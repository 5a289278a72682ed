import KafkaCompression
import NIOCore

/// Deterministic, dependency-free generator for test data.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Samples {
    static func random(count: Int, seed: UInt64 = 7) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        while bytes.count < count {
            var word = generator.next()
            for _ in 0..<min(8, count - bytes.count) {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return bytes
    }

    /// Text-like data that compresses several times over.
    static func compressible(count: Int) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(count + 16)
        var number = 0
        while bytes.count < count {
            bytes.append(contentsOf: "record-\(number % 997),value=\(number * 7 % 1000);".utf8)
            number += 1
        }
        return Array(bytes.prefix(count))
    }

    static let inputs: [(name: String, bytes: [UInt8])] = [
        ("empty", []),
        ("one byte", [0x2A]),
        ("tiny", Array("hello, kafka".utf8)),
        ("1 MB random", random(count: 1 << 20)),
        ("1 MB compressible", compressible(count: 1 << 20)),
    ]
}

func bytes(hex: String) -> [UInt8] {
    var result = [UInt8]()
    var pending: UInt8?
    for character in hex.utf8 {
        let nibble: UInt8
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
        default: continue // spaces and newlines are for readability
        }
        if let high = pending {
            result.append(high << 4 | nibble)
            pending = nil
        } else {
            pending = nibble
        }
    }
    precondition(pending == nil, "odd number of hex digits")
    return result
}

func compressed(_ input: [UInt8], _ codec: CompressionCodec, level: Int? = nil) throws -> [UInt8] {
    var output = ByteBuffer()
    try input.withUnsafeBytes { try Compression.compress($0, codec: codec, level: level, into: &output) }
    return Array(output.readableBytesView)
}

func decompressed(_ input: [UInt8], _ codec: CompressionCodec, limit: Int = 64 << 20) throws -> [UInt8] {
    var output = ByteBuffer()
    try input.withUnsafeBytes { try Compression.decompress($0, codec: codec, maxOutputBytes: limit, into: &output) }
    return Array(output.readableBytesView)
}
