/// A password, key, token or client secret. It prints as `[redacted]` everywhere (string
/// interpolation, `print`, `dump`, debug descriptions), so a configuration or an error that
/// carries one can be shown or logged without leaking it. Only `reveal()` gives the text.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let text: String

    /// Holds `text`; from here on only ``reveal()`` shows it.
    public init(_ text: String) { self.text = text }

    /// The secret itself, for the one place that sends it (a TLS key, a SASL exchange).
    public func reveal() -> String { text }

    /// Whether the secret is the empty string, which a check can tell without revealing it.
    public var isEmpty: Bool { text.isEmpty }

    /// `[redacted]`, whatever the secret.
    public var description: String { "[redacted]" }
    /// `[redacted]`, whatever the secret.
    public var debugDescription: String { "[redacted]" }
    /// A mirror without children, so `dump` and reflection find no text to show.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
