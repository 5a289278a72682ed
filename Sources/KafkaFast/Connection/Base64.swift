/// Base64 (RFC 4648) for the SASL exchanges and JWT claims: the standard alphabet with padding,
/// and the URL-safe one without (`decode` takes either).
enum Base64 {
    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes, urlSafe useURL: Bool = false) -> String {
        let alphabet = useURL ? urlSafe : standard
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let chunk = input[index..<min(index + 3, input.count)]
            let b0 = chunk[chunk.startIndex]
            let b1 = chunk.count > 1 ? chunk[chunk.startIndex + 1] : 0
            let b2 = chunk.count > 2 ? chunk[chunk.startIndex + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            if chunk.count > 1 { output.append(alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)]) } else if !useURL { output.append(UInt8(ascii: "=")) }
            if chunk.count > 2 { output.append(alphabet[Int(b2 & 0x3F)]) } else if !useURL { output.append(UInt8(ascii: "=")) }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Nil for a character outside both alphabets or a length no encoding gives.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): values.append(62)
            case UInt8(ascii: "/"), UInt8(ascii: "_"): values.append(63)
            case UInt8(ascii: "="): continue
            default: return nil
            }
        }
        guard values.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(values.count * 3 / 4)
        var index = 0
        while index + 1 < values.count {
            let v0 = values[index], v1 = values[index + 1]
            output.append(v0 << 2 | v1 >> 4)
            if index + 2 < values.count {
                let v2 = values[index + 2]
                output.append((v1 & 0x0F) << 4 | v2 >> 2)
                if index + 3 < values.count { output.append((v2 & 0x03) << 6 | values[index + 3]) }
            }
            index += 4
        }
        return output
    }
}
