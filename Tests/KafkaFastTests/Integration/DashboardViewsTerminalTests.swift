import Foundation
import Testing

/// Issue 16's views and actions in a real terminal (tmux) on Tansu and noida, driven by keys, each
/// outcome checked against the broker or librdkafka: a group of confluent-kafka's with known lag
/// and its member, a message's three headers and pretty JSON, a topic's retention.ms, a search
/// that finds exactly its matches, `w` replayed by `kfast produce --json`, a topic created and
/// deleted, and an offset reset read back by librdkafka's committed().
@Suite struct DashboardViewsTerminalTests {
    static let json = #"{"name":"kafka-fast","version":2,"tags":["tui","kafka"],"ok":true}"#

    /// Four messages a partition, each in a request of its own (Tansu's high watermark counts them).
    static func records() -> [PeerRecord] {
        func record(_ partition: Int32, _ key: String, _ value: String, _ headers: [PeerHeader] = []) -> PeerRecord {
            PeerRecord(partition: partition, key: Data(key.utf8), value: Data(value.utf8), headers: headers)
        }
        return [
            record(0, "k-0", "alpha one"), record(0, "k-1", "beta"),
            record(0, "json-key", json, [PeerHeader("h-one", Data("one".utf8)), PeerHeader("h-two", Data("two".utf8)),
                                          PeerHeader("h-bin", Data([0x00, 0xFF, 0x10]))]),
            record(0, "k-3", "ALPHA two"),
            record(1, "p1-0", "gamma"), record(1, "p1-1", "alpha-three"), record(1, "p1-2", "delta"), record(1, "p1-3", "epsilon"),
        ]
    }

