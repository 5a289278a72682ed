import Testing

@testable import KafkaDashboard

@Suite struct ReducerTests {
    @Test func firstSnapshotSelectsATopicAndStartsTailingIt() {
        var state = DashboardState(size: TerminalSize(columns: 120, rows: 40))
        let effects = state.apply(.cluster(Fixtures.cluster(), atMillis: 0))
        #expect(state.selectedTopic == "big")  // first by name; internal topics hidden
        #expect(effects == [.startTail(TailRequest(generation: 1, topic: "big", partition: nil, start: .end))])
        #expect(state.apply(.cluster(Fixtures.cluster(), atMillis: 1)) == [])  // only once
    }

    @Test func tabAndShiftTabCycleThroughEveryPane() {
        var state = Fixtures.state()
        var seen: [Pane] = [state.focus]
        for _ in 0..<Pane.allCases.count {
            state.press(.tab)
            seen.append(state.focus)
        }
        #expect(seen == [.topics, .partitions, .offsets, .send, .tail, .groups, .brokers, .configs, .topics])
        state.press(.backTab)
        #expect(state.focus == .configs)
    }

    @Test func movingInTopicsSelectsTheTopicForTheOtherPanes() {
        var state = Fixtures.state()
        #expect(state.topicRows.map(\.name) == ["big", "orders", "payments"])
        #expect(state.selectedTopic == "orders")
        state.press(.character("j"))
        #expect(state.selectedTopic == "payments")
        #expect(state.partitionRows.count == 1)
        state.press(.character("g"))
        #expect(state.selectedTopic == "big")
    }

    @Test func internalTopicsAreHiddenUntilToggled() {
        var state = Fixtures.state()
        #expect(!state.topicRows.contains { $0.name == "__consumer_offsets" })
        state.press(.character("i"))
        #expect(state.topicRows.contains { $0.name == "__consumer_offsets" })
    }

    @Test func slashFiltersAsYouTypeEnterKeepsItEscClearsIt() {
        var state = Fixtures.state()
        state.press(.tab)  // from another pane: "/" still filters topics
        state.press(.character("/"))
        #expect(state.focus == .topics)
        #expect(state.keyContext == .textEntry)
        state.type("PAY")
        #expect(state.topicRows.map(\.name) == ["payments"])
        #expect(state.selectedTopic == "payments")
        state.press(.enter)
        #expect(state.textEntry == nil)
        #expect(state.topicFilter == "PAY")
        state.press(.escape)
        #expect(state.topicFilter == "")
        #expect(state.topicRows.count == 3)
    }

    @Test func typingQIntoAFieldDoesNotQuit() {
        var state = Fixtures.state()
        state.press(.character("/"))
        #expect(state.type("q") == [])
        #expect(state.textEntry?.text == "q")
        state.press(.escape)  // cancel restores the old filter
        #expect(state.topicFilter == "")
        #expect(state.press(.character("q")) == [.quit])
    }

    @Test func sortKeysSortAndPressingAgainReverses() {
        var state = Fixtures.state()
        state.press(.character("2"))
        state.press(.character("R"))  // msg/s: busiest first
        #expect(state.partitionSort == PartitionSort(column: .messageRate, descending: true))
        #expect(state.partitionRows.map(\.partition.id) == [1, 0, 2])
        state.press(.character("R"))
        #expect(state.partitionRows.map(\.partition.id) == [2, 0, 1])
        state.press(.character("W"))  // high watermark: ascending first
        #expect(state.partitionRows.map(\.partition.id) == [2, 0, 1])
        state.press(.character("E"))  // the partition with the error first
        #expect(state.partitionRows.first?.partition.id == 1)
    }

    /// The panel's order is a radix sort: it must agree with comparing (key, id) for every kind of
    /// key a column gives (negative, zero, fractions, huge counts, "no error" as -infinity).
    @Test func partitionOrderAgreesWithAComparisonSort() {
        let keys: [Double] = [0, -1, 3.5, -0.25, 1e12, 7, -.infinity, 3.5, 0, 2_000_000_123, -1, 0.001]
        // Scrambled but repeatable: keys and ids from multiplicative steps, many ties on both.
        let entries = (0..<500).map { index in
            (key: keys[index * 7_919 % keys.count] * (index % 3 == 0 ? -1 : 1),
             id: Int32(index * 104_729 % 400) - 100, index: Int32(index))
        }
        let expected = entries.sorted { $0.key != $1.key ? $0.key < $1.key : ($0.id != $1.id ? $0.id < $1.id : $0.index < $1.index) }
        let sorted = RowOrder.sorted(entries.map { RowOrder.Entry(key: $0.key, id: $0.id, index: $0.index) })
        #expect(sorted.map(\.index) == expected.map(\.index))
    }

