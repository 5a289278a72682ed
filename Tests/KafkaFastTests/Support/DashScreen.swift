import Foundation
import KafkaDashboard
import Testing

/// The settings the dashboard runs with in these tests, and the deadlines that follow from them.
enum DashTiming {
    static let refreshMillis = 100
    static let metadataMillis = 500
    static let connectTimeoutMillis = 3_000
    static let requestTimeoutMillis = 6_000
    /// Long, so a quit that waited for it would show.
    static let deliveryTimeoutMillis = 60_000

    static var flags: [String] {
        ["--refresh-ms", "\(refreshMillis)", "--metadata-ms", "\(metadataMillis)",
         "-X", "socket.connection.setup.timeout.ms=\(connectTimeoutMillis)",
         "-X", "request.timeout.ms=\(requestTimeoutMillis)",
         "-X", "delivery.timeout.ms=\(deliveryTimeoutMillis)"]
    }

    /// Starting a debug build on a saturated machine, then one metadata round (connect + request).
    static let firstScreen = Duration.seconds(20) + .milliseconds(connectTimeoutMillis + requestTimeoutMillis)
    /// A send is answered within the delivery timeout, and shown at the next refresh.
    static let delivery = Duration.milliseconds(deliveryTimeoutMillis + refreshMillis) + .seconds(5)
    /// Watermarks come with the next metadata round: its interval plus a request each for metadata and offsets.
    static let watermarks = Duration.milliseconds(metadataMillis + 2 * requestTimeoutMillis) + .seconds(5)
    /// A key is drawn within one refresh (`make bench` measures it). This bound only has to stay below
    /// the request timeout: a key stuck behind a request to a hung broker would take at least that long.
    static let keyResponse = Duration.milliseconds(requestTimeoutMillis - 1_000)
    /// The dashboard gives buffered messages 2 s on quit, then exits; far below the delivery timeout.
    static let quit = Duration.seconds(2) + .seconds(8)
}

/// Reading the dashboard's screen as tmux shows it.
enum DashScreen {
    /// A topic of the test's own (`topic` is its prefix) and `kfast dash` on it, in a 200x50 tmux.
    static func open(
        on broker: BrokerKind, topic prefix: String, partitions: Int = 2, arguments: [String] = []
    ) async throws -> (dash: TmuxSession, topic: String) {
        let topic = uniqueTopicName(prefix)
        try await TestTopics.createWithCLI(topic, partitions: partitions, on: broker)
        return (try await start(address: try TestBrokers.address(broker), topic: topic, arguments: arguments), topic)
    }

    /// The same on a broker given by address (a `PrivateBroker`).
    static func open(
        address: String, topic prefix: String, partitions: Int = 2, arguments: [String] = []
    ) async throws -> (dash: TmuxSession, topic: String) {
        let topic = uniqueTopicName(prefix)
        try #require(try await Kfast.run(["create-topic", topic, "-p", "\(partitions)", "-b", address]).status == 0)
        return (try await start(address: address, topic: topic, arguments: arguments), topic)
    }

    private static func start(address: String, topic: String, arguments: [String]) async throws -> TmuxSession {
        try await TmuxSession.start(
            [Kfast.path, "dash", "-b", address, "-t", topic] + arguments + DashTiming.flags, columns: 200, rows: 50)
    }

    /// The text under a right-aligned column of the partitions panel, in the row of `partition`.
    static func cell(_ screen: [String], column: String, partition: Int) -> String? {
        guard let headerIndex = screen.firstIndex(where: { $0.contains("Leader") && $0.contains(column) }) else { return nil }
        let header = Array(screen[headerIndex])
        guard let leader = find("Leader", in: header), let columnStart = find(column, in: header),
            let partitionEnd = header[..<leader].lastIndex(of: "P").map({ $0 + 1 })
        else { return nil }
        let columnEnd = columnStart + column.count
        for line in screen[(headerIndex + 1)...] {
            let row = Array(line)
            if row.contains("└") { break }
            if token(endingAt: partitionEnd, in: row) == String(partition) { return token(endingAt: columnEnd, in: row) }
        }
        return nil
    }

    /// The Sent column of every partition shown, top to bottom.
    static func sentCells(_ screen: [String]) -> [String] {
        (0..<64).compactMap { cell(screen, column: "Sent", partition: $0) }
    }