    /// On Tansu and noida: the groups, configuration and admin parts stand on ListGroups,
    /// DescribeGroups, DescribeConfigs, CreateTopics and DeleteTopics, which the mock cluster
    /// lacks; what the dashboard shows there instead is `DashboardClusterTerminalTests`.
    @Test(arguments: [BrokerKind.tansu, .noida])
    func groupsMessageDetailConfigSearchWriteAdminAndReset(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let (dash, topic) = try await DashViews.open(
            address: address, topic: "dash-views", partitions: 2, create: ["--config", "retention.ms=123456"])
        defer { dash.close() }
        let group = "g-" + topic
        let produced = try await Peer.produce(Self.records(), topic: topic, address: address, flushEach: true)
        try #require(produced.errors.isEmpty && produced.delivered.count == 8, "\(produced)")
        // The member first: Tansu holds a new group's first join for about 23 s, which the checks below overlap.
        let member = try PeerGroupHold(address: address, group: group, topic: topic, commit: [0: 1, 1: 3])
        defer { member.requestStop() }
        try await dash.tmux(["set-option", "-s", "set-clipboard", "on"])

        // Configuration: what the topic was created with.
        try await dash.press("8", "/")
        try await dash.type("retention")
        try await dash.press("Enter")
        try await dash.waitFor("retention.ms=123456 in the configuration view", timeout: DashTiming.watermarks) { screen in
            screen.contains { $0.contains("retention.ms") && $0.contains("123456") }
        }

        // Search: exactly the messages with "alpha" in key, value or a header, any case; then a regex.
        try await dash.press("5", "b")
        try await dash.waitFor("all eight messages in the tail, from the beginning", timeout: DashTiming.watermarks) { screen in
            DashScreen.tailStatus(screen)?.contains("from beginning · 8 received, 8 kept") == true
                && DashScreen.tailOffsets(screen).count == 8
        }
        try await dash.press("/")
        try await dash.type("alpha")
        try await dash.press("Enter")
        try await dash.waitFor("the three matches of alpha", timeout: DashTiming.keyResponse) { screen in
            // Partitions arrive in any order (each broker's partitions are fetched over several
            // connections); within a partition, offsets in order.
            Self.rows(screen).sorted { ($0[0], $0[1]) < ($1[0], $1[1]) } == [[0, 0], [0, 3], [1, 1]]
                && Self.rows(screen).filter { $0[0] == 0 } == [[0, 0], [0, 3]]
                && DashScreen.statusLine(screen).contains("3 of 8 kept messages match")
        }
        try await dash.press("/", "C-u")
        try await dash.type("~^k-[0-9]$")
        try await dash.press("Enter")
        try await dash.waitFor("the three keys the regex matches", timeout: DashTiming.keyResponse) { screen in
            Self.rows(screen) == [[0, 0], [0, 1], [0, 3]]
        }
        try await dash.press("n")
        try await dash.waitFor("n on the first match", timeout: DashTiming.keyResponse) { screen in
            DashScreen.statusLine(screen).contains("match 1 of 3")
        }

        // w writes the matches; kfast produce --json replays them into another topic, byte for byte.
        let file = try TestEnvironment.runDirectory() + "/\(topic).jsonl"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await dash.press("w", "C-u")
        try await dash.type(file)
        try await dash.press("Enter")
        try await dash.waitFor("the file written", timeout: DashTiming.keyResponse) { screen in
            DashScreen.statusLine(screen).contains("wrote 3 messages to \(file)")
        }
        try await Self.checkReplay(file, address: address, broker: broker)

        // Message detail: every field, three headers (binary in hex), hex dump, pretty JSON, y copies.
        try await dash.press("/", "C-u")
        try await dash.type("json-key")
        try await dash.press("Enter")
        try await dash.waitFor("the JSON message alone", timeout: DashTiming.keyResponse) { Self.rows($0) == [[0, 2]] }
        try await dash.press("Enter")
        try await dash.waitFor("its headers", timeout: DashTiming.keyResponse) { screen in
            ["Headers    3", "h-one = one", "h-two = two", "h-bin = 00 ff 10 (3 bytes, hex)", "Key        json-key",
             "Offset     2", "Partition  0"].allSatisfy { needle in screen.contains { $0.contains(needle) } }
                && screen.contains { $0.contains("Timestamp") && $0.contains(" time)") }
        }
        try await dash.press("v")
        try await dash.waitFor("the hex dump", timeout: DashTiming.keyResponse) { screen in
            screen.contains { $0.contains("00000000  7b 22 6e 61 6d 65 22 3a") }
        }
        try await dash.press("v")
        try await dash.waitFor("pretty JSON", timeout: DashTiming.keyResponse) { screen in
            [#"  "name": "kafka-fast","#, #"  "version": 2,"#, #"    "tui","#, #"  "ok": true"#]
                .allSatisfy { needle in screen.contains { $0.contains(needle) } }
        }
        try await dash.press("y")
        try await dash.waitFor("the copy said", timeout: DashTiming.keyResponse) { screen in
            DashScreen.statusLine(screen).contains("copied \(Self.json.utf8.count) bytes to the clipboard")
        }
        #expect(try await dash.tmux(["show-buffer"]) == Self.json)
        try await dash.press("Escape", "Escape")

        // The group with known lag and its member: committed 1 of 4 and 3 of 4.
        try await member.waitUntilCommitted(partitions: [0, 1])
        try await dash.press("6", "/")
        try await dash.type(topic)
        try await dash.press("Enter")
        try await dash.waitFor("the group, stable, one member, lag 4", timeout: DashTiming.watermarks) { screen in
            screen.contains { $0.contains(group.prefix(20)) && $0.firstMatch(of: /Stable\s+\S+\s+1\s+\S+\s+4\s/) != nil }
        }
        // Its member as the broker describes it: the member id always; client id and host where
        // librdkafka's AdminClient sees them too (Tansu sends neither, and librdkafka then lists no member).
        let memberId = try #require(member.status?.member_id)
        let described = try await member.describe(address: address)
        try await dash.press("Enter")
        try await dash.waitFor("its member and per-partition lag", timeout: DashTiming.watermarks) { screen in
            let row = screen.first { $0.contains(memberId.prefix(25)) }
            return row.map { row in described.members.allSatisfy { row.contains($0.client_id) && row.contains($0.host) } } == true
                && screen.contains { $0.firstMatch(of: /\[0\]\s+1\s+4\s+3\s/) != nil }
                && screen.contains { $0.firstMatch(of: /\[1\]\s+3\s+4\s+1\s/) != nil }
        }
        if broker == .noida { #expect(described.members.map(\.client_id) == ["peer-confluent"]) }
        // Kafka resets only an empty group: the form says so.
        try await dash.press("R", "Enter")
        try await dash.waitFor("the refusal for a group with a member", timeout: DashTiming.watermarks) { screen in
            DashScreen.statusLine(screen).contains("'\(group)' has 1 member (state ")
        }
        try await dash.press("Escape")
        try await member.stop()
        try await dash.waitFor("the group empty once its member left", timeout: DashTiming.watermarks) { screen in
            screen.contains { $0.contains("state Empty") && $0.contains("0 members") }
        }
        // Reset to earliest: the dry run first, then what librdkafka reads.
        try await dash.press("R", "Enter")
        try await dash.waitFor("the reset's dry run", timeout: DashTiming.watermarks) { screen in
            screen.contains { $0.firstMatch(of: /\[0\]\s+1 ->\s+0/) != nil } && screen.contains { $0.firstMatch(of: /\[1\]\s+3 ->\s+0/) != nil }
        }
        #expect(try await Peer.committedOffsets(group: group, topic: topic, on: broker).partitions.map(\.offset) == [1, 3])
        try await dash.press("y")
        try await dash.waitFor("the reset done", timeout: DashTiming.watermarks) { screen in
            DashScreen.statusLine(screen).contains("reset 2 partitions of group \(group)")
        }
        #expect(try await Peer.committedOffsets(group: group, topic: topic, on: broker).partitions.map(\.offset) == [0, 0])

        // The offsets view's picker offers the group that committed on the topic.
        try await dash.press("Escape", "3", "c")
        try await dash.waitFor("the group in the picker", timeout: DashTiming.watermarks) { screen in
            screen.contains { $0.contains("> \(group)") }
        }
        try await dash.press("Enter")
        try await dash.waitFor("its offsets: lag 8 after the reset", timeout: DashTiming.watermarks) { screen in
            screen.contains { $0.contains("group \(group): total lag 8") }
        }

        // A topic created and deleted from the dashboard is created and deleted on the broker.
        let made = topic + "-made"
        try await dash.press("1", "C")
        try await dash.type(made)
        try await dash.press("Tab")
        try await dash.type("1")
        try await dash.press("Enter", "y")
        try await dash.waitFor("the topic created", timeout: DashTiming.watermarks) { screen in
            DashScreen.statusLine(screen).contains("created topic \(made) with 1 partition")
        }
        #expect(try await Peer.metadata(of: broker, topic: made).topics.first { $0.name == made }?.partitions.count == 1)
        try await dash.press("/")
        try await dash.type(made)
        try await dash.press("Enter")
        try await dash.waitFor("the new topic selected", timeout: DashTiming.watermarks) { screen in
            screen.contains { $0.contains("1 Topics (1)") } && screen.contains { $0.contains("Offsets: \(made) ") }
        }
        try await dash.press("D")
        try await dash.type(made)
        try await dash.press("Enter")
        try await dash.waitFor("the topic deleted", timeout: DashTiming.watermarks) { screen in
            DashScreen.statusLine(screen).contains("deleted topic \(made)")
        }
        let after = try await Kfast.run(["topics", "-b", address, "-t", made])
        #expect(after.status == 1 && after.stderr.contains("unknown topic '\(made)'"), "\(after.stdout)\(after.stderr)")

        try await dash.press("q")
        #expect(try await dash.waitForExit(timeout: DashTiming.quit) == 0)
    }

    /// `--ascii` with NO_COLOR at 80x24: every view fits, draws only ASCII and no colour.
    @Test(arguments: BrokerKind.allCases)
    func everyViewReadsAt80x24InASCIIWithoutColour(_ broker: BrokerKind) async throws {
        let (dash, topic) = try await DashViews.open(
            on: broker, topic: "dash-ascii", partitions: 1, dash: ["--ascii"],
            environment: ["NO_COLOR=1"], columns: 80, rows: 24)
        defer { dash.close() }
        let titles = ["1 Topics", "2 Partitions: \(topic.prefix(10))", "3 Offsets", "4 Send to", "5 Tail", "6 Consumer groups",
                      "7 Brokers", "8 Config"]
        for (index, title) in titles.enumerated() {
            try await dash.press("\(index + 1)")
            try await dash.waitFor("view \(index + 1) at 80x24", timeout: DashTiming.firstScreen) { screen in
                screen.count == 24 && screen.contains { $0.contains(title) }
                    && screen.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) && $0.count <= 80 }
            }
            let styled = try await dash.tmux(["capture-pane", "-p", "-e", "-t", "test:0.0"])
            #expect(styled.firstMatch(of: /\x{1B}\[([0-9]*;)*(3[0-7]|4[0-7]|9[0-7]|38|48)(;[0-9]*)*m/) == nil, "colour in view \(index + 1)")
        }
        try await dash.press("q")
        #expect(try await dash.waitForExit(timeout: DashTiming.quit) == 0)
    }

