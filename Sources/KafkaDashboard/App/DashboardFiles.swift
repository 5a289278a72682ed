#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A config file or send template that cannot be used, with what to fix.
public struct DashboardFileError: Error, Equatable, CustomStringConvertible {
    public var description: String
}

/// Reads a dashboard config file (see `Assets/dash.example.json`): the same settings as the flags,
/// under camel-case names. Unknown names are errors, so a typo does not silently do nothing.
public enum DashboardConfigFile {
    public static let knownKeys: Set<String> = [
        "refreshMs", "metadataMs", "theme", "noColor", "ascii", "topic", "tailCapacity", "tailRowsPerSecond",
        "template", "readOnly",
    ]

    public static func apply(_ path: String, to options: inout DashboardOptions) throws {
        let object = try jsonObject(at: path)
        let unknown = Set(object.keys).subtracting(knownKeys)
        guard unknown.isEmpty else {
            throw DashboardFileError(description: "\(path): unknown setting(s) \(unknown.sorted().joined(separator: ", "))")
        }
        func number(_ key: String, minimum: Int) throws -> Int? {
            guard let value = object[key] else { return nil }
            guard case .integer(let wide) = value, let number = Int(exactly: wide), number >= minimum else {
                throw DashboardFileError(description: "\(path): \(key) must be a whole number of at least \(minimum)")
            }
            return number
        }
        func text(_ key: String) throws -> String? {
            guard let value = object[key] else { return nil }
            guard case .text(let text) = value else { throw DashboardFileError(description: "\(path): \(key) must be text") }
            return text
        }
        func flag(_ key: String) throws -> Bool? {
            guard let value = object[key] else { return nil }
            guard case .bool(let flag) = value else {
                throw DashboardFileError(description: "\(path): \(key) must be true or false")
            }
            return flag
        }
        options.refreshMillis = try number("refreshMs", minimum: 20) ?? options.refreshMillis
        options.metadataRefreshMillis = try number("metadataMs", minimum: 100) ?? options.metadataRefreshMillis
        options.tailCapacity = try number("tailCapacity", minimum: 10) ?? options.tailCapacity
        options.tailDisplayBudgetPerSecond = try number("tailRowsPerSecond", minimum: 1)
            ?? options.tailDisplayBudgetPerSecond
        options.theme = try text("theme") ?? options.theme
        options.initialTopic = try text("topic") ?? options.initialTopic
        options.sendTemplate = try text("template") ?? options.sendTemplate
        options.monochrome = try flag("noColor") ?? options.monochrome
        options.asciiOnly = try flag("ascii") ?? options.asciiOnly
        options.readOnly = try flag("readOnly") ?? options.readOnly
    }

    static func jsonObject(at path: String) throws -> [String: JSONValue] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DashboardFileError(description: "cannot read \(path)")
        }
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw DashboardFileError(description: "\(path) is not a JSON object")
        }
        return object
    }
}

/// Reads a send template (see `Assets/payloads/`) into the send form: key, value (text as is, JSON
/// objects and arrays compacted), headers, partition and codec. "description" is for people.
public enum SendTemplate {
    public static func load(_ path: String) throws -> SendForm {
        let object = try DashboardConfigFile.jsonObject(at: path)
        let known: Set<String> = ["description", "key", "value", "headers", "partition", "codec"]
        let unknown = Set(object.keys).subtracting(known)
        guard unknown.isEmpty else {
            throw DashboardFileError(description: "\(path): unknown field(s) \(unknown.sorted().joined(separator: ", "))")
        }
        var form = SendForm()
        if case .text(let key)? = object["key"] { form.key = key }
        switch object["value"] {
        case .text(let text)?:
            form.value = text
        case let value? where value.isContainer:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            form.value = String(decoding: try encoder.encode(value), as: UTF8.self)
        case nil, .null?:
            break
        default:
            throw DashboardFileError(description: "\(path): value must be text, a JSON object or an array")
        }
        if case .object(let headers)? = object["headers"] {
            let texts = headers.compactMapValues { value -> String? in
                guard case .text(let text) = value else { return nil }
                return text
            }
            guard texts.count == headers.count else {
                throw DashboardFileError(description: "\(path): every header value must be text")
            }
            form.headers = texts.keys.sorted().map { "\($0)=\(texts[$0]!)" }.joined(separator: ", ")
        }
        if case .integer(let partition)? = object["partition"] { form.partition = String(partition) }
        if case .text(let codecName)? = object["codec"] {
            guard let codec = CompressionCodec(rawValue: codecName) else {
                let names = CompressionCodec.allCases.map(\.rawValue).joined(separator: ", ")
                throw DashboardFileError(description: "\(path): unknown codec \"\(codecName)\" (\(names))")
            }
            form.codec = codec
        }
        return form
    }
}
