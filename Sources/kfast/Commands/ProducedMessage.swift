import Foundation
import KafkaFast

/// One message as read from `kfast produce`'s input.
struct ProducedMessage {
    var key: [UInt8]?
    var value: [UInt8]?
    var headers: [MessageHeader]
    var partition: Int32?

    init(key: [UInt8]?, value: [UInt8]?, headers: [MessageHeader], partition: Int32?) {
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }

    /// A plain input line: the whole line is the value, or `key<delim>value` with -K.
    init(line: String, key: String?, delimiter: String?, headers: [MessageHeader], partition: Int32?) {
        if let delimiter, let range = line.range(of: delimiter) {
            self.init(key: Array(line[..<range.lowerBound].utf8), value: Array(line[range.upperBound...].utf8), headers: headers, partition: partition)
        } else {
            self.init(key: key.map { Array($0.utf8) }, value: Array(line.utf8), headers: headers, partition: partition)
        }
    }

    /// kcat's JSON envelope; bytes that were not UTF-8 come base64-encoded with a `*_encoding` marker.
    init(envelope line: String, extraHeaders: [MessageHeader], defaultPartition: Int32?) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw EnvelopeError("not a JSON object")
        }
        func bytes(_ field: String) throws -> [UInt8]? {
            guard let raw = object[field], !(raw is NSNull) else { return nil }
            guard let text = raw as? String else { throw EnvelopeError("\"\(field)\" must be a string or null") }
            if (object["\(field)_encoding"] as? String) == "base64" {
                guard let data = Data(base64Encoded: text) else { throw EnvelopeError("\"\(field)\" is not valid base64") }
                return [UInt8](data)
            }
            return Array(text.utf8)
        }
        var headers = extraHeaders
        if let list = object["headers"], !(list is NSNull) {
            guard let flat = list as? [Any], flat.count % 2 == 0 else {
                throw EnvelopeError("\"headers\" must be a flat list of name, value pairs")
            }
            for index in stride(from: 0, to: flat.count, by: 2) {
                guard let name = flat[index] as? String else { throw EnvelopeError("header names must be strings") }
                let value = flat[index + 1]
                if value is NSNull {
                    headers.append(MessageHeader(name, nil))
                } else if let text = value as? String {
                    if (object["headers_encoding"] as? String) == "base64" {
                        guard let data = Data(base64Encoded: text) else { throw EnvelopeError("header \"\(name)\" is not valid base64") }
                        headers.append(MessageHeader(name, [UInt8](data)))
                    } else {
                        headers.append(MessageHeader(name, Array(text.utf8)))
                    }
                } else {
                    throw EnvelopeError("header \"\(name)\" must have a string or null value")
                }
            }
        }
        var partition = defaultPartition
        if let number = object["partition"] as? NSNumber { partition = number.int32Value }
        self.init(key: try bytes("key"), value: try bytes("payload"), headers: headers, partition: partition)
    }
}

struct EnvelopeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Delivered and failed counts, failures by error name.
struct DeliveryTally {
    var delivered = 0
    var failed = 0
    var failures: [String: Int] = [:]
    var firstError: String?

    static func count(_ reports: DeliveryReports) async -> DeliveryTally {
        var tally = DeliveryTally()
        for await report in reports {
            if let error = report.error {
                tally.failed += 1
                tally.failures[error.name, default: 0] += 1
                if tally.firstError == nil { tally.firstError = error.description }
            } else {
                tally.delivered += 1
            }
        }
        return tally
    }

    func summary(topic: String) -> String {
        var text = "delivered \(delivered) message\(delivered == 1 ? "" : "s") to \(topic)"
        if failed > 0 {
            text += ", \(failed) failed (" + failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
        }
        return text
    }
}
