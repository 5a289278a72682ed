import KafkaDashboard

/// The dashboard's frame on a 1,000-partition topic: what the UI thread does every refresh while the
/// producer works flat out. Goal (issue 5): under 2 ms per frame. The CPU share and key latency with a
/// real connector are measured by `kfast dash-bench` (run-bench.sh runs it against a broker).
extension Benchmarks {
    static let dashboardPartitions = 1_000
    static let dashboardSize = TerminalSize(columns: 200, rows: 60)

    func dashboard() -> [Measurement] {
        progress("measuring dashboard frames...")
        let topic = "bench"
        let reducer = DashboardReducer()
        let renderer = DashboardRenderer(theme: .builtinDefault)
        var state = DashboardState(size: Self.dashboardSize)
        var now: Int64 = 1_714_564_800_000
        state.nowMillis = now
        state.selectedTopic = topic
        _ = reducer.reduce(&state, .cluster(cluster(topic: topic, step: 0), atMillis: now))
        // The partitions pane focused and sorted by msg/s: the costliest view (every snapshot re-sorts).
        for key in [Key.character("2"), .character("R")] { _ = reducer.reduce(&state, .key(key)) }
        var shown = Canvas(columns: 0, rows: 0)
        var drawing = Canvas(columns: 0, rows: 0)
        renderer.render(state, into: &shown)
        // Built beforehand: making snapshots is the adapter's work on a background task, not the frame's.
        let snapshots = (1...8).map { producer(topic: topic, step: $0, nowMillis: now + Int64($0) * 250) }
        let clusters = (1...8).map { cluster(topic: topic, step: $0) }
        var step = 0
        var changedCells = 0
        var frames = 0

        // One refresh: a producer snapshot with new numbers for every partition, a tick, the render and
        // the diff against what is on screen (what the ncurses backend walks to find cells to write).
        let frame = {
            step += 1
            now += 250
            _ = reducer.reduce(&state, .producer(snapshots[step % snapshots.count]))
            _ = reducer.reduce(&state, .tick(nowMillis: now))
            renderer.render(state, into: &drawing)
            changedCells += Self.changedCells(drawing, shown)
            frames += 1
            swap(&shown, &drawing)
        }
        let perFrame = harness.secondsPerIteration(frame)
        let cellsPerFrame = Double(changedCells) / Double(max(1, frames))

        // Once a second a cluster snapshot (metadata and watermarks of every partition) comes too.
        let withCluster = harness.secondsPerIteration {
            _ = reducer.reduce(&state, .cluster(clusters[step % clusters.count], atMillis: now))
            frame()
        }
        let name = "frame, \(Self.dashboardPartitions) partitions, \(Self.dashboardSize.columns)x\(Self.dashboardSize.rows)"
        return [
            Measurement(group: "dashboard", name: name, value: perFrame * 1e3, unit: "ms",
                        detail: [("goal <", 2), ("changed cells", cellsPerFrame)]),
            Measurement(group: "dashboard", name: name + " + cluster snapshot", value: withCluster * 1e3, unit: "ms",
                        detail: [("goal <", 2)]),
        ]
    }

    private static func changedCells(_ canvas: Canvas, _ previous: Canvas) -> Int {
        guard canvas.columns == previous.columns, canvas.rows == previous.rows else { return canvas.cells.count }
        var changed = 0
        for index in canvas.cells.indices where canvas.cells[index] != previous.cells[index] { changed += 1 }
        return changed
    }

    private func cluster(topic: String, step: Int) -> ClusterSnapshot {
        ClusterSnapshot(
            clusterID: "bench", brokers: [.init(id: 1, address: "127.0.0.1:9092", state: .connected)],
            topics: [
                .init(name: topic, partitions: (0..<Self.dashboardPartitions).map { id in
                    .init(id: Int32(id), leader: 1, lowWatermark: 0, highWatermark: Int64(step * 1_000 + id))
                }),
            ])
    }

    /// Every partition busy, with rates that change from one refresh to the next (so rows re-sort).
    private func producer(topic: String, step: Int, nowMillis: Int64) -> ProducerSnapshot {
        var partitions: [TopicPartition: PartitionProducerStats] = [:]
        partitions.reserveCapacity(Self.dashboardPartitions)
        var total = Throughput.zero
        for id in 0..<Self.dashboardPartitions {
            let rate = Double((id * 7_919 + step * 104_729) % 5_000)
            let stats = PartitionProducerStats(
                bufferedMessages: (id * 31 + step) % 10_000, bufferedBytes: (id * 997 + step * 13) % 1_048_576,
                capacityMessages: 10_000, capacityBytes: 1_048_576, inFlightBatches: id % 5,
                sentMessages: Int64(step * 1_000 + id), ackedMessages: Int64(step * 1_000),
                throughput: Throughput(messagesPerSecond: rate, bytesPerSecond: rate * 200),
                ackLatencyP99Millis: Double(id % 50) / 3, retries: Int64(id % 3),
                lastError: id % 97 == 0 ? ErrorRecord(code: 6, name: "NOT_LEADER_OR_FOLLOWER", atMillis: nowMillis - 5_000) : nil)
            partitions[TopicPartition(topic, Int32(id))] = stats
            total.messagesPerSecond += rate
            total.bytesPerSecond += rate * 200
        }
        return ProducerSnapshot(partitions: partitions, total: total, errorCount: 10)
    }
}
