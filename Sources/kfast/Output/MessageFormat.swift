import Foundation
import KafkaFast
import NIOCore

/// How `kfast consume` prints a message: kcat's `-f` tokens, or its `-J` JSON envelope.
enum MessageFormat {
    case tokens([Token])
    case json

    enum Token: Equatable {
        case literal([UInt8])
        case topic, partition, offset, key, keySize, value, valueSize, headers, timestamp
    }

    /// kcat's default without -f: the value and a newline.
    static let valueLines = MessageFormat.tokens([.value, .literal([UInt8(ascii: "\n")])])

    /// Parses a kcat `-f` string: `%t %p %o %k %K %s %S %h %T %%` and the escapes `\n \t \r \\`.
    static func parse(_ format: String) throws -> MessageFormat {
        var tokens: [Token] = []
        var literal: [UInt8] = []
        func flush() {
            if !literal.isEmpty { tokens.append(.literal(literal)) }
            literal = []
        }
        var iterator = Array(format.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let code = iterator.next() else { throw CLIError.usage("-f \(format): a lone % at the end (write %% for a percent sign)") }
                let token: Token
                switch code {
                case UInt8(ascii: "t"): token = .topic
                case UInt8(ascii: "p"): token = .partition
                case UInt8(ascii: "o"): token = .offset
                case UInt8(ascii: "k"): token = .key
                case UInt8(ascii: "K"): token = .keySize
                case UInt8(ascii: "s"): token = .value
                case UInt8(ascii: "S"): token = .valueSize
                case UInt8(ascii: "h"): token = .headers
                case UInt8(ascii: "T"): token = .timestamp
                case UInt8(ascii: "%"):
                    literal.append(code)
                    continue
                default:
                    throw CLIError.usage("-f \(format): unknown token %\(Character(Unicode.Scalar(code))) (known: %t %p %o %k %K %s %S %h %T %%)")
                }
                flush()
                tokens.append(token)
            case UInt8(ascii: "\\"):
                guard let code = iterator.next() else {
                    literal.append(byte)
                    continue
                }
                switch code {
                case UInt8(ascii: "n"): literal.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): literal.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "r"): literal.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "\\"): literal.append(UInt8(ascii: "\\"))
                default: literal += [byte, code]
                }
            default:
                literal.append(byte)
            }
        }
        flush()
        return .tokens(tokens)
    }

    func write(_ message: ConsumedMessage, broker: Int32, to out: inout ByteOutput) {
        switch self {
        case .tokens(let tokens):
            for token in tokens { Self.write(token, message, to: &out) }
        case .json:
            Self.writeJSON(message, broker: broker, to: &out)
        }
    }

    private static func write(_ token: Token, _ message: ConsumedMessage, to out: inout ByteOutput) {
        switch token {
        case .literal(let bytes): bytes.withUnsafeBytes { out.append($0) }
        case .topic: out.append(message.topic)
        case .partition: out.append(decimal: message.partition)
        case .offset: out.append(decimal: message.offset)
        case .key: message.key?.withUnsafeReadableBytes { out.append($0) }
        case .keySize: out.append(decimal: message.key?.readableBytes ?? -1)
        case .value: message.value?.withUnsafeReadableBytes { out.append($0) }
        case .valueSize: out.append(decimal: message.value?.readableBytes ?? -1)
        case .timestamp: out.append(decimal: message.timestamp)
        case .headers:
            for (index, header) in message.headers.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(header.key)
                out.append(UInt8(ascii: "="))
                header.value?.withUnsafeReadableBytes { out.append($0) }
            }
        }
    }

    // MARK: kcat's JSON envelope

    /// `{"topic","partition","offset","tstype","ts","broker","headers":[name, value, ...],"key","payload"}`
    /// in kcat's order ("headers" only when there are some). A key or payload that is not UTF-8
    /// is base64 with `"key_encoding"`/`"payload_encoding": "base64"` after it; header values
    /// that are not all UTF-8 are all base64, marked by `"headers_encoding": "base64"`.
    private static func writeJSON(_ message: ConsumedMessage, broker: Int32, to out: inout ByteOutput) {
        out.append("{\"topic\":")
        quote(message.topic, to: &out)
        out.append(",\"partition\":")
        out.append(decimal: message.partition)
        out.append(",\"offset\":")
        out.append(decimal: message.offset)
        out.append(message.timestampType == .logAppendTime ? ",\"tstype\":\"logappend\",\"ts\":" : ",\"tstype\":\"create\",\"ts\":")
        out.append(decimal: message.timestamp)
        out.append(",\"broker\":")
        out.append(decimal: broker)
        if !message.headers.isEmpty {
            let base64 = !message.headers.allSatisfy { $0.value.map(isUTF8) ?? true }
            out.append(",\"headers\":[")
            for (index, header) in message.headers.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                quote(header.key, to: &out)
                out.append(UInt8(ascii: ","))
                bytesField(header.value, base64: base64, to: &out)
            }
            out.append(UInt8(ascii: "]"))
            if base64 { out.append(",\"headers_encoding\":\"base64\"") }
        }
        out.append(",\"key\":")
        let keyBase64 = message.key.map { !isUTF8($0) } ?? false
        bytesField(message.key, base64: keyBase64, to: &out)
        if keyBase64 { out.append(",\"key_encoding\":\"base64\"") }
        out.append(",\"payload\":")
        let valueBase64 = message.value.map { !isUTF8($0) } ?? false
        bytesField(message.value, base64: valueBase64, to: &out)
        if valueBase64 { out.append(",\"payload_encoding\":\"base64\"") }
        out.append("}\n")
    }

    private static func bytesField(_ bytes: ByteBuffer?, base64: Bool, to out: inout ByteOutput) {
        guard let bytes else {
            out.append("null")
            return
        }
        out.append(UInt8(ascii: "\""))
        if base64 {
            out.append(Data(bytes.readableBytesView).base64EncodedString())
        } else {
            bytes.withUnsafeReadableBytes { escape($0, to: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func quote(_ text: String, to out: inout ByteOutput) {
        var text = text
        out.append(UInt8(ascii: "\""))
        text.withUTF8 { escape(UnsafeRawBufferPointer($0), to: &out) }
        out.append(UInt8(ascii: "\""))
    }

    /// JSON string escaping of UTF-8 bytes: quote, backslash and control characters.
    private static func escape(_ bytes: UnsafeRawBufferPointer, to out: inout ByteOutput) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): out.append("\\\"")
            case UInt8(ascii: "\\"): out.append("\\\\")
            case UInt8(ascii: "\n"): out.append("\\n")
            case UInt8(ascii: "\r"): out.append("\\r")
            case UInt8(ascii: "\t"): out.append("\\t")
            case 0..<0x20:
                out.append("\\u00")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
    }

    static func isUTF8(_ bytes: ByteBuffer) -> Bool {
        bytes.withUnsafeReadableBytes { String(validating: $0, as: UTF8.self) != nil }
    }
}
