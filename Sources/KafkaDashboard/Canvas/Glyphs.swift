/// The non-ASCII characters the dashboard draws, with ASCII stand-ins for terminals without Unicode (`--ascii`).
public struct Glyphs: Sendable, Equatable {
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    public var ellipsis: Character
    /// Lowest to highest; a sparkline picks one per sample.
    public var sparkLevels: [Character]
    /// Bar fill by eighths of a cell: index 0 is empty, the last is a full cell.
    public var barEighths: [Character]
    public var barEmpty: Character
    public var connected: Character
    public var disconnected: Character
    public var selectionMarker: Character
    /// Separates items on a status line.
    public var bullet: Character
    public var isASCII: Bool

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        ellipsis: "…", sparkLevels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        barEighths: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"], barEmpty: "░",
        connected: "●", disconnected: "○", selectionMarker: "▶", bullet: "·", isASCII: false)

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        ellipsis: "~", sparkLevels: ["_", ".", ",", "-", "~", "=", "+", "#"],
        barEighths: [" ", " ", " ", " ", "#", "#", "#", "#", "#"], barEmpty: ".",
        connected: "*", disconnected: "o", selectionMarker: ">", bullet: "-", isASCII: true)
}
