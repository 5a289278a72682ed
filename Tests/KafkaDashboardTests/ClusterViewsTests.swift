import Testing

@testable import KafkaDashboard

/// The groups, brokers and configuration views, driven by keys and snapshots as the app drives them.
@Suite struct ClusterViewsTests {
    static func groups() -> GroupsSnapshot {
        GroupsSnapshot(groups: [
            GroupSummary(id: "billing", state: "Stable", protocolName: "range", memberCount: 2, topics: ["orders"],
                         committedTopics: ["orders"], totalLag: 4242),
            GroupSummary(id: "audit", state: "Empty", memberCount: 0, topics: ["orders", "payments"],
                         committedTopics: ["orders", "payments"], totalLag: 7),
            GroupSummary(id: "reports", state: "PreparingRebalance", memberCount: 1, topics: ["payments"],
                         committedTopics: ["payments"], totalLag: nil),
        ])
    }

    @Test func groupsViewAsksForGroupsOnceShowsThemAndSortsAndFilters() throws {
        var state = Fixtures.state()
        #expect(state.press(.character("6")) == [.watchGroups])
        #expect(state.focus == .groups)
        #expect(render(state).screenText.contains("loading consumer groups..."))
        state.apply(.groups(Self.groups(), atMillis: Fixtures.now))
        #expect(state.groups.rows.map(\.id) == ["audit", "billing", "reports"])  // by name
        let canvas = render(state)
        let row = try #require(canvas.rowIndex(containing: "billing"))
        let line = canvas.renderedText()[row]
        for text in ["Stable", "range", "2", "orders", "4,242"] { #expect(line.contains(text), "\(text) in \(line)") }
        #expect(canvas.style(ofFirst: "4,242", inRow: row) == Theme.builtinDefault[.warning])  // lag stands out
        // Polling goes on: leaving and coming back asks for nothing more.
        #expect(state.press(.character("1")) == [])
        #expect(state.press(.character("6")) == [])

        state.press(.character("L"))  // lag, largest first; groups without a lag last
        #expect(state.groups.rows.map(\.id) == ["billing", "audit", "reports"])
        state.press(.character("L"))
        #expect(state.groups.rows.map(\.id) == ["reports", "audit", "billing"])
        state.press(.character("M"))
        #expect(state.groups.rows.first?.id == "billing")

        state.press(.character("/"))
        state.type("REP")
        #expect(state.groups.rows.map(\.id) == ["reports"])
        state.press(.enter)
        #expect(render(state).screenText.contains("/REP"))
        state.press(.escape)
        #expect(state.groups.rows.count == 3)
    }

    @Test func lagHistoryDrawsASparklinePerGroup() throws {
        var state = Fixtures.state(columns: 160)
        state.press(.character("6"))
        for second in 0..<20 {
            var snapshot = Self.groups()
            snapshot.groups[0].totalLag = Int64(second * 10)
            state.apply(.groups(snapshot, atMillis: Fixtures.now + Int64(second) * 1000),
                        .tick(nowMillis: Fixtures.now + Int64(second) * 1000))
        }
        #expect(state.groups.lagHistory.samples["billing"]?.count == 20)
        #expect(state.groups.lagHistory.samples["reports"] == nil)  // no lag known, no line
        let canvas = render(state)
        let row = try #require(canvas.rowIndex(containing: "billing"))
        // Rising lag: the newest sample is the highest level, older ones lower.
        #expect(canvas.renderedText()[row].contains("█"))
        #expect(canvas.renderedText()[row].contains("▄"))
    }

    @Test func aClusterWithoutListGroupsSaysSoInTheView() {
        var state = Fixtures.state()
        state.press(.character("6"))
        state.apply(.groups(GroupsSnapshot(unavailable: "broker 127.0.0.1:1 does not support ListGroups: no version in common"),
                            atMillis: Fixtures.now))
        let text = render(state).screenText
        #expect(text.contains("This cluster cannot list consumer groups:"))
        #expect(text.contains("does not support") && text.contains("ListGroups: no version in common"))
    }

    @Test func enterOpensAGroupWithMembersLagAndTheTimeToCatchUp() throws {
        var state = Fixtures.state(columns: 120, rows: 40)
        state.press(.character("6"))
        state.apply(.groups(Self.groups(), atMillis: Fixtures.now))
        state.press(.character("j"))  // billing
        #expect(state.press(.enter) == [.watchGroupDetail("billing")])
        #expect(state.keyContext == .groupDetail)
        func detail(committed: Int64, end: Int64) -> GroupDetail {
            GroupDetail(group: "billing", state: "Stable", protocolName: "range", members: [
                .init(memberId: "m1", clientId: "billing-1", host: "/10.0.0.7", assignment: [TopicPartition("orders", 0)]),
                .init(memberId: "m2", clientId: "billing-2", host: "/10.0.0.8", assignment: []),
            ], partitions: [
                .init(topic: "orders", partition: 0, committed: committed, end: end),
                .init(topic: "orders", partition: 1, committed: nil, end: 50),
                .init(topic: "orders", partition: 2, committed: 40, end: 40),
            ])
        }
        // 10 s apart: read 400, 100 arrived; 300 left at 30/s net is 10 s.
        state.apply(.groupDetail(detail(committed: 100, end: 700), atMillis: Fixtures.now))
        state.apply(.groupDetail(detail(committed: 500, end: 800), atMillis: Fixtures.now + 10_000))
        let text = render(state).renderedText()
        func line(_ needle: String) -> String { text.first { $0.contains(needle) } ?? "" }
        #expect(line("billing-1").contains("/10.0.0.7") && line("billing-1").contains("orders[0]"))
        #expect(line("billing-2").contains("(the broker gives no"))
        let partition0 = text.first { $0.contains("orders[0]") && $0.contains("800") } ?? ""
        #expect(partition0.contains("500") && partition0.contains("300") && partition0.contains("10s"), "\(partition0)")
        #expect(line("orders[1]").contains("none"))
        #expect(line("orders[2]").contains("caught up"))
        #expect(text.contains { $0.contains("total lag 300") })
        // A group that stopped reading while messages keep coming.
        state.apply(.groupDetail(detail(committed: 500, end: 900), atMillis: Fixtures.now + 40_000))
        #expect(render(state).renderedText().contains { $0.contains("orders[0]") && $0.contains("not consuming") })
        // A late answer for another group changes nothing; Esc goes back and stops the polling.
        state.apply(.groupDetail(GroupDetail(group: "audit", state: "Empty"), atMillis: Fixtures.now))
        #expect(state.groups.detail?.detail?.group == "billing")
        #expect(state.press(.escape) == [.watchGroupDetail(nil)])
        #expect(state.overlay == nil && state.groups.detail == nil)
    }

    @Test func theOffsetsViewPicksAGroupThatCommittedOnTheTopicWithTypeAhead() {
        var state = Fixtures.state()
        state.press(.character("3"))
        #expect(state.press(.character("c")) == [.watchGroups])
        #expect(state.keyContext == .picker)
        #expect(render(state).screenText.contains("loading the groups"))
        state.apply(.groups(Self.groups(), atMillis: Fixtures.now))
        #expect(state.picker?.shown == ["audit", "billing"])  // reports committed on payments only
        state.type("b")  // typed keys narrow, even ones bound elsewhere
        #expect(state.picker?.shown == ["billing"])
        #expect(state.press(.enter) == [.queryGroupOffsets(group: "billing", topic: "orders")])
        #expect(state.groupID == "billing" && state.picker == nil && state.focus == .offsets)
        // A group the list does not have is used as typed.
        state.press(.character("c"))
        state.type("elsewhere")
        #expect(state.picker?.shown == [])
        #expect(render(state).screenText.contains("Enter uses what you typed"))
        #expect(state.press(.enter) == [.queryGroupOffsets(group: "elsewhere", topic: "orders")])
        // Esc leaves the group as it was.
        state.press(.character("c"))
        state.press(.escape)
        #expect(state.picker == nil && state.groupID == "elsewhere")
    }

    @Test func brokersViewShowsEachBrokerAndTheLeaderMovesInThePartitions() throws {
        var state = Fixtures.state(columns: 200, rows: 40)
        state.press(.character("7"))
        state.apply(.brokers([
            BrokerActivity(id: 1, address: "127.0.0.1:9092", state: .up, inFlightRequests: 3,
                           produce: Throughput(messagesPerSecond: 120, bytesPerSecond: 12_000), fetchBytesPerSecond: 2048,
                           roundTripP50Millis: 1.2, roundTripP99Millis: 8.5, errors: 0, reconnects: 1),
            BrokerActivity(id: 2, address: "127.0.0.1:9093", state: .down, listed: false, errors: 4, reconnects: 0,
                           lastFailure: "cannot connect to broker 127.0.0.1:9093: connection refused"),
        ]))
        let canvas = render(state)
        let lines = canvas.renderedText()
        let one = try #require(lines.first { $0.contains("127.0.0.1:9092") && $0.contains(" up ") })
        for text in ["3", "120", "12 KB", "2.0 KB", "1.2 ms", "8.5 ms"] { #expect(one.contains(text), "\(text) in \(one)") }
        // Broker 1 leads orders[0], payments[0], the internal topic's partition and all of big's.
        #expect(canvas.cell(header: "Leads", row: "   1 127.0.0.1:9092") == "6")
        #expect(canvas.cell(header: "Leads", row: "   2 127.0.0.1:9093") == "1")
        #expect(canvas.cell(header: "Reconn", row: "   1 127.0.0.1:9092") == "1")
        let two = try #require(lines.first { $0.contains("127.0.0.1:9093") && $0.contains("down") })
        #expect(two.contains("cannot connect to broker"))
        #expect(canvas.cell(header: "Err", row: "   2 127.0.0.1:9093") == "4")
        #expect(canvas.style(ofFirst: "down", inRow: try #require(canvas.rowIndex(containing: "127.0.0.1:9093  "))) ==
                Theme.builtinDefault[.error])
        #expect(lines.contains { $0.contains("2 brokers: 1 up, 1 down") })

        // A leader moved shows at the next cluster snapshot, and the header counts the refresh.
        let refreshes = state.brokers.metadataRefreshes
        var moved = Fixtures.cluster()
        moved.topics[0].partitions[0].leader = 2
        state.press(.character("2"))
        state.apply(.cluster(moved, atMillis: Fixtures.now + 1000))
        #expect(state.partitionRows.first { $0.partition.id == 0 }?.partition.leader == 2)
        let after = render(state).renderedText()
        #expect(after[1].contains("refresh #\(refreshes + 1)"))
        #expect(after.contains { $0.contains("│   0      2 ") }, "\(after)")
    }

    @Test func configurationViewAsksForTheSelectedTopicAndDimsDefaults() throws {
        var state = Fixtures.state(columns: 140, rows: 30)
        #expect(state.press(.character("8")) == [.queryTopicConfig("orders")])
        #expect(render(state).screenText.contains("orders: loading..."))
        state.apply(.topicConfig(TopicConfig(topic: "orders", entries: [
            .init(name: "cleanup.policy", value: "delete", source: "default", isDefault: true),
            .init(name: "retention.ms", value: "123456", source: "topic", isDefault: false),
            .init(name: "sasl.secret", value: nil, source: "static broker", isDefault: true, isSensitive: true),
            .init(name: "segment.ms", value: "604800000", source: "default", isDefault: true),
        ])))
        let canvas = render(state)
        let retention = try #require(canvas.rowIndex(containing: "retention.ms"))
        #expect(canvas.renderedText()[retention].contains("123456") && canvas.renderedText()[retention].contains("topic"))
        #expect(canvas.style(ofFirst: "123456", inRow: retention) == Theme.builtinDefault[.accent])
        let segment = try #require(canvas.rowIndex(containing: "segment.ms"))
        #expect(canvas.style(ofFirst: "604800000", inRow: segment)?.attributes.contains(.dim) == true)
        #expect(canvas.screenText.contains("(sensitive)"))
        #expect(canvas.screenText.contains("4 entries, 1 set on the topic"))
        // Another topic selected while the view shows: asked for at once.
        state.press(.character("1"), .character("j"))
        state.press(.character("8"))
        #expect(state.configs.topic == "payments")
        state.apply(.topicConfigFailed(topic: "payments", message: "broker 1 does not support DescribeConfigs"))
        #expect(render(state).screenText.contains("payments: broker 1 does not support DescribeConfigs"))
        // Filter by name.
        state.apply(.topicConfig(TopicConfig(topic: "payments", entries: [
            .init(name: "retention.ms", value: "1", source: "topic", isDefault: false),
            .init(name: "segment.ms", value: "2", source: "default", isDefault: true),
        ])))
        state.press(.character("/"))
        state.type("seg")
        #expect(state.configs.rows.map(\.name) == ["segment.ms"])
    }
}