    /// Rows find their producer stats by partition id in one pass, ids far from 0..<count included,
    /// and never another topic's.
    @Test func partitionRowsJoinStatsOfTheirOwnTopicOnly() {
        let topic = ClusterSnapshot.Topic(name: "t", partitions: [
            .init(id: 0, leader: 1, lowWatermark: 0, highWatermark: 1),
            .init(id: 70_000, leader: 1, lowWatermark: 0, highWatermark: 2),
            .init(id: 3, leader: 1, lowWatermark: 0, highWatermark: 3),
        ])
        let producer = ProducerSnapshot(partitions: [
            TopicPartition("t", 0): PartitionProducerStats(inFlightBatches: 1),
            TopicPartition("t", 70_000): PartitionProducerStats(inFlightBatches: 2),
            TopicPartition("other", 3): PartitionProducerStats(inFlightBatches: 9),
        ])
        let rows = DerivedRows.partitionRows(topic: topic, producer: producer, sort: PartitionSort())
        #expect(rows.map(\.partition.id) == [0, 3, 70_000])
        #expect(rows.map { $0.stats?.inFlightBatches } == [1, nil, 2])
    }

    /// A consumer snapshot only changes consume rates, which are in the topic rows.
    @Test func aConsumerSnapshotUpdatesTopicRowsAndLeavesThePartitionRows() {
        var state = Fixtures.state()
        state.press(.character("2"), .character("R"))
        let rows = state.partitionRows
        state.apply(.consumer(ConsumerSnapshot(topics: ["orders": Throughput(messagesPerSecond: 42)])))
        #expect(state.topicRows.first { $0.name == "orders" }?.consume.messagesPerSecond == 42)
        #expect(state.partitionRows == rows)
    }

    @Test func sortingKeepsTheCursorOnTheSamePartition() {
        var state = Fixtures.state()
        state.press(.character("2"), .character("j"))
        #expect(state.selectedPartitionRow?.partition.id == 1)
        state.press(.character("R"))
        #expect(state.selectedPartitionRow?.partition.id == 1)
        #expect(state.partitionCursor.selected == 0)
    }

    @Test func zoomTogglesAndEscLeavesIt() {
        var state = Fixtures.state()
        state.press(.character("+"))
        #expect(state.zoomed)
        #expect(DashboardLayout(for: state).visiblePanes == [.topics])
        state.press(.escape)
        #expect(!state.zoomed)
        #expect(DashboardLayout(for: state).visiblePanes.count == 4)
    }

    @Test func helpOpensAndClosesAndScrollsWithinBounds() {
        var state = Fixtures.state(rows: 24)
        state.press(.character("?"))
        #expect(state.overlay == .help(scroll: 0))
        state.press(.character("G"))
        guard case .help(let scroll) = state.overlay else { Issue.record("help closed"); return }
        #expect(scroll > 0)
        state.press(.character("j"))
        #expect(state.overlay == .help(scroll: scroll))  // already at the end
        state.press(.escape)
        #expect(state.overlay == nil)
    }

