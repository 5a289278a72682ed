/// A value of the TOML subset profiles use.
enum TOMLValue: Equatable {
    case string(String)
    case bool(Bool)
    case integer(Int)

    /// The value as a client property takes it.
    var text: String {
        switch self {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        }
    }
}

struct TOMLSyntaxError: Error {
    var reason: String
}

/// Reads one line of the TOML subset: a `[table.header]`, or `key = value` with an optional
/// trailing `# comment`. Never traps on malformed input: every problem is a `TOMLSyntaxError`.
struct TOMLLineScanner {
    private let bytes: [UInt8]
    private var index = 0

    /// A line's bytes; a trailing carriage return (CRLF files) is dropped.
    init(_ bytes: [UInt8]) { self.bytes = bytes.last == 0x0D ? Array(bytes.dropLast()) : bytes }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Nothing but spaces and a comment remain.
    var atEndOfContent: Bool { peek == nil || peek == UInt8(ascii: "#") }

    mutating func skipSpace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 { index += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    /// `[a.b."c d"]` as its parts.
    mutating func tableHeader() throws(TOMLSyntaxError) -> [String] {
        _ = take(UInt8(ascii: "["))
        skipSpace()
        let parts = try dottedParts()
        guard take(UInt8(ascii: "]")) else { throw TOMLSyntaxError(reason: "expected ']' to close the table header") }
        skipSpace()
        guard atEndOfContent else { throw TOMLSyntaxError(reason: "unexpected text after the table header") }
        return parts
    }

    /// A key: bare or quoted parts joined with dots (`sasl.username`, `"sasl.username"`).
    mutating func key() throws(TOMLSyntaxError) -> String { try dottedParts().joined(separator: ".") }

    /// `a . "b" . c`, the parts of a dotted key or table name.
    private mutating func dottedParts() throws(TOMLSyntaxError) -> [String] {
        var parts = [try keyPart()]
        skipSpace()
        while take(UInt8(ascii: ".")) {
            skipSpace()
            parts.append(try keyPart())
            skipSpace()
        }
        return parts
    }

    private mutating func keyPart() throws(TOMLSyntaxError) -> String {
        if peek == UInt8(ascii: "\"") || peek == UInt8(ascii: "'") { return try string() }
        let start = index
        while let byte = peek, Self.isBareKeyByte(byte) { index += 1 }
        guard index > start else {
            throw TOMLSyntaxError(reason: peek.map { "unexpected '\(Character(Unicode.Scalar($0)))' where a name was expected" }
                ?? "a name was expected")
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    mutating func value() throws(TOMLSyntaxError) -> TOMLValue {
        guard let byte = peek else { throw TOMLSyntaxError(reason: "a value was expected after '='") }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { return .string(try string()) }
        let start = index
        while let next = peek, Self.isBareKeyByte(next) || next == UInt8(ascii: "+") { index += 1 }
        let word = String(decoding: bytes[start..<index], as: UTF8.self)
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default:
            if let number = Int(word.replacing("_", with: "")) { return .integer(number) }
            throw TOMLSyntaxError(reason: word.isEmpty
                ? "a value must be a \"string\", true, false or a number"
                : "'\(word)' is not a value: put text in double quotes")
        }
    }

    /// "basic" (with escapes) or 'literal' (as written), on one line.
    private mutating func string() throws(TOMLSyntaxError) -> String {
        let quote = bytes[index]
        index += 1
        var output: [UInt8] = []
        while let byte = peek {
            index += 1
            if byte == quote { return String(decoding: output, as: UTF8.self) }
            guard quote == UInt8(ascii: "\""), byte == UInt8(ascii: "\\") else {
                output.append(byte)
                continue
            }
            guard let escaped = peek else { break }
            index += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(escaped)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "u"):
                guard index + 4 <= bytes.count,
                      let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(code)
                else { throw TOMLSyntaxError(reason: "\\u needs four hex digits of a character") }
                index += 4
                output += Array(String(Character(scalar)).utf8)
            default:
                throw TOMLSyntaxError(reason: "unknown escape '\\\(Character(Unicode.Scalar(escaped)))' in a string")
            }
        }
        throw TOMLSyntaxError(reason: "the string is not closed on this line")
    }
}
