/// A delimiter as kcat takes it on the command line (`-D`, `-K`): any byte string, written with
/// the escapes `\n`, `\r`, `\t`, `\0`, `\\` and `\xNN`; every other character stands for its
/// UTF-8 bytes.
public enum Delimiter {
    /// The bytes `text` stands for; throws for an empty result, a lone trailing backslash or a
    /// malformed `\x`.
    public static func parse(_ text: [UInt8]) throws(InputError) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = 0
        while index < text.count {
            let byte = text[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                continue
            }
            guard index < text.count else { throw .badDelimiter(text, reason: "ends with a lone backslash") }
            let escape = text[index]
            index += 1
            switch escape {
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "0"): bytes.append(0x00)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "x"):
                guard index + 2 <= text.count, let high = hexValue(text[index]), let low = hexValue(text[index + 1]) else {
                    throw .badDelimiter(text, reason: "\\x needs two hex digits")
                }
                bytes.append(high << 4 | low)
                index += 2
            default:
                throw .badDelimiter(text, reason: "unknown escape \\\(String(decoding: [escape], as: UTF8.self)) (known: \\n \\r \\t \\0 \\\\ \\xNN)")
            }
        }
        guard !bytes.isEmpty else { throw .badDelimiter(text, reason: "is empty") }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Why input could not be read; each description is one line.
public enum InputError: Error, CustomStringConvertible, Equatable {
    case badDelimiter([UInt8], reason: String)
    case unreadable(what: String, reason: String)
    case badEnvelope(String)

    public var description: String {
        switch self {
        case .badDelimiter(let text, let reason):
            return "delimiter '\(String(decoding: text, as: UTF8.self))' \(reason)"
        case .unreadable(let what, let reason):
            return "cannot read \(what): \(reason)"
        case .badEnvelope(let reason):
            return reason
        }
    }
}

extension Collection where Element == UInt8 {
    /// The index where `pattern` first occurs, searching from the start.
    @inlinable
    public func firstRange(of pattern: [UInt8]) -> Range<Index>? {
        guard let first = pattern.first else { return nil }
        var start = startIndex
        while let candidate = self[start...].firstIndex(of: first) {
            var matched = true
            var here = candidate
            for byte in pattern {
                guard here != endIndex, self[here] == byte else {
                    matched = false
                    break
                }
                formIndex(after: &here)
            }
            if matched { return candidate..<here }
            start = index(after: candidate)
        }
        return nil
    }
}
