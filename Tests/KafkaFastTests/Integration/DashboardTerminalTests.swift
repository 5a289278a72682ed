import Foundation
import KafkaDashboard
import Testing

/// `kfast dash` in a real terminal (tmux), driven by keys as a user drives it, against real brokers.
@Suite(.serialized) struct DashboardTerminalTests {
    @Test(arguments: BrokerKind.allCases)
    func sendTailHelpResizeAndQuit(_ broker: BrokerKind) async throws {
        let (dash, topic) = try await DashScreen.open(on: broker, topic: "dash-terminal")
        defer { dash.close() }

        // The partitions of the topic show, with nothing sent yet.
        try await dash.waitFor("partitions panel of \(topic)", timeout: DashTiming.firstScreen) { screen in
            DashScreen.cell(screen, column: "High", partition: 1) == "0"
        }

        // Key, value and partition typed into the send pane; Enter sends.
        try await dash.press("4")
        try await dash.press("e")
        try await dash.type("k-日本")
        try await dash.press("Enter", "j", "e")
        try await dash.type("hello wörld")
        try await dash.press("Enter", "j", "j", "e")
        try await dash.type("1")
        try await dash.press("Enter", "Enter")
        try await dash.waitFor("delivery of the message", timeout: DashTiming.delivery) { screen in
            screen.contains { $0.contains("#1 delivered: ") }
        }
        // The tail shows it with its key and value, where it landed; the partition's high watermark and
        // sent count go up.
        try await dash.waitFor("the message in the tail", timeout: DashTiming.watermarks) { screen in
            DashScreen.tailRow(screen, partition: 1, offset: 0).map { $0.contains("k-日本") && $0.contains("hello wörld") }
                == true
        }
        try await dash.waitFor("high watermark and sent count 1", timeout: DashTiming.watermarks) { screen in
            DashScreen.cell(screen, column: "High", partition: 1) == "1"
                && DashScreen.cell(screen, column: "Sent", partition: 1) == "1"
                && DashScreen.cell(screen, column: "High", partition: 0) == "0"
        }

        // `?` lists every binding of the key table that dispatches keys.
        try await dash.press("?")
        let help = try await DashScreen.readWholeHelp(dash)
        for (context, bindings) in KeyTable.standard.contexts {
            #expect(help.contains { $0.contains(context.title) }, "help lacks the \(context.title) heading")
            for binding in bindings {
                #expect(help.contains { $0.contains(binding.keysDisplay) && $0.contains(binding.label) },
                        "help lacks \(binding.keysDisplay) \(binding.label)")
            }
        }
        try await dash.press("Escape")
        try await dash.waitFor("help closed", timeout: DashTiming.keyResponse) { screen in
            !screen.contains { $0.contains("Keys (Esc closes)") }
        }

        // Shrinking and growing the terminal redraws the whole screen at the new size, nothing left over.
        for (columns, rows) in [(100, 30), (150, 45)] {
            try await dash.resize(columns: columns, rows: rows)
            try await dash.waitFor("a clean \(columns)x\(rows) frame", timeout: DashTiming.keyResponse) { screen in
                DashScreen.isCleanFrame(screen, columns: columns, rows: rows)
            }
        }

