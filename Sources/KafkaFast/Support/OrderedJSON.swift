/// A JSON value with ordered object keys, so output reads in the order the docs promise: the
/// CLI's `--json` and `-J` output and the producer's statistics document share it.
package indirect enum OrderedJSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    /// A number already formatted (e.g. a decimal with fixed precision).
    case raw(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    package static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool { lhs.rendered == rhs.rendered }

    package static func int(_ value: Int) -> OrderedJSON { .int(Int64(value)) }

    package var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    package func render(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .string(let value): OrderedJSON.quote(value, into: &out)
        case .raw(let value): out += value
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.render(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += "," }
                OrderedJSON.quote(key, into: &out)
                out += ":"
                value.render(into: &out)
            }
            out += "}"
        }
    }

    package static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
