#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Any JSON value, as the dashboard's config file and send templates hold them. Decoded with
/// `JSONDecoder`, so kfast needs no more than FoundationEssentials (`JSONSerialization` is full
/// Foundation's). Whole numbers stay whole: a partition of 3 is not 3.0.
indirect enum JSONValue: Codable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case text(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// An object or an array: what a send template's value may be besides text.
    var isContainer: Bool {
        switch self {
        case .array, .object: true
        default: false
        }
    }

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let flag = try? single.decode(Bool.self) {
            self = .bool(flag)
        } else if let whole = try? single.decode(Int64.self) {
            self = .integer(whole)
        } else if let number = try? single.decode(Double.self) {
            self = .number(number)
        } else if let text = try? single.decode(String.self) {
            self = .text(text)
        } else if let array = try? single.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try single.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .null: try single.encodeNil()
        case .bool(let flag): try single.encode(flag)
        case .integer(let whole): try single.encode(whole)
        case .number(let number): try single.encode(number)
        case .text(let text): try single.encode(text)
        case .array(let array): try single.encode(array)
        case .object(let object): try single.encode(object)
        }
    }
}