        // q exits 0 and gives the terminal back as it was.
        try await dash.press("q")
        let status = try await dash.waitForExit(timeout: DashTiming.quit)
        #expect(status == 0)
        let modes = dash.terminalModes()
        #expect(modes.before != nil && modes.before == modes.after, "terminal modes not restored: \(modes)")
        #expect(try await dash.paneFormat("#{alternate_on}") == "0")
        let after = try await dash.screen()
        #expect(after.contains("shell after the program"), "\(after)")
        #expect(!after.contains { $0.contains("kafka-fast │") }, "the dashboard is still on screen: \(after)")
    }

    /// Started with `--load`, the send pane and header say the load generator runs, at what rate and size;
    /// its rate, size and on/off are changed from the keyboard.
    @Test(arguments: BrokerKind.allCases)
    func loadGeneratorFromTheFlagAndTheKeys(_ broker: BrokerKind) async throws {
        let (dash, _) = try await DashScreen.open(on: broker, topic: "dash-load", arguments: ["--load", "40", "--load-size", "64"])
        defer { dash.close() }

        try await dash.waitFor("load generator on from the first frames", timeout: DashTiming.firstScreen) { screen in
            screen.contains { $0.contains("LOAD ON") } && screen.contains { $0.contains("Load ON 40/s x 64 B") }
                && screen.contains { $0.contains("Load msg/s 40") } && screen.contains { $0.contains("Load bytes 64") }
        }
        // It really sends: the topic's messages grow and the load line counts them.
        try await dash.waitFor("load generator messages acknowledged", timeout: DashTiming.delivery) { screen in
            (DashScreen.sentTotal(screen) ?? 0) > 0 && screen.contains { $0.contains("Load ON 40/s x 64 B: ") }
        }

        // Rate: the 6th field of the send pane; size: the 7th. Edited, the running generator follows.
        try await dash.press("4", "G", "k", "e", "C-u")
        try await dash.type("120")
        try await dash.press("Enter", "j", "e", "C-u")
        try await dash.type("32")
        try await dash.press("Enter")
        try await dash.waitFor("retuned load generator", timeout: DashTiming.keyResponse) { screen in
            screen.contains { $0.contains("Load ON 120/s x 32 B") }
        }
        try await dash.press("L")
        try await dash.waitFor("load generator off", timeout: DashTiming.keyResponse) { screen in
            screen.contains { $0.contains("Load generator off (L starts)") } && !screen.contains { $0.contains("LOAD ON") }
        }
        // Once what was buffered is acknowledged, the Sent counts stay where they are.
        let stopped = try await DashScreen.settledSentCounts(dash, within: DashTiming.delivery)
        try await Task.sleep(for: .milliseconds(DashTiming.metadataMillis * 3))
        #expect(DashScreen.sentCells(try await dash.screen()) == stopped, "messages still sent after L stopped the load")
        try await dash.press("L")
        try await dash.waitFor("load generator on again", timeout: DashTiming.keyResponse) { screen in
            screen.contains { $0.contains("Load ON 120/s x 32 B") } && screen.contains { $0.contains("LOAD ON") }
        }

        try await dash.press("q")
        #expect(try await dash.waitForExit(timeout: DashTiming.quit) == 0)
    }
}

/// The tail pane against more than it can show: a flood is sampled and the pane keeps up with the
/// newest messages; an older position is paged through in order, nothing left out.
@Suite(.serialized) struct DashboardTailTests {
    @Test(arguments: BrokerKind.allCases)
    func aFloodedTopicIsSampledAndTheTailKeepsUpWithTheNewest(_ broker: BrokerKind) async throws {
        // 2,000 msg/s: four times the 500 rows a second the pane shows, eight times what it reads.
        let (dash, _) = try await DashScreen.open(on: broker, topic: "dash-flood", arguments: ["--load", "2000", "--load-size", "40"])
        defer { dash.close() }

        let sampling = try await dash.waitFor("the tail saying it samples and skips", timeout: DashTiming.delivery) { screen in
            DashScreen.tailStatus(screen).map { $0.contains("sampling 1 in ") && $0.contains(" skipped") } == true
        }
        // Newest: messages written after this watermark was read show up in the tail.
        let high = try #require(Int(DashScreen.cell(sampling, column: "High", partition: 0) ?? ""), "\(sampling)")
        try await dash.waitFor("partition 0 past offset \(high) in the tail", timeout: DashTiming.watermarks) { screen in
            DashScreen.tailOffsets(screen).contains { $0.partition == 0 && $0.offset >= high }
        }
        // Keys are still answered at once.
        try await DashScreen.toggleHelp(dash)
        try await dash.press("q")
        #expect(try await dash.waitForExit(timeout: DashTiming.quit) == 0)
    }

    @Test(arguments: BrokerKind.allCases)
    func fromTheBeginningPagesThroughEveryMessageInOrder(_ broker: BrokerKind) async throws {
        // 999: the pane's counts are exact below 1,000 ("1.0k" could hide a few missing).
        let count = 999
        let (dash, topic) = try await DashScreen.open(on: broker, topic: "dash-page", partitions: 1)
        defer { dash.close() }
        _ = try await Peer.produce((0..<count).map { PeerRecord(partition: 0, value: Data("m-\($0)".utf8)) }, topic: topic, to: broker)
        try await dash.waitFor("the tail following the end", timeout: DashTiming.firstScreen) { screen in
            DashScreen.tailStatus(screen)?.contains("following · from end") == true
        }

        try await dash.press("5", "b")
        // It starts at the oldest and goes at the pane's pace (250 a second), not straight to the end.
        let first = try await dash.waitFor("the first page from the beginning", timeout: DashTiming.watermarks) { screen in
            DashScreen.tailStatus(screen)?.contains("from beginning") == true && !DashScreen.tailOffsets(screen).isEmpty
        }
        let firstOffsets = DashScreen.tailOffsets(first).map(\.offset)
        #expect(firstOffsets.last! < 900, "paging jumped ahead: \(firstOffsets)")
        // Once the last message is in, the pane kept every one and sampled none; its rows are
        // consecutive offsets. (Conditions, not expectations, while paging: a capture can catch
        // the terminal half-way through drawing a frame.)
        let last = try await dash.waitFor("every message paged in, none left out", timeout: .seconds(60)) { screen in
            let rows = DashScreen.tailOffsets(screen)
            let status = DashScreen.tailStatus(screen) ?? ""
            return rows.last?.offset == count - 1 && Self.consecutive(rows)
                && status.contains("\(count) received, \(count) kept") && !status.contains("sampling") && !status.contains("skipped")
        }
        #expect(DashScreen.tailRow(last, partition: 0, offset: count - 1)?.contains("m-\(count - 1)") == true)
        // And the oldest are all there at the top of the scrollback, in order.
        try await dash.press("g")
        try await dash.waitFor("the first messages at the top", timeout: DashTiming.keyResponse) { screen in
            let rows = DashScreen.tailOffsets(screen)
            return rows.first?.offset == 0 && rows.count > 10 && Self.consecutive(rows)
                && DashScreen.tailRow(screen, partition: 0, offset: 0)?.contains("m-0") == true
        }
        try await dash.press("q")
        #expect(try await dash.waitForExit(timeout: DashTiming.quit) == 0)
    }
}

