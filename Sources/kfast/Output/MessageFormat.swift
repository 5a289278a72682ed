import KfastFormats
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
        withUnsafePointer(to: message) { write($0, broker: broker, to: &out) }
    }

    /// Writes the message `message` points at, in a chunk's array: passed by value, the message
    /// was copied out of the array to be printed (its topic, key, value and headers counted up
    /// and down again), a tenth of `consume -f '%o\n'`'s work per message.
    func write(_ message: UnsafePointer<ConsumedMessage>, broker: Int32, to out: inout ByteOutput) {
        switch self {
        case .tokens(let tokens):
            // Through the array's memory: iterating the array itself copies each token (and
            // counts a reference to a literal's bytes) for every message printed.
            tokens.withUnsafeBufferPointer { tokens in
                for index in tokens.indices { Self.write(tokens[index], message, to: &out) }
            }
        case .json:
            Self.writeJSON(message.pointee, broker: broker, to: &out)
        }
    }

    private static func write(_ token: Token, _ message: UnsafePointer<ConsumedMessage>, to out: inout ByteOutput) {
        switch token {
        case .literal(let bytes): bytes.withUnsafeBytes { out.append($0) }
        case .topic: out.append(message.pointee.topic)
        case .partition: out.append(decimal: message.pointee.partition)
        case .offset: out.append(decimal: message.pointee.offset)
        case .key: message.pointee.key?.withUnsafeReadableBytes { out.append($0) }
        case .keySize: out.append(decimal: message.pointee.key?.readableBytes ?? -1)
        case .value: message.pointee.value?.withUnsafeReadableBytes { out.append($0) }
        case .valueSize: out.append(decimal: message.pointee.value?.readableBytes ?? -1)
        case .timestamp: out.append(decimal: message.pointee.timestamp)
        case .headers:
            for (index, header) in message.pointee.headers.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(header.key)
                out.append(UInt8(ascii: "="))
                header.value?.withUnsafeReadableBytes { out.append($0) }
            }
        }
    }

    // MARK: kcat's JSON envelope

    private static func writeJSON(_ message: ConsumedMessage, broker: Int32, to out: inout ByteOutput) {
        JSONEnvelope.write(
            topic: message.topic, partition: message.partition, offset: message.offset,
            logAppendTime: message.timestampType == .logAppendTime, timestamp: message.timestamp, broker: broker,
            headers: message.headers, name: \.key, value: \.value, key: message.key, payload: message.value, to: &out)
    }
}
