/// Accumulates indented Swift source lines.
struct CodeWriter {
    private(set) var lines: [String] = []
    private var depth = 0

    mutating func line(_ text: String = "") {
        lines.append(text.isEmpty ? "" : String(repeating: "    ", count: depth) + text)
    }

    /// Writes a line ending in `{` and indents what follows.
    mutating func open(_ text: String) {
        line(text)
        depth += 1
    }

    /// Closes the current block and opens a sibling, e.g. `} else {`.
    mutating func reopen(_ text: String) {
        depth -= 1
        line(text)
        depth += 1
    }

    mutating func close(_ text: String = "}") {
        depth -= 1
        line(text)
    }

    /// Ends an indented run without a closing line (a `case` body).
    mutating func dedent() {
        depth -= 1
    }

    mutating func append(_ other: CodeWriter) {
        for text in other.lines {
            lines.append(text.isEmpty ? "" : String(repeating: "    ", count: depth) + text)
        }
    }

    var text: String { lines.joined(separator: "\n") + "\n" }
}
