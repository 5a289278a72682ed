import Foundation

struct SchemaError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A version range from a schema: "none", "3", "3+" or "3-7".
struct VersionRange: Equatable {
    static let openEnd = Int(Int16.max)
    static let none = VersionRange(lowest: 1, highest: 0)

    var lowest: Int
    var highest: Int

    var isEmpty: Bool { lowest > highest }

    init(lowest: Int, highest: Int) {
        self.lowest = lowest
        self.highest = highest
    }

    init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "none" {
            self = .none
        } else if trimmed.hasSuffix("+"), let lowest = Int(trimmed.dropLast()) {
            self.init(lowest: lowest, highest: Self.openEnd)
        } else if let dash = trimmed.firstIndex(of: "-"),
                  let lowest = Int(trimmed[..<dash]),
                  let highest = Int(trimmed[trimmed.index(after: dash)...]) {
            self.init(lowest: lowest, highest: highest)
        } else if let single = Int(trimmed) {
            self.init(lowest: single, highest: single)
        } else {
            throw SchemaError("cannot parse version range '\(text)'")
        }
    }

    func intersection(_ other: VersionRange) -> VersionRange {
        let result = VersionRange(lowest: max(lowest, other.lowest), highest: min(highest, other.highest))
        return result.isEmpty ? .none : result
    }

    /// The smallest range covering both (ranges used here are contiguous, so a hull is exact enough).
    func hull(_ other: VersionRange) -> VersionRange {
        if isEmpty { return other }
        if other.isEmpty { return self }
        return VersionRange(lowest: min(lowest, other.lowest), highest: max(highest, other.highest))
    }

    func covers(_ other: VersionRange) -> Bool {
        other.isEmpty || (lowest <= other.lowest && other.highest <= highest)
    }
}

/// One field exactly as the JSON schema states it.
struct RawField {
    var name: String
    var type: String
    var versions: VersionRange
    var nullableVersions: VersionRange
    var taggedVersions: VersionRange
    var tag: Int?
    var defaultValue: String?
    var ignorable: Bool
    var flexibleVersions: VersionRange?
    var fields: [RawField]?
}

struct RawStruct {
    var name: String
    var fields: [RawField]
}

/// One message schema file.
struct RawMessage {
    var name: String
    var kind: String
    var apiKey: Int?
    var validVersions: VersionRange
    var flexibleVersions: VersionRange
    var fields: [RawField]
    var commonStructs: [RawStruct]
}

enum SchemaReader {
    /// Kafka's schema files are JSON with `//` comment lines, which JSONSerialization rejects.
    static func stripComments(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
            .joined(separator: "\n")
    }

    static func readMessage(at url: URL) throws -> RawMessage {
        let text = try String(contentsOf: url, encoding: .utf8)
        let json = try JSONSerialization.jsonObject(with: Data(stripComments(text).utf8))
        guard let object = json as? [String: Any] else { throw SchemaError("\(url.lastPathComponent): not an object") }
        return try message(from: object, file: url.lastPathComponent)
    }

    static func message(from object: [String: Any], file: String) throws -> RawMessage {
        guard let name = object["name"] as? String, let kind = object["type"] as? String,
              let valid = object["validVersions"] as? String, let fieldList = object["fields"] as? [Any]
        else { throw SchemaError("\(file): missing name, type, validVersions or fields") }
        let flexible = (object["flexibleVersions"] as? String) ?? "none"
        let common = try ((object["commonStructs"] as? [Any]) ?? []).map { item -> RawStruct in
            guard let entry = item as? [String: Any], let structName = entry["name"] as? String,
                  let structFields = entry["fields"] as? [Any]
            else { throw SchemaError("\(file): malformed commonStructs entry") }
            return RawStruct(name: structName, fields: try structFields.map { try field(from: $0, file: file) })
        }
        return RawMessage(
            name: name, kind: kind, apiKey: object["apiKey"] as? Int,
            validVersions: try VersionRange(parsing: valid),
            flexibleVersions: try VersionRange(parsing: flexible),
            fields: try fieldList.map { try field(from: $0, file: file) },
            commonStructs: common)
    }

    static func field(from item: Any, file: String) throws -> RawField {
        guard let object = item as? [String: Any], let name = object["name"] as? String,
              let type = object["type"] as? String, let versions = object["versions"] as? String
        else { throw SchemaError("\(file): field without name, type or versions") }
        func range(_ key: String) throws -> VersionRange {
            guard let text = object[key] as? String else { return .none }
            return try VersionRange(parsing: text)
        }
        let defaultValue: String?
        switch object["default"] {
        case nil: defaultValue = nil
        case let text as String: defaultValue = text
        case let number as Int: defaultValue = String(number)
        case let number as NSNumber: defaultValue = number.stringValue
        default: throw SchemaError("\(file): field \(name) has an unreadable default")
        }
        let ignorable: Bool
        switch object["ignorable"] {
        case let flag as Bool: ignorable = flag
        case let text as String: ignorable = text == "true"
        default: ignorable = false
        }
        return RawField(
            name: name, type: type,
            versions: try VersionRange(parsing: versions),
            nullableVersions: try range("nullableVersions"),
            taggedVersions: try range("taggedVersions"),
            tag: object["tag"] as? Int,
            defaultValue: defaultValue,
            ignorable: ignorable,
            flexibleVersions: object["flexibleVersions"] == nil ? nil : try range("flexibleVersions"),
            fields: try (object["fields"] as? [Any])?.map { try field(from: $0, file: file) })
    }
}
