#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import KafkaFast

/// One message as `kfast produce` takes it from its input, before it is sent.
public struct InputMessage: Equatable {
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [MessageHeader]
    public var partition: Int32?

    public init(key: [UInt8]?, value: [UInt8]?, headers: [MessageHeader], partition: Int32?) {
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }
}

/// kcat's JSON envelope, one object a line, as `kfast consume -J` prints it:
/// `{"key", "payload", "partition", "headers": [name, value, ...], "*_encoding": "base64"}`.
/// Bytes that were not UTF-8 come base64-encoded with their `*_encoding` marker.
public enum Envelope {
    /// The fields the envelope may carry; others (kcat's topic, offset, timestamps...) are ignored.
    private struct Fields: Decodable {
        var key: String?
        var payload: String?
        var partition: Int64?
        var headers: [String?]?
        var key_encoding: String?
        var payload_encoding: String?
        var headers_encoding: String?
    }

    /// The message `line` describes, with `extraHeaders` after its own and `defaultPartition`
    /// when it names none. Throws one line saying what is wrong.
    public static func parse(_ line: [UInt8], extraHeaders: [MessageHeader] = [], defaultPartition: Int32? = nil) throws(InputError) -> InputMessage {
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: Data(line))
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            throw .badEnvelope("\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type: \(context.debugDescription)")
        } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
            throw .badEnvelope("\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type: \(context.debugDescription)")
        } catch {
            throw .badEnvelope("not a JSON object")
        }
        var headers: [MessageHeader] = []
        if let flat = fields.headers {
            guard flat.count % 2 == 0 else { throw .badEnvelope("\"headers\" must be a flat list of name, value pairs") }
            for index in stride(from: 0, to: flat.count, by: 2) {
                guard let name = flat[index] else { throw .badEnvelope("header names must be strings") }
                headers.append(MessageHeader(name, try flat[index + 1].map { text throws(InputError) in
                    try decoded(text, field: "header \"\(name)\"", encoding: fields.headers_encoding)
                }))
            }
        }
        var partition = defaultPartition
        if let number = fields.partition {
            // A number past Int32 was once cut to 32 bits and sent elsewhere: an error now.
            guard let exact = Int32(exactly: number), exact >= 0 else {
                throw .badEnvelope("\"partition\" must be a whole number from 0 to \(Int32.max), not \(number)")
            }
            partition = exact
        }
        return InputMessage(
            key: try fields.key.map { text throws(InputError) in try decoded(text, field: "\"key\"", encoding: fields.key_encoding) },
            value: try fields.payload.map { text throws(InputError) in try decoded(text, field: "\"payload\"", encoding: fields.payload_encoding) },
            headers: headers + extraHeaders, partition: partition)
    }

    private static func decoded(_ text: String, field: String, encoding: String?) throws(InputError) -> [UInt8] {
        guard let encoding else { return Array(text.utf8) }
        guard encoding == "base64" else { throw .badEnvelope("\(field): the only encoding known is \"base64\"") }
        guard let data = Data(base64Encoded: text) else { throw .badEnvelope("\(field) is not valid base64") }
        return [UInt8](data)
    }
}
