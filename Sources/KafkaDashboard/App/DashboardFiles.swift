import Foundation

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
            guard let number = value as? Int, number >= minimum else {
                throw DashboardFileError(description: "\(path): \(key) must be a whole number of at least \(minimum)")
            }
            return number
        }
        func text(_ key: String) throws -> String? {
            guard let value = object[key] else { return nil }
            guard let text = value as? String else { throw DashboardFileError(description: "\(path): \(key) must be text") }
            return text
        }
        func flag(_ key: String) throws -> Bool? {
            guard let value = object[key] else { return nil }
            guard let flag = value as? Bool else {
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

    static func jsonObject(at path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DashboardFileError(description: "cannot read \(path)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
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
        if let key = object["key"] as? String { form.key = key }
        switch object["value"] {
        case let text as String:
            form.value = text
        case let value? where value is [String: Any] || value is [Any]:
            let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
            form.value = String(decoding: data, as: UTF8.self)
        case nil, is NSNull:
            break
        default:
            throw DashboardFileError(description: "\(path): value must be text, a JSON object or an array")
        }
        if let headers = object["headers"] as? [String: String] {
            form.headers = headers.keys.sorted().map { "\($0)=\(headers[$0]!)" }.joined(separator: ", ")
        }
        if let partition = object["partition"] as? Int { form.partition = String(partition) }
        if let codecName = object["codec"] as? String {
            guard let codec = CompressionCodec(rawValue: codecName) else {
                let names = CompressionCodec.allCases.map(\.rawValue).joined(separator: ", ")
                throw DashboardFileError(description: "\(path): unknown codec \"\(codecName)\" (\(names))")
            }
            form.codec = codec
        }
        return form
    }
}