    /// Partition and offset of the tail's rows.
    static func rows(_ screen: [String]) -> [[Int]] {
        DashScreen.tailOffsets(screen).map { [$0.partition, $0.offset] }
    }

    /// The written file holds the three matching messages in the consume -J envelope, and
    /// `kfast produce --json` replays them into another topic as they were.
    static func checkReplay(_ file: String, address: String, broker: BrokerKind) async throws {
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        let objects = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.compactMap { $0["key"] as? String } == ["k-0", "k-1", "k-3"])
        #expect(objects.compactMap { $0["payload"] as? String } == ["alpha one", "beta", "ALPHA two"])
        #expect(objects.allSatisfy { $0["tstype"] as? String == "create" && $0["partition"] as? Int == 0 })
        let copy = uniqueTopicName("dash-replay")
        try #require(try await Kfast.run(["create-topic", copy, "-p", "1", "-b", address]).status == 0)
        let replay = try await Kfast.run(["produce", "-b", address, "-t", copy, "--json"],
                                         stdin: try String(contentsOfFile: file, encoding: .utf8))
        #expect(replay.status == 0, "\(replay.stderr)")
        let read = try await Peer.consume(topic: copy, from: broker, count: 3)
        #expect(read.map { $0.key.map { String(decoding: $0, as: UTF8.self) } } == ["k-0", "k-1", "k-3"])
        #expect(read.map { $0.value.map { String(decoding: $0, as: UTF8.self) } } == ["alpha one", "beta", "ALPHA two"])
    }
}

