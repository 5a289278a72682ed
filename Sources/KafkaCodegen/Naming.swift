import Foundation

enum Naming {
    /// lowerCamelCase of a schema name: `ErrorCode` -> `errorCode`, `ISRNodes` -> `isrNodes`,
    /// `timeoutMs` -> `timeoutMs`. A leading run of capitals is lowered except for the last
    /// one when it starts the next word.
    static func lowerCamelCase(_ name: String) -> String {
        let characters = Array(name)
        var leadingCapitals = 0
        while leadingCapitals < characters.count, characters[leadingCapitals].isUppercase {
            leadingCapitals += 1
        }
        if leadingCapitals == 0 { return name }
        var lowered = leadingCapitals
        if leadingCapitals > 1, leadingCapitals < characters.count, characters[leadingCapitals].isLowercase {
            lowered -= 1
        }
        return String(characters[..<lowered]).lowercased() + String(characters[lowered...])
    }

    static func propertyName(_ schemaName: String) -> String {
        let name = lowerCamelCase(schemaName)
        return swiftKeywords.contains(name) ? "`\(name)`" : name
    }

    /// The identifier without backticks, for use inside string literals.
    static func plain(_ identifier: String) -> String {
        identifier.replacingOccurrences(of: "`", with: "")
    }

    static let swiftKeywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
        "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
        "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
        "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return",
        "throw", "switch", "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self",
        "super", "throws", "true", "try", "Type", "Protocol",
    ]
}
