/// Re-indents (or compacts) JSON text without building a document, so key order and number spelling are
/// kept exactly as sent, and large values cost one pass. Only objects and arrays count as JSON here:
/// a bare string or number is better shown as text.
public enum JSONReformatter {
    /// The reformatted lines, or nil if `bytes` is not a well-formed JSON object or array.
    /// `indent: nil` gives one compact line.
    public static func reformat(_ bytes: [UInt8], indent: Int?) -> [String]? {
        var lines: [String] = []
        var current: [UInt8] = []
        var stack: [UInt8] = []
        var finished = false
        var i = 0
        let n = bytes.count

        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        func newline() {
            guard let indent else { return }
            lines.append(ValueText.singleLine(String(decoding: current, as: UTF8.self)))
            current = Array(repeating: 0x20, count: indent * stack.count)
        }
        func nextNonSpace(from start: Int) -> Int {
            var j = start
            while j < n && isSpace(bytes[j]) { j += 1 }
            return j
        }

        i = nextNonSpace(from: 0)
        guard i < n, bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "[") else { return nil }
        while i < n {
            let byte = bytes[i]
            if isSpace(byte) {
                i += 1
                continue
            }
            if finished { return nil }  // something after the top-level value
            switch byte {
            case UInt8(ascii: "\""):
                var j = i + 1
                while j < n && bytes[j] != UInt8(ascii: "\"") { j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1 }
                guard j < n else { return nil }
                current.append(contentsOf: bytes[i...j])
                i = j + 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                let next = nextNonSpace(from: i + 1)
                current.append(byte)
                if next < n && bytes[next] == close {  // "{}" and "[]" stay on one line
                    current.append(close)
                    i = next + 1
                    if stack.isEmpty { finished = true }
                    continue
                }
                stack.append(close)
                newline()
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard stack.last == byte else { return nil }
                stack.removeLast()
                newline()
                current.append(byte)
                if stack.isEmpty { finished = true }
                i += 1
            case UInt8(ascii: ","):
                guard !stack.isEmpty else { return nil }
                current.append(byte)
                newline()
                i += 1
            case UInt8(ascii: ":"):
                guard stack.last == UInt8(ascii: "}") else { return nil }
                current.append(byte)
                if indent != nil { current.append(0x20) }
                i += 1
            default:
                // Numbers, true, false, null.
                let isLiteral = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A)
                    || (byte >= 0x41 && byte <= 0x5A) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                    || byte == UInt8(ascii: ".")
                guard isLiteral, !stack.isEmpty else { return nil }
                current.append(byte)
                i += 1
            }
        }
        guard finished, stack.isEmpty else { return nil }
        lines.append(ValueText.singleLine(String(decoding: current, as: UTF8.self)))
        return lines
    }
}
