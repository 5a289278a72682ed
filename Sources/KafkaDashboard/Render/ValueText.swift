/// Turns message keys and values (arbitrary bytes) into displayable text: UTF-8 with invalid bytes shown as
/// U+FFFD and control characters escaped, a hex dump, or JSON reformatted (compact on one line, indented
/// in the detail view). Only a bounded prefix is looked at for one-line previews, so a 1 MB value costs
/// no more to show in a row than a 100-byte one.
public enum ValueText {
    /// Bytes looked at for a one-line preview; wider than any terminal row.
    public static let previewLimit = 1024
    /// Bytes shown in the detail view before "… N more bytes".
    public static let detailLimit = 64 * 1024

    /// One line for a tail row.
    public static func preview(_ bytes: [UInt8]?, format: ValueFormat) -> String {
        guard let bytes else { return "null" }
        let prefix = bytes.prefix(previewLimit)
        switch format {
        case .text:
            return singleLine(decode(prefix))
        case .hex:
            return hexBytes(prefix.prefix(previewLimit / 3))
        case .json:
            if bytes.count <= previewLimit, let compact = JSONReformatter.reformat(bytes, indent: nil)?.first {
                return compact
            }
            return singleLine(decode(prefix))
        }
    }

    /// The lines of the detail view.
    public static func lines(_ bytes: [UInt8]?, format: ValueFormat) -> [String] {
        guard let bytes else { return ["null"] }
        let shown = bytes.prefix(detailLimit)
        var result: [String]
        switch format {
        case .text:
            result = decode(shown).split(separator: "\n", omittingEmptySubsequences: false).map { singleLine($0) }
        case .hex:
            result = hexDump(shown)
        case .json:
            result = JSONReformatter.reformat(Array(shown), indent: 2)
                ?? ["(not JSON, shown as text)"]
                + decode(shown).split(separator: "\n", omittingEmptySubsequences: false).map { singleLine($0) }
        }
        if bytes.count > shown.count { result.append("… \(Format.grouped(Int64(bytes.count - shown.count))) more bytes") }
        return result
    }

    /// UTF-8 with every invalid sequence replaced by U+FFFD.
    public static func decode(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Escapes what would break a one-line cell: newlines, tabs and other control characters.
    public static func singleLine(_ text: some StringProtocol) -> String {
        var needsEscaping = false
        for scalar in text.unicodeScalars where scalar.value < 0x20 || scalar.value == 0x7F {
            needsEscaping = true
            break
        }
        guard needsEscaping else { return String(text) }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\x" + hexByte(UInt8(scalar.value))
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// "48 65 6c 6c 6f".
    public static func hexBytes(_ bytes: some Collection<UInt8>) -> String {
        var result = ""
        result.reserveCapacity(bytes.count * 3)
        for (index, byte) in bytes.enumerated() {
            if index > 0 { result += " " }
            result += hexByte(byte)
        }
        return result
    }

    /// "00000010  48 65 6c 6c 6f 20 77 6f  72 6c 64 0a              |Hello world.|"
    public static func hexDump(_ bytes: some Collection<UInt8>) -> [String] {
        let all = Array(bytes)
        var lines: [String] = []
        var offset = 0
        while offset < all.count {
            let row = all[offset..<min(offset + 16, all.count)]
            var line = hexOffset(offset) + "  "
            for i in 0..<16 {
                if i == 8 { line += " " }
                line += i < row.count ? hexByte(row[row.startIndex + i]) + " " : "   "
            }
            line += " |"
            for byte in row { line.append(byte >= 0x20 && byte < 0x7F ? Character(Unicode.Scalar(byte)) : ".") }
            line += "|"
            lines.append(line)
            offset += 16
        }
        return lines.isEmpty ? ["(empty)"] : lines
    }

    private static let hexDigits = Array("0123456789abcdef")

    static func hexByte(_ byte: UInt8) -> String {
        String([hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
    }

    private static func hexOffset(_ value: Int) -> String {
        var digits = ""
        var remaining = value
        for _ in 0..<8 {
            digits = String(hexDigits[remaining & 0xF]) + digits
            remaining >>= 4
        }
        return digits
    }
}
