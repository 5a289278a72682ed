/// A password, key, token or client secret. It prints as `[redacted]` everywhere (string
/// interpolation, `print`, `dump`, debug descriptions), so a configuration or an error that
/// carries one can be shown or logged without leaking it. Only `reveal()` gives the text.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let text: String

    public init(_ text: String) { self.text = text }

    /// The secret itself, for the one place that sends it (a TLS key, a SASL exchange).
    public func reveal() -> String { text }

    public var isEmpty: Bool { text.isEmpty }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "[redacted]" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