extension DashboardTailTests {
    static func consecutive(_ rows: [(partition: Int, offset: Int)]) -> Bool {
        zip(rows, rows.dropFirst()).allSatisfy { $1.partition == $0.partition && $1.offset == $0.offset + 1 }
    }
}

/// A broker of the test's own stopped and hung under the dashboard. noida, because it keeps its topics
/// across a restart (Tansu keeps them in memory).
@Suite struct DashboardBrokerOutageTests {
    @Test func statusSaysSoKeysKeepWorkingPanelsRecoverAndQuitIsPrompt() async throws {
        let broker = try await PrivateBroker.start(.noida)
        defer { broker.stop() }
        let (dash, topic) = try await DashScreen.open(address: broker.address, topic: "dash-outage")
        defer { dash.close() }
        try await dash.waitFor("partitions panel of \(topic)", timeout: DashTiming.firstScreen) { screen in
            DashScreen.cell(screen, column: "High", partition: 1) == "0" && DashScreen.brokerGlyph(screen) == "●"
        }

        // Stopped: the status line says the metadata refresh fails and why; the header shows the broker down.
        await broker.shutDown()
        // (The newest event holds the status line: the metadata poll's or the tail's, both say why.)
        try await dash.waitFor("the outage on the status line", timeout: DashTiming.watermarks) { screen in
            DashScreen.statusLine(screen).contains("no broker available: cannot connect to broker \(broker.address): connection refused")
        }
        // Shown down once the metadata poll fails too.
        try await dash.waitFor("the broker shown down", timeout: DashTiming.watermarks) { screen in
            DashScreen.brokerGlyph(screen) == "○"
        }
        // The UI answers keys meanwhile.
        try await DashScreen.toggleHelp(dash)

        // Back: the status line says so, the broker shows up again, and sends and watermarks go through.
        try await broker.start()
        try await dash.waitFor("recovery on the status line", timeout: DashTiming.watermarks) { screen in
            DashScreen.statusLine(screen).contains("metadata refresh recovered") && DashScreen.brokerGlyph(screen) == "●"
        }
        try await dash.press("4", "j", "e")
        try await dash.type("after the outage")
        try await dash.press("Enter", "j", "j", "e")
        try await dash.type("1")
        try await dash.press("Enter", "Enter")
        try await dash.waitFor("delivery after the outage", timeout: DashTiming.delivery) { screen in
            screen.contains { $0.contains("#1 delivered: ") }
        }
        try await dash.waitFor("watermarks and tail updated after the outage", timeout: DashTiming.watermarks) { screen in
            DashScreen.cell(screen, column: "High", partition: 1) == "1"
                && DashScreen.tailRow(screen, partition: 1, offset: 0)?.contains("after the outage") == true
        }

        // Hung (SIGSTOP): requests go unanswered. A message waits for its acknowledgement and the load
        // generator fills buffers, yet keys work, and q quits within the 2 s flush bound, not after the
        // delivery timeout.
        broker.pause()
        try await dash.press("Enter", "L")
        try await dash.waitFor("a send waiting on the hung broker", timeout: DashTiming.keyResponse) { screen in
            screen.contains { $0.contains("sending #2...") } && screen.contains { $0.contains("LOAD ON") }
        }
        try await DashScreen.toggleHelp(dash)
        let quitPressed = ContinuousClock.now
        try await dash.press("q")
        let status = try await dash.waitForExit(timeout: DashTiming.quit)
        let quitTook = ContinuousClock.now - quitPressed
        #expect(status == 0)
        #expect(quitTook < .milliseconds(DashTiming.deliveryTimeoutMillis / 2), "quitting took \(quitTook)")
        let modes = dash.terminalModes()
        #expect(modes.before != nil && modes.before == modes.after)
    }
}
