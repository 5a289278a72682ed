import KafkaFast
import Logging

/// The CLI's log output: one line per event on stderr, never on stdout (which carries the
/// data and must stay clean for pipes): `kfast: warning: message key=value ...`.
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = "kfast: \(event.level): \(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        // Messages and metadata carry names a broker sent (topics, groups, error texts): escaped,
        // so a hostile one can neither break the line nor drive the terminal.
        Output.error(KfastMain.oneLine(line))
    }

    /// `-v` shows warnings and what the client does (info), `-vv` or `-X debug=...` everything.
    /// Without either, only errors reach stderr through the CLI's own one-line messages.
    static func logger(verbosity: Int, debugContexts: Set<String>) -> Logger {
        let level: Logger.Level
        switch (verbosity, debugContexts.isEmpty) {
        case (_, false), (2..., _): level = .debug
        case (1, _): level = .info
        default: level = .warning
        }
        return Logger(label: "kfast") { _ in StderrLogHandler(logLevel: level) }
    }
}
