/// What each part of the screen is drawn as. Renderers only ask for roles, never for colours.
public enum ThemeRole: Int, CaseIterable, Sendable {
    case normal, header, headerLabel, border, borderFocused, title, titleFocused
    case columnHeader, columnHeaderSorted, selection, selectionUnfocused
    case ok, warning, error, dim, accent
    case hintKey, hintLabel, statusInfo, statusWarning, statusError
    case barLow, barMid, barHigh, barEmpty, sparkline, overlay, overlayBorder, editing
    case jsonKey, jsonString, jsonNumber, jsonLiteral

    /// The name used in theme files: the case name, e.g. "borderFocused".
    public var name: String { String(describing: self) }

    public init?(name: String) {
        guard let role = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = role
    }
}

/// A set of styles by role. Loaded from `Assets/themes/*.json`; the built-in copies below are what
/// those files say, so the dashboard still looks right when it cannot find them (a test keeps them equal).
public struct Theme: Sendable, Equatable {
    public var name: String
    public var usesColor: Bool
    private var styles: [Style]

    public init(name: String, usesColor: Bool, styles: [ThemeRole: Style]) {
        self.name = name
        self.usesColor = usesColor
        let normal = styles[.normal] ?? .plain
        self.styles = ThemeRole.allCases.map { styles[$0] ?? normal }
    }

    @inline(__always)
    public subscript(role: ThemeRole) -> Style {
        styles[role.rawValue]
    }

    /// The same theme with colours removed (for `NO_COLOR` or a monochrome terminal), keeping attributes.
    public var monochrome: Theme {
        var copy = self
        copy.usesColor = false
        copy.styles = styles.map(\.withoutColor)
        return copy
    }

    public static let builtinDefault = Theme(name: "default", usesColor: true, styles: [
        .normal: Style(),
        .header: Style(foreground: .white, background: .blue, attributes: .bold),
        .headerLabel: Style(foreground: .cyan, background: .blue, attributes: .bold),
        .border: Style(foreground: TerminalColor(index: 8)),
        .borderFocused: Style(foreground: .cyan, attributes: .bold),
        .title: Style(attributes: .bold),
        .titleFocused: Style(foreground: .cyan, attributes: .bold),
        .columnHeader: Style(foreground: .yellow, attributes: .bold),
        .columnHeaderSorted: Style(foreground: .yellow, attributes: [.bold, .underline]),
        .selection: Style(foreground: .black, background: .cyan),
        .selectionUnfocused: Style(attributes: .reverse),
        .ok: Style(foreground: .green),
        .warning: Style(foreground: .yellow, attributes: .bold),
        .error: Style(foreground: .red, attributes: .bold),
        .dim: Style(attributes: .dim),
        .accent: Style(foreground: .magenta, attributes: .bold),
        .hintKey: Style(foreground: .black, background: .cyan),
        .hintLabel: Style(),
        .statusInfo: Style(foreground: .green),
        .statusWarning: Style(foreground: .yellow, attributes: .bold),
        .statusError: Style(foreground: .white, background: .red, attributes: .bold),
        .barLow: Style(foreground: .green),
        .barMid: Style(foreground: .yellow),
        .barHigh: Style(foreground: .red, attributes: .bold),
        .barEmpty: Style(attributes: .dim),
        .sparkline: Style(foreground: .cyan),
        .overlay: Style(),
        .overlayBorder: Style(foreground: .cyan, attributes: .bold),
        .editing: Style(foreground: .black, background: .yellow),
        .jsonKey: Style(foreground: .cyan, attributes: .bold),
        .jsonString: Style(foreground: .green),
        .jsonNumber: Style(foreground: .yellow),
        .jsonLiteral: Style(foreground: .magenta),
    ])

    public static let builtinMono = Theme(name: "mono", usesColor: false, styles: [
        .normal: Style(),
        .header: Style(attributes: [.bold, .reverse]),
        .headerLabel: Style(attributes: [.bold, .reverse]),
        .border: Style(attributes: .dim),
        .borderFocused: Style(attributes: .bold),
        .title: Style(),
        .titleFocused: Style(attributes: [.bold, .reverse]),
        .columnHeader: Style(attributes: .bold),
        .columnHeaderSorted: Style(attributes: [.bold, .underline]),
        .selection: Style(attributes: .reverse),
        .selectionUnfocused: Style(attributes: .underline),
        .ok: Style(),
        .warning: Style(attributes: .bold),
        .error: Style(attributes: [.bold, .underline]),
        .dim: Style(attributes: .dim),
        .accent: Style(attributes: .bold),
        .hintKey: Style(attributes: .reverse),
        .hintLabel: Style(),
        .statusInfo: Style(),
        .statusWarning: Style(attributes: .bold),
        .statusError: Style(attributes: [.bold, .reverse]),
        .barLow: Style(),
        .barMid: Style(attributes: .bold),
        .barHigh: Style(attributes: [.bold, .underline]),
        .barEmpty: Style(attributes: .dim),
        .sparkline: Style(),
        .overlay: Style(),
        .overlayBorder: Style(attributes: .bold),
        .editing: Style(attributes: [.reverse, .underline]),
        .jsonKey: Style(attributes: .bold),
        .jsonString: Style(),
        .jsonNumber: Style(),
        .jsonLiteral: Style(),
    ])
}
