/// What `/` in the tail looks for in a message: text anywhere in its key, value, header names or
/// header values, ignoring ASCII case; or, when the query starts with `~`, a regular expression (Swift
/// regex syntax, case-sensitive unless it says `(?i)`) matched against each of them as UTF-8 text.
///
/// A class so the compiled regex is built once and shared by every copy of the state; it never
/// changes after init.
public final class MessageMatcher: @unchecked Sendable {
    /// What was typed, as shown in the tail's status line.
    public let query: String
    private let needle: [UInt8]
    private let regex: Regex<AnyRegexOutput>?

    /// The prefix that makes a query a regular expression.
    public static let regexPrefix: Character = "~"

    public struct InvalidQuery: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ query: String) throws(InvalidQuery) {
        self.query = query
        if query.first == Self.regexPrefix {
            let pattern = String(query.dropFirst())
            guard !pattern.isEmpty else { throw InvalidQuery(description: "an empty regular expression after ~") }
            do {
                regex = try Regex(pattern)
            } catch {
                throw InvalidQuery(description: "not a regular expression: \(pattern): \(error)")
            }
            needle = []
        } else {
            regex = nil
            needle = Array(query.utf8).map(Self.lowercased)
        }
    }

    public var isRegex: Bool { regex != nil }

    public func matches(_ message: ConsumedMessage) -> Bool {
        if matches(message.key) || matches(message.value) { return true }
        for header in message.headers where matches(Array(header.key.utf8)) || matches(header.value) { return true }
        return false
    }

    private func matches(_ bytes: [UInt8]?) -> Bool {
        guard let bytes else { return false }
        if let regex {
            return (try? regex.firstMatch(in: String(decoding: bytes, as: UTF8.self))) != nil
        }
        return Self.contains(bytes, needle)
    }

    /// Whether `needle` (already lower-cased) occurs in `haystack`, ASCII letters compared without case.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                let first = pin[0]
                for start in 0...(hay.count - pin.count) where lowercased(hay[start]) == first {
                    var index = 1
                    while index < pin.count && lowercased(hay[start + index]) == pin[index] { index += 1 }
                    if index == pin.count { return true }
                }
                return false
            }
        }
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
