/// A line of text in pieces, each drawn in a theme role: how the message detail colours pretty JSON
/// and dims labels. Wrapped to the overlay's width when drawn.
public struct StyledLine: Sendable, Equatable {
    public struct Span: Sendable, Equatable {
        public var text: String
        public var role: ThemeRole

        public init(_ text: String, _ role: ThemeRole = .overlay) {
            self.text = text
            self.role = role
        }
    }

    public var spans: [Span]

    public init(_ spans: [Span]) {
        self.spans = spans
    }

    public init(_ text: String, _ role: ThemeRole = .overlay) {
        spans = [Span(text, role)]
    }

    /// The text without styles (tests and copying read this).
    public var text: String { spans.map(\.text).joined() }
}
