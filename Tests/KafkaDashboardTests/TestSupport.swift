@testable import KafkaDashboard

/// Small, fully specified inputs so tests can say exactly what the screen must show.
enum Fixtures {
    static let now: Int64 = 1_714_564_800_000  // 2024-05-01 12:00:00 UTC

    static func cluster(bigTopicPartitions: Int = 3) -> ClusterSnapshot {
        ClusterSnapshot(
            clusterID: "test-cluster",
            brokers: [
                .init(id: 1, address: "127.0.0.1:9092", state: .connected),
                .init(id: 2, address: "127.0.0.1:9093", state: .disconnected),
            ],
            topics: [
                .init(name: "orders", partitions: [
                    .init(id: 0, leader: 1, lowWatermark: 0, highWatermark: 100),
                    .init(id: 1, leader: 2, lowWatermark: 10, highWatermark: 510),
                    .init(id: 2, leader: -1, lowWatermark: 0, highWatermark: 40),
                ]),
                .init(name: "payments", partitions: [.init(id: 0, leader: 1, lowWatermark: 5, highWatermark: 7)]),
                .init(name: "__consumer_offsets", isInternal: true, partitions: [
                    .init(id: 0, leader: 1, lowWatermark: 0, highWatermark: 3),
                ]),
                .init(name: "big", partitions: (0..<bigTopicPartitions).map {
                    .init(id: Int32($0), leader: 1, lowWatermark: 0, highWatermark: Int64($0) * 10)
                }),
            ])
    }

    static func producer() -> ProducerSnapshot {
        ProducerSnapshot(
            partitions: [
                TopicPartition("orders", 0): PartitionProducerStats(
                    bufferedMessages: 900, bufferedBytes: 1000, capacityMessages: 1000, capacityBytes: 1_000_000,
                    inFlightBatches: 2, throughput: Throughput(messagesPerSecond: 50, bytesPerSecond: 5000),
                    ackLatencyP99Millis: 12, retries: 0),
                TopicPartition("orders", 1): PartitionProducerStats(
                    bufferedMessages: 100, capacityMessages: 1000, inFlightBatches: 1,
                    throughput: Throughput(messagesPerSecond: 500, bytesPerSecond: 50_000),
                    ackLatencyP99Millis: 3, retries: 4,
                    lastError: ErrorRecord(code: 6, name: "NOT_LEADER_OR_FOLLOWER", atMillis: now - 12_000)),
                TopicPartition("orders", 2): PartitionProducerStats(
                    capacityMessages: 1000, throughput: Throughput(messagesPerSecond: 5, bytesPerSecond: 500)),
            ],
            total: Throughput(messagesPerSecond: 555, bytesPerSecond: 55_500), errorCount: 2)
    }

    /// A state that has seen the fixtures, with "orders" selected.
    static func state(columns: Int = 120, rows: Int = 40, tailCapacity: Int = 10_000) -> DashboardState {
        var state = DashboardState(size: TerminalSize(columns: columns, rows: rows), tailCapacity: tailCapacity)
        state.nowMillis = now
        state.selectedTopic = "orders"
        let reducer = DashboardReducer()
        _ = reducer.reduce(&state, .cluster(cluster(), atMillis: now))
        _ = reducer.reduce(&state, .producer(producer()))
        _ = reducer.reduce(&state, .tick(nowMillis: now))
        return state
    }

    static func message(
        partition: Int32 = 0, offset: Int64, key: String? = "k", value: String? = "v", topic: String = "orders"
    ) -> ConsumedMessage {
        ConsumedMessage(
            topic: topic, partition: partition, offset: offset, timestampMillis: now,
            key: key.map { Array($0.utf8) }, value: value.map { Array($0.utf8) })
    }
}

/// Renders a state the way the app does, for checks on the text and the styles.
func render(_ state: DashboardState, theme: Theme = .builtinDefault, glyphs: Glyphs = .unicode) -> Canvas {
    var canvas = Canvas(columns: state.size.columns, rows: state.size.rows, glyphs: glyphs)
    DashboardRenderer(theme: theme).render(state, into: &canvas)
    return canvas
}

extension DashboardState {
    /// Applies events in order and returns every effect they asked for.
    @discardableResult
    mutating func apply(_ events: DashboardEvent...) -> [DashboardEffect] {
        let reducer = DashboardReducer()
        return events.flatMap { reducer.reduce(&self, $0) }
    }

    @discardableResult
    mutating func press(_ keys: Key...) -> [DashboardEffect] {
        let reducer = DashboardReducer()
        return keys.flatMap { reducer.reduce(&self, .key($0)) }
    }

    @discardableResult
    mutating func type(_ text: String) -> [DashboardEffect] {
        let reducer = DashboardReducer()
        return text.flatMap { reducer.reduce(&self, .key(.character($0))) }
    }
}

extension Canvas {
    /// All rendered lines joined, for "somewhere on screen" checks.
    var screenText: String { renderedText().joined(separator: "\n") }

    /// The first row containing `needle`.
    func rowIndex(containing needle: String) -> Int? {
        renderedText().firstIndex { $0.contains(needle) }
    }
}

extension Canvas {
    /// The text of a right-aligned column, read in the first row containing `rowNeedle` under the
    /// first header row containing `header` (characters are one cell wide in these tests).
    func cell(header: String, row rowNeedle: String) -> String? {
        let lines = renderedText().map { Array($0) }
        let needle = Array(header)
        for line in lines {
            guard let start = (0...max(0, line.count - needle.count)).first(where: {
                $0 + needle.count <= line.count && Array(line[$0..<($0 + needle.count)]) == needle
            }) else { continue }
            let end = start + needle.count
            guard let row = lines.first(where: { String($0).contains(rowNeedle) && !String($0).contains(header) }),
                row.count >= end
            else { return nil }
            var from = end
            while from > 0, row[from - 1] != " ", row[from - 1] != "│" { from -= 1 }
            return String(row[from..<end])
        }
        return nil
    }
}
