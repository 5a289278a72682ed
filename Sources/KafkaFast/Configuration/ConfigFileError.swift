/// A configuration file that cannot be used: where (`path:line`) and why, in one line.
public struct ConfigFileError: Error, Equatable, CustomStringConvertible {
    /// The file, as it was named.
    public var path: String
    /// 1-based; 0 when the problem is the file as a whole.
    public var line: Int
    /// What is wrong, in words.
    public var reason: String

    /// An error at `path`, `line` (0: the whole file).
    public init(path: String, line: Int, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    /// `path:line: reason`, or `path: reason` for the whole file, on one line: a reason may quote
    /// a key whose escapes (`"a\nb"`) made a control character.
    public var description: String {
        KafkaError.oneLine(line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)")
    }
}
