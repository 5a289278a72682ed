/// The send pane's form: a test message plus the load generator's settings.
public struct SendForm: Equatable, Sendable {
    public enum Field: Int, CaseIterable, Sendable {
        case key, value, headers, partition, codec, loadRate, loadSize

        public var label: String {
            switch self {
            case .key: return "Key"
            case .value: return "Value"
            case .headers: return "Headers"
            case .partition: return "Partition"
            case .codec: return "Codec"
            case .loadRate: return "Load msg/s"
            case .loadSize: return "Load bytes"
            }
        }

        /// Codec is picked from a list rather than typed.
        public var isTyped: Bool { self != .codec }
    }

    public var key = ""
    public var value = ""
    /// "name=value, name2=value2".
    public var headers = ""
    /// Empty means "let the partitioner choose".
    public var partition = ""
    public var codec: CompressionCodec = .none
    public var loadRate = "1000"
    public var loadSize = "256"
    public var selectedField: Field = .key

    public init() {}

    public func text(of field: Field) -> String {
        switch field {
        case .key: return key
        case .value: return value
        case .headers: return headers
        case .partition: return partition
        case .codec: return codec.rawValue
        case .loadRate: return loadRate
        case .loadSize: return loadSize
        }
    }

    public mutating func setText(_ text: String, of field: Field) {
        switch field {
        case .key: key = text
        case .value: value = text
        case .headers: headers = text
        case .partition: partition = text
        case .codec: codec = CompressionCodec(rawValue: text) ?? codec
        case .loadRate: loadRate = text
        case .loadSize: loadSize = text
        }
    }

    public mutating func cycleCodec() {
        let all = CompressionCodec.allCases
        codec = all[(all.firstIndex(of: codec)! + 1) % all.count]
    }

    /// Parses "a=1, b=2" into headers; an entry without "=" becomes a header with no value.
    public var parsedHeaders: [ConsumedMessage.Header] {
        headers.split(separator: ",").compactMap { entry in
            let trimmed = entry.trimmingSpaces
            guard !trimmed.isEmpty else { return nil }
            guard let equals = trimmed.firstIndex(of: "=") else {
                return ConsumedMessage.Header(key: String(trimmed), value: nil)
            }
            let name = trimmed[..<equals].trimmingSpaces
            let value = trimmed[trimmed.index(after: equals)...].trimmingSpaces
            return ConsumedMessage.Header(key: String(name), value: Array(value.utf8))
        }
    }

    /// Nil when the field is blank or "auto"; the reducer reports other unparsable text.
    public var parsedPartition: Int32?? {
        let trimmed = partition.trimmingSpaces
        if trimmed.isEmpty || trimmed.lowercased() == "auto" { return .some(nil) }
        guard let number = Int32(trimmed), number >= 0 else { return nil }
        return .some(number)
    }
}

extension StringProtocol {
    /// Strips spaces and tabs at both ends (no Foundation needed).
    var trimmingSpaces: Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let text = Substring(self)
        guard let first = text.firstIndex(where: { !isBlank($0) }) else { return text[text.endIndex...] }
        let last = text.lastIndex(where: { !isBlank($0) })!
        return text[first...last]
    }
}
