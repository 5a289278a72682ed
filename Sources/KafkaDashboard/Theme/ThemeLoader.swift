#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A theme file that cannot be used, with what to fix.
public struct ThemeError: Error, Equatable, CustomStringConvertible {
    public var description: String
}

/// Reads themes from JSON files:
///
///     { "name": "default", "color": true,
///       "styles": { "header": { "fg": "white", "bg": "blue", "attrs": ["bold"] }, ... } }
///
/// Roles left out take the "normal" style. Unknown roles, colours and attributes are errors rather than
/// silently ignored, so a typo in a theme is found at once.
public enum ThemeLoader {
    private struct File: Decodable {
        var name: String?
        var color: Bool?
        var styles: [String: StyleSpec]
    }

    private struct StyleSpec: Decodable {
        var fg: String?
        var bg: String?
        var attrs: [String]?
    }

    public static func decode(_ data: Data, fallbackName: String = "custom") throws -> Theme {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw ThemeError(description: "theme is not valid JSON of the expected shape: \(error)")
        }
        var styles: [ThemeRole: Style] = [:]
        for (roleName, spec) in file.styles {
            guard let role = ThemeRole(name: roleName) else {
                let known = ThemeRole.allCases.map(\.name).joined(separator: ", ")
                throw ThemeError(description: "unknown theme role \"\(roleName)\" (known: \(known))")
            }
            styles[role] = try style(from: spec, role: roleName)
        }
        let usesColor = file.color ?? true
        let theme = Theme(name: file.name ?? fallbackName, usesColor: usesColor, styles: styles)
        return usesColor ? theme : theme.monochrome
    }

    private static func style(from spec: StyleSpec, role: String) throws -> Style {
        func color(_ name: String?) throws -> TerminalColor {
            guard let name else { return .default }
            guard let color = TerminalColor(name: name) else {
                throw ThemeError(description: "\(role): unknown colour \"\(name)\" (use a name like red or 0-255)")
            }
            return color
        }
        var attributes: TextAttributes = []
        for name in spec.attrs ?? [] {
            switch name.lowercased() {
            case "bold": attributes.insert(.bold)
            case "dim": attributes.insert(.dim)
            case "reverse": attributes.insert(.reverse)
            case "underline": attributes.insert(.underline)
            default:
                throw ThemeError(description: "\(role): unknown attribute \"\(name)\" (bold, dim, reverse, underline)")
            }
        }
        return Style(foreground: try color(spec.fg), background: try color(spec.bg), attributes: attributes)
    }

    /// Loads "NAME" from the first search directory holding NAME.json, or a path to a .json file.
    public static func load(_ nameOrPath: String, searchDirectories: [String]) throws -> Theme {
        let isPath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".json")
        let candidates = isPath ? [nameOrPath] : searchDirectories.map { "\($0)/\(nameOrPath).json" }
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ThemeError(description: "cannot read theme \(path)")
            }
            do {
                return try decode(data, fallbackName: nameOrPath)
            } catch let error as ThemeError {
                throw ThemeError(description: "\(path): \(error.description)")
            }
        }
        throw ThemeError(description: "theme \"\(nameOrPath)\" not found in \(candidates.joined(separator: ", "))")
    }

    /// Where themes are looked for: $KFAST_THEME_DIR, ./Assets/themes, then next to the executable.
    public static func searchDirectories(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> [String]
    {
        var directories: [String] = []
        if let custom = environment["KFAST_THEME_DIR"], !custom.isEmpty { directories.append(custom) }
        directories.append(FileManager.default.currentDirectoryPath + "/Assets/themes")
        let executableDirectory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".")
            .deletingLastPathComponent().path
        directories.append(executableDirectory + "/../share/kafka-fast/themes")
        return directories
    }

    /// Picks the theme to use. Monochrome when `NO_COLOR` is set (https://no-color.org), when asked, or
    /// when the terminal has no colours; a missing or broken theme falls back to the built-in one with a
    /// warning for the status line instead of stopping the dashboard.
    public static func resolve(
        requested: String?, forceMonochrome: Bool, terminalHasColor: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        searchDirectories: [String]? = nil
    ) -> (theme: Theme, warning: String?) {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let monochrome = noColor || forceMonochrome || !terminalHasColor
        let name = requested ?? (monochrome ? "mono" : "default")
        var theme: Theme
        var warning: String?
        do {
            theme = try load(name, searchDirectories: searchDirectories ?? Self.searchDirectories(environment: environment))
        } catch {
            theme = monochrome || name == "mono" ? .builtinMono : .builtinDefault
            // Not finding the shipped themes is normal for an installed binary; only a requested one is news.
            if requested != nil { warning = "\(error); using the built-in \(theme.name) theme" }
        }
        if monochrome && theme.usesColor { theme = theme.monochrome }
        return (theme, warning)
    }
}