    @Test func openingATopicRestartsTheTailAndEnterOnAPartitionTailsJustThatOne() {
        var state = Fixtures.state()
        let generation = state.nextTailGeneration
        #expect(state.press(.enter) == [.startTail(TailRequest(generation: generation, topic: "orders"))])
        #expect(state.focus == .partitions)
        let effects = state.press(.character("j"), .enter)
        #expect(effects == [.startTail(TailRequest(generation: generation + 1, topic: "orders", partition: 1))])
        #expect(state.focus == .tail)
        // "[" and "]" step through the partitions and "all".
        #expect(state.press(.character("]")).first == .startTail(
            TailRequest(generation: generation + 2, topic: "orders", partition: 2)))
        #expect(state.press(.character("]")).first == .startTail(
            TailRequest(generation: generation + 3, topic: "orders", partition: nil)))
    }

    @Test func tailStartPositionsFromKeysAndTypedText() {
        var state = Fixtures.state()
        state.press(.character("5"))
        #expect(state.press(.character("b")).first.flatMap(startOf) == .beginning)
        state.press(.character("o"))
        state.type("1234")
        #expect(state.press(.enter).first.flatMap(startOf) == .offset(1234))
        state.press(.character("t"))
        state.press(.control("u"))
        state.type("-5m")
        #expect(state.press(.enter).first.flatMap(startOf) == .timestamp(millis: Fixtures.now - 300_000))
        state.press(.character("o"))
        state.type("abc")
        #expect(state.press(.enter) == [])
        #expect(state.status?.severity == .warning)
    }

    private func startOf(_ effect: DashboardEffect) -> TailStart? {
        if case .startTail(let request) = effect { return request.start }
        return nil
    }

    @Test func aDeletedTopicStopsItsTail() {
        var state = Fixtures.state()
        var cluster = Fixtures.cluster()
        cluster.topics.removeAll { $0.name == "orders" }
        #expect(state.apply(.cluster(cluster, atMillis: Fixtures.now)) == [.stopTail])
        #expect(state.tail.request == nil)
        #expect(state.status?.message == "topic orders no longer exists; tail stopped")
        #expect(state.selectedTopic == "payments")  // the cursor's row now
    }

    @Test func lateBatchesFromAReplacedTailAreIgnored() {
        var state = Fixtures.state()
        let old = state.tail.request!.generation
        state.press(.enter)
        state.apply(.consumed(generation: old, messages: [Fixtures.message(offset: 1)], received: 1))
        #expect(state.tail.scrollback.isEmpty)
        state.apply(.consumed(generation: old + 1, messages: [Fixtures.message(offset: 1)], received: 1))
        #expect(state.tail.scrollback.count == 1)
    }

    @Test func sendingBuildsTheRequestFromTheFormAndShowsTheResult() {
        var state = Fixtures.state()
        state.press(.character("4"))
        state.press(.character("e"))
        state.type("キー")
        state.press(.enter, .character("j"), .character("e"))
        state.type("値🙂")
        state.press(.enter, .character("j"), .character("e"))
        state.type("a=1, b")
        state.press(.enter, .character("j"), .character("e"))
        state.type("1")
        state.press(.enter, .character("j"), .character(" "))  // codec: none -> gzip
        let effects = state.press(.enter)
        let expected = SendRequest(
            id: 1, topic: "orders", key: Array("キー".utf8), value: Array("値🙂".utf8),
            headers: [.init(key: "a", value: Array("1".utf8)), .init(key: "b", value: nil)], partition: 1,
            codec: .gzip)
        #expect(effects == [.send(expected)])
        state.apply(.sendCompleted(SendResult(requestID: 1, outcome: .delivered(partition: 1, offset: 511))))
        #expect(state.lastSend?.result?.outcome == .delivered(partition: 1, offset: 511))
    }

    @Test func aBadPartitionIsReportedInsteadOfSent() {
        var state = Fixtures.state()
        state.sendForm.partition = "seven"
        state.press(.character("4"))
        #expect(state.press(.enter) == [])
        #expect(state.status?.message.contains("partition") == true)
    }

    @Test func loadGeneratorStartsRetunesAndStops() {
        var state = Fixtures.state()
        state.press(.character("4"))
        #expect(state.press(.character("L")) == [
            .setLoadGenerator(LoadGeneratorSettings(topic: "orders", messagesPerSecond: 1000, messageSize: 256))
        ])
        state.sendForm.selectedField = .loadRate
        state.press(.character("e"), .control("u"))
        state.type("50")
        #expect(state.press(.enter) == [
            .setLoadGenerator(LoadGeneratorSettings(topic: "orders", messagesPerSecond: 50, messageSize: 256))
        ])
        #expect(state.press(.character("L")) == [.setLoadGenerator(nil)])
    }

    @Test func pauseFreezesDataAndPausesTheTailUntilResumed() {
        var state = Fixtures.state()
        #expect(state.press(.character("p")) == [.setTailPaused(true)])
        var newer = Fixtures.producer()
        newer.total.messagesPerSecond = 999
        state.apply(.producer(newer))
        #expect(state.producer.total.messagesPerSecond == 555)
        #expect(state.press(.character("p")) == [.setTailPaused(false)])
        #expect(state.producer.total.messagesPerSecond == 999)
    }

    @Test func choosingAGroupQueriesItsOffsets() {
        var state = Fixtures.state()
        state.press(.character("3"), .character("c"))
        state.type("billing")
        #expect(state.press(.enter) == [.queryGroupOffsets(group: "billing", topic: "orders")])
        state.apply(.groupOffsets(GroupOffsets(group: "billing", topic: "orders", partitions: [
            .init(partition: 0, committed: 90),
        ])))
        #expect(state.groupOffsets?.partitions.count == 1)
        #expect(state.press(.character("r")) == [.queryGroupOffsets(group: "billing", topic: "orders")])
    }

    @Test func errorsCountAndTheLatestIsShown() {
        var state = Fixtures.state()
        state.apply(.status(StatusEvent(.error, "broker 127.0.0.1:9092 unreachable: connection refused",
                                        atMillis: Fixtures.now)))
        #expect(state.statusErrorCount == 1)
        #expect(state.errorCount == 3)  // 2 from the producer snapshot
    }

    @Test func ctrlLAsksForAFullRedraw() {
        var state = Fixtures.state()
        #expect(state.press(.control("l")) == [.redrawAll])
    }

    @Test func resizeKeepsCursorsOnScreen() {
        var state = Fixtures.state(tailCapacity: 10)
        state.apply(.cluster(Fixtures.cluster(bigTopicPartitions: 500), atMillis: Fixtures.now))
        state.press(.character("g"), .character("2"), .character("G"))
        #expect(state.partitionCursor.selected == 499)
        state.apply(.resize(TerminalSize(columns: 40, rows: 12)))
        let rows = DashboardLayout(for: state).listRows(for: .partitions, state: state)
        #expect(state.partitionCursor.top <= 499 && 499 < state.partitionCursor.top + rows)
    }
}
