/// A terminal colour: the terminal's default, or one of the 256 indexed colours (0-7 are the basic ANSI
/// colours every colour terminal has).
public struct TerminalColor: Hashable, Sendable {
    /// -1 is the terminal's default colour.
    public let index: Int16

    public init(index: Int16) { self.index = index }

    public static let `default` = TerminalColor(index: -1)
    public static let black = TerminalColor(index: 0)
    public static let red = TerminalColor(index: 1)
    public static let green = TerminalColor(index: 2)
    public static let yellow = TerminalColor(index: 3)
    public static let blue = TerminalColor(index: 4)
    public static let magenta = TerminalColor(index: 5)
    public static let cyan = TerminalColor(index: 6)
    public static let white = TerminalColor(index: 7)

    static let names: [String: Int16] = [
        "default": -1, "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6,
        "white": 7, "brightblack": 8, "gray": 8, "grey": 8, "brightred": 9, "brightgreen": 10,
        "brightyellow": 11, "brightblue": 12, "brightmagenta": 13, "brightcyan": 14, "brightwhite": 15,
    ]

    /// "red", "brightblue", "default", or a number 0-255.
    public init?(name: String) {
        let key = name.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " }
        if let index = Self.names[key] {
            self.index = index
        } else if let number = Int16(key), (0...255).contains(number) {
            self.index = number
        } else {
            return nil
        }
    }
}

/// Bold, dim, reverse, underline.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    public static let underline = TextAttributes(rawValue: 1 << 3)
}

/// How a cell looks. Small and trivially copyable, so the canvas stays a flat array of plain values.
public struct Style: Hashable, Sendable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(
        foreground: TerminalColor = .default, background: TerminalColor = .default, attributes: TextAttributes = []
    ) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()

    public func adding(_ extra: TextAttributes) -> Style {
        var copy = self
        copy.attributes.formUnion(extra)
        return copy
    }

    /// The same style without colours, for monochrome terminals.
    public var withoutColor: Style { Style(attributes: attributes) }
}
