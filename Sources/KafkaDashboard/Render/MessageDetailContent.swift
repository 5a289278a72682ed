/// The message detail overlay's lines: where the message came from, its timestamp and whose clock it
/// is, its key, every header (binary ones in hex), and its value as text, a hex dump with offsets or
/// indented JSON coloured by token.
public enum MessageDetailContent {
    public static func lines(for message: ConsumedMessage, format: ValueFormat, utcOffsetSeconds: Int) -> [StyledLine] {
        func field(_ label: String, _ value: String, _ role: ThemeRole = .overlay) -> StyledLine {
            StyledLine([.init(Format.fit(label, 11), .dim), .init(value, role)])
        }
        let time = Format.dateTime(epochMillis: message.timestampMillis, utcOffsetSeconds: utcOffsetSeconds)
        var lines = [
            field("Topic", message.topic),
            field("Partition", String(message.partition)),
            field("Offset", Format.grouped(message.offset)),
            field("Timestamp", "\(time)  (\(message.timestampMillis), \(message.timestampType.rawValue))"),
            field("Key", message.key.map(textOrHex) ?? "null", message.key == nil ? .dim : .overlay),
        ]
        if message.headers.isEmpty {
            lines.append(field("Headers", "none", .dim))
        } else {
            lines.append(field("Headers", String(message.headers.count)))
            for header in message.headers {
                lines.append(StyledLine([
                    .init("  " + header.key, .columnHeader), .init(" = ", .dim),
                    .init(header.value.map(textOrHex) ?? "null", header.value == nil ? .dim : .overlay),
                ]))
            }
        }
        let size = message.value.map { Format.bytes(Double($0.count)) } ?? "null"
        lines.append(StyledLine(""))
        lines.append(StyledLine("Value (\(format.rawValue), \(size))", .accent))
        let valueLines = ValueText.lines(message.value, format: format)
        if format == .json, message.value.map({ JSONReformatter.reformat(Array($0.prefix(ValueText.detailLimit)), indent: 2) != nil }) == true {
            lines += valueLines.map(JSONHighlighter.line)
        } else {
            lines += valueLines.map { StyledLine($0) }
        }
        return lines
    }

    /// Text when the bytes are UTF-8 without control characters, else hex ("de ad (2 bytes, hex)").
    static func textOrHex(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F })
        {
            return text
        }
        let shown = bytes.prefix(ValueText.previewLimit / 3)
        let more = bytes.count > shown.count ? " ..." : ""
        return ValueText.hexBytes(shown) + more + " (\(Format.grouped(Int64(bytes.count)))"
            + " byte\(bytes.count == 1 ? "" : "s"), hex)"
    }
}

/// Colours one line of indented JSON by token: keys, strings, numbers and true/false/null.
enum JSONHighlighter {
    static func line(_ text: String) -> StyledLine {
        var spans: [StyledLine.Span] = []
        let characters = Array(text)
        var index = 0
        var plain = ""
        func flush() {
            if !plain.isEmpty { spans.append(.init(plain)) }
            plain = ""
        }
        while index < characters.count {
            let character = characters[index]
            if character == "\"" {
                var end = index + 1
                while end < characters.count && characters[end] != "\"" { end += characters[end] == "\\" ? 2 : 1 }
                end = min(end, characters.count - 1)
                var next = end + 1
                while next < characters.count && characters[next] == " " { next += 1 }
                flush()
                let isKey = next < characters.count && characters[next] == ":"
                spans.append(.init(String(characters[index...end]), isKey ? .jsonKey : .jsonString))
                index = end + 1
            } else if character.isNumber || character == "-" {
                var end = index
                while end < characters.count && (characters[end].isNumber || "-+.eE".contains(characters[end])) { end += 1 }
                flush()
                spans.append(.init(String(characters[index..<end]), .jsonNumber))
                index = end
            } else if character.isLetter {
                var end = index
                while end < characters.count && characters[end].isLetter { end += 1 }
                flush()
                spans.append(.init(String(characters[index..<end]), .jsonLiteral))
                index = end
            } else {
                plain.append(character)
                index += 1
            }
        }
        flush()
        return StyledLine(spans)
    }
}
