/// A configuration file that cannot be used: where (`path:line`) and why, in one line.
public struct ConfigFileError: Error, Equatable, CustomStringConvertible {
    public var path: String
    /// 1-based; 0 when the problem is the file as a whole.
    public var line: Int
    public var reason: String

    public init(path: String, line: Int, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    public var description: String { line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)" }
}
