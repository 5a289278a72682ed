/// A JSON value with ordered object keys, for the statistics document.
indirect enum StatisticsJSON {
    case int(Int64)
    case double(Double)
    case string(String)
    case bool(Bool)
    case object([(String, StatisticsJSON)])

    static func int(_ value: Int) -> StatisticsJSON { .int(Int64(value)) }

    var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    func render(into out: inout String) {
        switch self {
        case .int(let value): out += String(value)
        case .double(let value): out += value.isFinite ? String(value) : "0"
        case .bool(let value): out += value ? "true" : "false"
        case .string(let value): Self.quote(value, into: &out)
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += "," }
                Self.quote(key, into: &out)
                out += ":"
                value.render(into: &out)
            }
            out += "}"
        }
    }

    static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
