#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import NIOCore

/// Bytes the envelope writer reads in place: the client's buffers (`kfast consume -J`) and the
/// dashboard's arrays (`w` in the tail), so both write the one envelope.
package protocol EnvelopeBytes {
    func withEnvelopeBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result
}

extension ByteBuffer: EnvelopeBytes {
    package func withEnvelopeBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result { withUnsafeReadableBytes(body) }
}

extension Array: EnvelopeBytes where Element == UInt8 {
    package func withEnvelopeBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result { withUnsafeBytes(body) }
}

/// kcat's `-J` JSON envelope, one message a line:
/// `{"topic","partition","offset","tstype","ts","broker","headers":[name, value, ...],"key","payload"}`
/// in kcat's order ("headers" only when there are some). A key or payload that is not UTF-8 is
/// base64 with `"key_encoding"`/`"payload_encoding": "base64"` after it; header values that are not
/// all UTF-8 are all base64, marked by `"headers_encoding": "base64"`. `kfast produce --json` reads it back.
package enum JSONEnvelope {
    package static func write<Header, Bytes: EnvelopeBytes>(
        topic: String, partition: Int32, offset: Int64, logAppendTime: Bool, timestamp: Int64, broker: Int32,
        headers: [Header], name: (Header) -> String, value: (Header) -> Bytes?, key: Bytes?, payload: Bytes?,
        to out: inout ByteOutput
    ) {
        out.append("{\"topic\":")
        quote(topic, to: &out)
        out.append(",\"partition\":")
        out.append(decimal: partition)
        out.append(",\"offset\":")
        out.append(decimal: offset)
        out.append(logAppendTime ? ",\"tstype\":\"logappend\",\"ts\":" : ",\"tstype\":\"create\",\"ts\":")
        out.append(decimal: timestamp)
        out.append(",\"broker\":")
        out.append(decimal: broker)
        if !headers.isEmpty {
            let base64 = !headers.allSatisfy { value($0).map { isUTF8($0) } ?? true }
            out.append(",\"headers\":[")
            for (index, header) in headers.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                quote(name(header), to: &out)
                out.append(UInt8(ascii: ","))
                bytesField(value(header), base64: base64, to: &out)
            }
            out.append(UInt8(ascii: "]"))
            if base64 { out.append(",\"headers_encoding\":\"base64\"") }
        }
        out.append(",\"key\":")
        let keyBase64 = key.map { !isUTF8($0) } ?? false
        bytesField(key, base64: keyBase64, to: &out)
        if keyBase64 { out.append(",\"key_encoding\":\"base64\"") }
        out.append(",\"payload\":")
        let valueBase64 = payload.map { !isUTF8($0) } ?? false
        bytesField(payload, base64: valueBase64, to: &out)
        if valueBase64 { out.append(",\"payload_encoding\":\"base64\"") }
        out.append("}\n")
    }

    private static func bytesField(_ bytes: (some EnvelopeBytes)?, base64: Bool, to out: inout ByteOutput) {
        guard let bytes else {
            out.append("null")
            return
        }
        out.append(UInt8(ascii: "\""))
        bytes.withEnvelopeBytes { buffer in
            if base64 {
                out.append(Data(buffer).base64EncodedString())
            } else {
                escape(buffer, to: &out)
            }
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

    package static func isUTF8(_ bytes: some EnvelopeBytes) -> Bool {
        bytes.withEnvelopeBytes { String(validating: $0, as: UTF8.self) != nil }
    }
}
