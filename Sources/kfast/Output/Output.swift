import KfastFormats

/// Writes whole lines to standard output or error with write(2): Swift 6 rejects the C
/// `stdout`/`stderr` globals as shared mutable state, and this needs no Foundation.
enum Output {
    static func line(_ text: String) { writeRaw(text + "\n", to: 1) }
    static func error(_ text: String) { writeRaw(text + "\n", to: 2) }

    /// `text` exactly as given (no newline added).
    static func writeRaw(_ text: String, to fd: Int32) {
        var text = text
        // A closed pipe: nothing more can be said.
        _ = text.withUTF8 { writeAll(UnsafeRawBufferPointer($0), to: fd) }
    }
}