    /// The Sent column once two captures a metadata interval apart agree.
    static func settledSentCounts(_ dash: TmuxSession, within timeout: Duration) async throws -> [String] {
        // Unchanged over three refresh periods in a row: one quiet period on a loaded machine
        // can be acknowledgements that are merely late.
        var previous = sentCells(try await dash.screen())
        var unchanged = 0
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(DashTiming.metadataMillis))
            let current = sentCells(try await dash.screen())
            unchanged = current == previous && !current.isEmpty ? unchanged + 1 : 0
            if unchanged >= 3 { return current }
            previous = current
        }
        throw TestEnvironmentError(description: "the Sent column kept changing for \(timeout): \(previous)")
    }

    /// The Sent column summed over the partitions shown (compact "1.2k" values count as 0);
    /// nil when the column is not on screen.
    static func sentTotal(_ screen: [String]) -> Int? {
        var total = 0
        var found = false
        for partition in 0..<64 {
            guard let text = cell(screen, column: "Sent", partition: partition) else { continue }
            found = true
            total += Int(text) ?? 0
        }
        return found ? total : nil
    }

    /// Pages through the help overlay from its top to its end ("1-36/87" ... "52-87/87"), collecting its lines.
    static func readWholeHelp(_ dash: TmuxSession) async throws -> [String] {
        var lines: [String] = []
        var previousRange = ""
        for _ in 0..<20 {
            let screen = try await dash.waitFor("help overlay page", timeout: DashTiming.keyResponse) { screen in
                guard let range = helpRange(screen) else { return false }
                return range.text != previousRange
            }
            let range = helpRange(screen)!
            lines += screen
            if range.last == range.total { return lines }
            previousRange = range.text
            try await dash.press("NPage")
        }
        throw TestEnvironmentError(description: "the help overlay never reached its end")
    }

    /// The overlay's "first-last/total" indicator. The tests' 50 rows never hold all of help, so there
    /// always is one; its row is drawn last, so once it shows, the page above it is complete.
    private static func helpRange(_ screen: [String]) -> (text: String, last: Int, total: Int)? {
        guard screen.contains(where: { $0.contains("Keys (Esc closes)") }) else { return nil }
        let pattern = /─ (\d+)-(\d+)\/(\d+) ─/
        for line in screen.reversed() {
            if let match = line.firstMatch(of: pattern), let last = Int(match.2), let total = Int(match.3) {
                return (String(match.0), last, total)
            }
        }
        return nil
    }

    /// The tail pane's row (the text right of the last pane border) for a message at `partition` and `offset`.
    static func tailRow(_ screen: [String], partition: Int, offset: Int) -> String? {
        for line in screen {
            guard let border = line.range(of: "││", options: .backwards) else { continue }
            let row = line[border.upperBound...]
            let fields = row.split(separator: " ", maxSplits: 2)
            if fields.count == 3, fields[0] == "\(partition)", fields[1] == "\(offset)" { return String(row) }
        }
        return nil
    }

    /// Partition and offset of every message row the tail pane shows, top to bottom (the rows under
    /// its status line; the partitions panel beside the topics has rows that look alike).
    static func tailOffsets(_ screen: [String]) -> [(partition: Int, offset: Int)] {
        guard let status = tailStatusIndex(screen) else { return [] }
        return screen[(status + 1)...].compactMap { line in
            guard let border = line.range(of: "││", options: .backwards) else { return nil }
            let fields = line[border.upperBound...].split(separator: " ", maxSplits: 2)
            guard fields.count == 3, let partition = Int(fields[0]), let offset = Int(fields[1]) else { return nil }
            return (partition, offset)
        }
    }

    /// The tail pane's first line: what it follows, from where, and what it leaves out.
    static func tailStatus(_ screen: [String]) -> String? {
        tailStatusIndex(screen).map { String(screen[$0][screen[$0].range(of: "││", options: .backwards)!.upperBound...]) }
    }

    private static func tailStatusIndex(_ screen: [String]) -> Int? {
        screen.firstIndex { line in
            guard let border = line.range(of: "││", options: .backwards) else { return false }
            let text = line[border.upperBound...]
            return ["following", "paused", "scrolled"].contains { text.hasPrefix($0) }
        }
    }

    /// The status line: the one above the hint bar.
    static func statusLine(_ screen: [String]) -> String {
        screen.count >= 2 ? screen[screen.count - 2] : ""
    }

    /// The state glyph in front of the first broker in the header: ● connected, ○ down.
    static func brokerGlyph(_ screen: [String]) -> Character? {
        guard let header = screen.first, let range = header.range(of: "brokers ") else { return nil }
        return header[range.upperBound...].first
    }

    /// Opens help with `?` and closes it with `?`, each within the key-response bound.
    static func toggleHelp(_ dash: TmuxSession) async throws {
        try await dash.press("?")
        try await dash.waitFor("help opened by ?", timeout: DashTiming.keyResponse) { screen in
            screen.contains { $0.contains("Keys (Esc closes)") }
        }
        try await dash.press("?")
        try await dash.waitFor("help closed by ?", timeout: DashTiming.keyResponse) { screen in
            !screen.contains { $0.contains("Keys (Esc closes)") }
        }
    }

    /// Every row of the new size is drawn: the header on top, the hint bar at the bottom, and every boxed
    /// row exactly as wide as the terminal, closed on the right (a row left over from the old size is not).
    static func isCleanFrame(_ screen: [String], columns: Int, rows: Int) -> Bool {
        guard screen.count == rows, screen.first?.hasPrefix(" kafka-fast") == true,
            screen.last?.contains("q quit") == true
        else { return false }
        for line in screen {
            let width = DisplayWidth.of(line)
            guard width <= columns else { return false }
            guard let first = line.first, "┌│└".contains(first) else { continue }
            guard width == columns, let last = line.last, "┐│┘".contains(last) else { return false }
        }
        return true
    }

    static func find(_ text: String, in line: [Character]) -> Int? {
        let needle = Array(text)
        guard needle.count <= line.count else { return nil }
        return (0...(line.count - needle.count)).first { Array(line[$0..<($0 + needle.count)]) == needle }
    }

    /// The run of non-blank characters that ends just before `end`.
    static func token(endingAt end: Int, in row: [Character]) -> String? {
        guard end <= row.count, end > 0 else { return nil }
        var start = end
        while start > 0, row[start - 1] != " ", !"│┃".contains(row[start - 1]) { start -= 1 }
        return start == end ? nil : String(row[start..<end])
    }
}
