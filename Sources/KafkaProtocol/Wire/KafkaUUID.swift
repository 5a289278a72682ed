/// Kafka's 128-bit UUID (topic ids, directory ids), kept as two big-endian halves so it
/// costs two integer loads to decode and needs no Foundation.
public struct KafkaUUID: Hashable, Sendable, CustomStringConvertible {
    /// The first 8 bytes on the wire, as a big-endian integer.
    public var high: UInt64
    /// The last 8 bytes on the wire, as a big-endian integer.
    public var low: UInt64

    /// The UUID whose 16 bytes are `high` then `low`, big-endian.
    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The all-zero id, which Kafka uses for "no topic id".
    public static let zero = KafkaUUID(high: 0, low: 0)

    /// Whether this is ``zero``: "no id", as brokers before Metadata v10 send.
    public var isZero: Bool { high == 0 && low == 0 }

    /// The usual 8-4-4-4-12 lowercase hex form.
    public var description: String {
        var text = ""
        text.reserveCapacity(36)
        for index in 0..<16 {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append("-") }
            let byte = byte(at: index)
            text.append(Self.hexDigits[Int(byte >> 4)])
            text.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return text
    }

    /// Parses the 32-digit hex form, with or without dashes; nil for anything else.
    public init?(_ text: String) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        for scalar in text.unicodeScalars {
            if scalar == "-" { continue }
            guard let nibble = Self.nibble(scalar), digits < 32 else { return nil }
            if digits < 16 {
                high = high << 4 | nibble
            } else {
                low = low << 4 | nibble
            }
            digits += 1
        }
        guard digits == 32 else { return nil }
        self.init(high: high, low: low)
    }

    /// The form Kafka's own tools print (`kafka-topics.sh --describe`): URL-safe base64
    /// of the 16 bytes, without padding, 22 characters.
    public var base64: String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var text = ""
        text.reserveCapacity(22)
        var index = 0
        while index < 16 {
            let remaining = 16 - index
            let b0 = UInt32(byte(at: index))
            let b1 = remaining > 1 ? UInt32(byte(at: index + 1)) : 0
            let b2 = remaining > 2 ? UInt32(byte(at: index + 2)) : 0
            let group = b0 << 16 | b1 << 8 | b2
            let characters = remaining >= 3 ? 4 : remaining + 1
            for position in 0..<characters {
                text.append(alphabet[Int((group >> UInt32(18 - 6 * position)) & 0x3F)])
            }
            index += 3
        }
        return text
    }

    private func byte(at index: Int) -> UInt8 {
        let word = index < 8 ? high : low
        return UInt8(truncatingIfNeeded: word >> UInt64(8 * (7 - index % 8)))
    }

    private static let hexDigits: [Character] = Array("0123456789abcdef")

    private static func nibble(_ scalar: Unicode.Scalar) -> UInt64? {
        switch scalar.value {
        case 0x30...0x39: return UInt64(scalar.value - 0x30)
        case 0x41...0x46: return UInt64(scalar.value - 0x41 + 10)
        case 0x61...0x66: return UInt64(scalar.value - 0x61 + 10)
        default: return nil
        }
    }
}
