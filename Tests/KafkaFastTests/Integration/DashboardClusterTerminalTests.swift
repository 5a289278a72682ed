import Foundation
import Testing

/// The dashboard on librdkafka's 3-broker mock cluster, in tmux: a leader moved shows in the
/// partitions pane within two metadata refreshes (read off the header's refresh count); a broker
/// taken down shows down in the brokers view while the load generator's messages keep reaching the
/// partitions the other brokers lead; it comes back up. The mock lacks ListGroups and
/// DescribeConfigs: the views say so.
@Suite struct DashboardClusterTerminalTests {
    /// On a cluster of the test's own: a broker down on the shared one would hit every other test.
    @Test func brokersViewFollowsLeadersAndABrokerGoingDownAndUp() async throws {
        let cluster = try await PrivateBroker.start(.mock, brokers: 3)
        defer { cluster.stop() }
        let bootstrap = cluster.bootstrap
        let topic = uniqueTopicName("dash-cluster")
        try await cluster.createTopic(topic, partitions: 3)
        for (partition, leader) in [(0, 1), (1, 2), (2, 3)] { try await cluster.setLeader(topic, partition: partition, broker: leader) }
        // A slower metadata pace than the other tests: the screen is read many times per refresh, so
        // the refresh count seen beside a leader is the one that brought it.
        let session = try await TmuxSession.start(
            [Kfast.path, "dash", "-b", bootstrap, "-t", topic, "--load", "60", "--load-size", "20"]
                + DashTiming.flags + ["--metadata-ms", "1500"],
            columns: 200, rows: 50)
        defer { session.close() }

        try await session.waitFor("leaders 1, 2, 3", timeout: DashTiming.firstScreen) { screen in
            Self.leaders(screen) == ["1", "2", "3"]
        }
        // A leader moved: shown within two refreshes of the move.
        try await cluster.setLeader(topic, partition: 2, broker: 1)
        // Counted once the move is done: the control call itself may take a refresh on a busy machine.
        let before = try #require(Self.refreshCount(try await session.screen()))
        let moved = try await session.waitFor("partition 2 led by broker 1", timeout: DashTiming.watermarks) { screen in
            Self.leaders(screen) == ["1", "2", "1"]
        }
        let shownAt = try #require(Self.refreshCount(moved))
        #expect(shownAt <= before + 2, "the move showed at refresh #\(shownAt), the move came after #\(before)")

        // Broker 2 down: shown down; broker 1's partitions (0 and 2) keep being acknowledged.
        try await cluster.brokerDown(2)
        try await session.press("7")
        try await session.waitFor("broker 2 down, in the view and the header", timeout: DashTiming.watermarks) { screen in
            Self.brokerState(screen, id: 2) == "down" && Self.brokerState(screen, id: 1) == "up"
                && screen.first?.contains("○2 ") == true
        }
        try await session.press("2")
        let downSent = try await session.waitFor("the partitions pane", timeout: DashTiming.keyResponse) { screen in
            DashScreen.cell(screen, column: "Sent", partition: 0) != nil
        }
        try await session.waitFor("partitions 0 and 2 still acknowledged", timeout: DashTiming.delivery) { screen in
            [0, 2].allSatisfy { Self.sent(screen, $0) > Self.sent(downSent, $0) }
        }
        // And up again: shown up, with the reconnect counted, and partition 1's messages go through.
        let stalled = Self.sent(try await session.screen(), 1)
        try await cluster.brokerUp(2)
        try await session.press("7")
        try await session.waitFor("broker 2 up again, reconnected", timeout: DashTiming.delivery) { screen in
            Self.brokerState(screen, id: 2) == "up" && (Int(Self.brokerCell(screen, id: 2, column: "Reconn") ?? "") ?? 0) >= 1
        }
        try await session.press("2")
        try await session.waitFor("partition 1 acknowledged again", timeout: DashTiming.delivery) { screen in
            Self.sent(screen, 1) > stalled
        }

        // What the mock lacks is said in the views, not a blank.
        try await session.press("6")
        try await session.waitFor("the groups view on a cluster without ListGroups", timeout: DashTiming.watermarks) { screen in
            screen.contains { $0.contains("This cluster cannot list consumer groups") }
        }
        try await session.press("8")
        try await session.waitFor("the configuration view without DescribeConfigs", timeout: DashTiming.watermarks) { screen in
            screen.contains { $0.contains("does not support DescribeConfigs") }
        }
        try await session.press("q")
        #expect(try await session.waitForExit(timeout: DashTiming.quit) == 0)
    }

    /// The Leader column of partitions 0, 1 and 2.
    static func leaders(_ screen: [String]) -> [String?] {
        (0..<3).map { DashScreen.cell(screen, column: "Leader", partition: $0) }
    }

    static func sent(_ screen: [String], _ partition: Int) -> Int {
        Int(DashScreen.cell(screen, column: "Sent", partition: partition) ?? "") ?? -1
    }

    /// "refresh #N" at the end of the header's second line.
    static func refreshCount(_ screen: [String]) -> Int? {
        guard screen.count > 1, let match = screen[1].firstMatch(of: /refresh #(\d+)/) else { return nil }
        return Int(match.1)
    }

    static func brokerState(_ screen: [String], id: Int) -> String? { brokerCell(screen, id: id, column: "State") }

    /// A cell of the brokers view: the column's text in the row of broker `id` (State is left-aligned
    /// and read from its header's start; the others are right-aligned and read up to its end).
    static func brokerCell(_ screen: [String], id: Int, column: String) -> String? {
        guard let header = screen.first(where: { $0.contains("Address") && $0.contains("Reconn") }).map(Array.init),
            let idEnd = DashScreen.find("ID", in: header).map({ $0 + 2 }), let start = DashScreen.find(column, in: header)
        else { return nil }
        for line in screen {
            let row = Array(line)
            guard DashScreen.token(endingAt: idEnd, in: row) == String(id) else { continue }
            if column == "State" {
                return String(row[start..<min(row.count, start + 5)]).trimmingCharacters(in: .whitespaces)
            }
            return DashScreen.token(endingAt: start + column.count, in: row)
        }
        return nil
    }
}
