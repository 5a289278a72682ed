/// The help overlay's lines, generated from the key table so help can never disagree with what keys do.
public enum HelpContent {
    public enum Line: Equatable, Sendable {
        case heading(String)
        case binding(keys: String, label: String)
        case blank
    }

    public static func lines(_ table: KeyTable) -> [Line] {
        var result: [Line] = []
        for (context, bindings) in table.contexts where !bindings.isEmpty {
            if !result.isEmpty { result.append(.blank) }
            result.append(.heading(context.title))
            for binding in bindings {
                result.append(.binding(keys: binding.keysDisplay, label: binding.label))
            }
        }
        return result
    }
}

/// The message detail overlay's lines: where the message came from, its key, headers and value.
public enum MessageDetailContent {
    public static func lines(for message: ConsumedMessage, format: ValueFormat, utcOffsetSeconds: Int) -> [String] {
        var lines = [
            "Topic      \(message.topic)",
            "Partition  \(message.partition)",
            "Offset     \(Format.grouped(message.offset))",
            "Timestamp  \(Format.dateTime(epochMillis: message.timestampMillis, utcOffsetSeconds: utcOffsetSeconds))"
                + "  (\(message.timestampMillis))",
            "Key        " + (message.key.map { ValueText.preview($0, format: .text) } ?? "null"),
        ]
        if message.headers.isEmpty {
            lines.append("Headers    none")
        } else {
            lines.append("Headers    \(message.headers.count)")
            for header in message.headers {
                lines.append("  \(header.key) = " + (header.value.map { ValueText.preview($0, format: .text) } ?? "null"))
            }
        }
        let size = message.value.map { Format.bytes(Double($0.count)) } ?? "null"
        lines.append("")
        lines.append("Value (\(format.rawValue), \(size))")
        lines.append(contentsOf: ValueText.lines(message.value, format: format))
        return lines
    }
}