/// Opening the dashboard for these tests: a topic of the test's own, created with `create`
/// arguments, and `kfast dash` on it with extra flags and environment.
enum DashViews {
    /// On one of the test servers (the mock cluster's topic comes from its control channel).
    static func open(
        on broker: BrokerKind, topic prefix: String, partitions: Int, dash: [String] = [],
        environment: [String] = [], columns: Int = 200, rows: Int = 50
    ) async throws -> (dash: TmuxSession, topic: String) {
        guard broker == .mock else {
            return try await open(address: TestBrokers.address(broker), topic: prefix, partitions: partitions, dash: dash,
                                  environment: environment, columns: columns, rows: rows)
        }
        let topic = uniqueTopicName(prefix)
        try await MockCluster.createTopic(topic, partitions: partitions)
        return (try await start(address: TestBrokers.address(broker), topic: topic, dash: dash, environment: environment,
                                columns: columns, rows: rows), topic)
    }

    static func open(
        address: String, topic prefix: String, partitions: Int, create: [String] = [], dash: [String] = [],
        environment: [String] = [], columns: Int = 200, rows: Int = 50
    ) async throws -> (dash: TmuxSession, topic: String) {
        let topic = uniqueTopicName(prefix)
        let created = try await Kfast.run(["create-topic", topic, "-p", "\(partitions)", "-b", address] + create)
        try #require(created.status == 0, "create-topic: \(created.stderr)")
        return (try await start(address: address, topic: topic, dash: dash, environment: environment, columns: columns, rows: rows), topic)
    }

    private static func start(
        address: String, topic: String, dash: [String], environment: [String], columns: Int, rows: Int
    ) async throws -> TmuxSession {
        try await TmuxSession.start(
            ["/usr/bin/env"] + environment + [Kfast.path, "dash", "-b", address, "-t", topic] + dash + DashTiming.flags,
            columns: columns, rows: rows)
    }
}
