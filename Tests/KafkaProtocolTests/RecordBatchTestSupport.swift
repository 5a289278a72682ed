import KafkaProtocol
import NIOCore

/// Helpers for the record batch and CRC tests, namespaced so they cannot collide with other
/// test files in this module.
enum RecordFixtures {
    /// Parses hex digits, ignoring whitespace and `//` comments up to the end of each line.
    static func bytes(hex: String) -> [UInt8] {
        var result = [UInt8]()
        var pending: UInt8?
        let digits: String = hex.split(separator: "\n").map { line -> Substring in
            line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        }.joined(separator: " ")
        for character in digits.utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            case UInt8(ascii: " "), UInt8(ascii: "\t"): continue
            default: preconditionFailure("unexpected character in hex: \(Character(Unicode.Scalar(character)))")
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

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    /// Recomputes the CRC of a single batch after a test edited it, so only the edit is under test.
    static func resealed(_ batch: [UInt8]) -> [UInt8] {
        var copy = batch
        let crc = batch[21...].withUnsafeBytes { CRC32C.checksum($0) }
        setBigEndian(crc, at: 17, in: &copy)
        return copy
    }

    static func setBigEndian<T: FixedWidthInteger>(_ value: T, at index: Int, in bytes: inout [UInt8]) {
        for byteIndex in 0..<MemoryLayout<T>.size {
            bytes[index + byteIndex] = UInt8(truncatingIfNeeded: value >> ((MemoryLayout<T>.size - 1 - byteIndex) * 8))
        }
    }

    /// ~1 KB of text that compresses well, different per record.
    static func payload(_ index: Int) -> String {
        "\(index):" + (0..<200).map { String(($0 * 7 + index) % 1000) }.joined(separator: ",")
    }
}

/// A record as a test describes it, comparable with what the decoder returns.
struct FixtureRecord: Equatable, CustomStringConvertible {
    var key: [UInt8]?
    var value: [UInt8]?
    var headers: [Header] = []
    var timestamp: Int64

    struct Header: Equatable {
        var key: String
        var value: [UInt8]?
    }

    init(key: String?, value: String?, headers: [(String, String?)] = [], timestamp: Int64) {
        self.key = key.map { Array($0.utf8) }
        self.value = value.map { Array($0.utf8) }
        self.headers = headers.map { Header(key: $0.0, value: $0.1.map { Array($0.utf8) }) }
        self.timestamp = timestamp
    }

    init(_ record: Record) {
        key = record.key.map(RecordFixtures.bytes)
        value = record.value.map(RecordFixtures.bytes)
        headers = record.headers.map { Header(key: $0.key, value: $0.value.map(RecordFixtures.bytes)) }
        timestamp = record.timestamp
    }

    var wireHeaders: [RecordHeader] {
        headers.map { (key: $0.key, value: $0.value.map { ByteBuffer(bytes: $0) }) }
    }

    var description: String {
        "FixtureRecord(key: \(key.map { "\($0.count)B" } ?? "nil"), value: \(value.map { "\($0.count)B" } ?? "nil"), headers: \(headers.count), ts: \(timestamp))"
    }
}

extension RecordBatchBuilder {
    mutating func append(_ record: FixtureRecord) {
        append(
            key: record.key.map { ByteBuffer(bytes: $0) },
            value: record.value.map { ByteBuffer(bytes: $0) },
            headers: record.wireHeaders,
            timestamp: record.timestamp
        )
    }
}
