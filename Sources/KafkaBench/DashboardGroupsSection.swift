import KafkaDashboard

/// The groups view's frame with a thousand consumer groups: what the UI thread does every refresh
/// while the list is on screen (issue 16: under 2 ms), and again when a new list arrives (about once
/// a second: filtered, sorted and its lags sampled).
extension Benchmarks {
    static let dashboardGroups = 1_000

    func dashboardGroups() -> [Measurement] {
        progress("measuring the groups view...")
        let reducer = DashboardReducer()
        let renderer = DashboardRenderer(theme: .builtinDefault)
        var state = DashboardState(size: Self.dashboardSize)
        var now: Int64 = 1_714_564_800_000
        state.nowMillis = now
        _ = reducer.reduce(&state, .cluster(ClusterSnapshot(clusterID: "bench", brokers: [.init(id: 1, address: "127.0.0.1:9092", state: .connected)], topics: (0..<20).map { topic in
            .init(name: "topic-\(topic)", partitions: (0..<8).map { .init(id: Int32($0), leader: 1, lowWatermark: 0, highWatermark: 1_000) })
        }), atMillis: now))
        // Sorted by lag, the costliest order to keep (every list re-sorts); a minute of history each.
        for key in [Key.character("6"), .character("L")] { _ = reducer.reduce(&state, .key(key)) }
        let snapshots = (0..<8).map { Self.groups(step: $0) }
        for second in 0..<60 {
            now += 1_000
            _ = reducer.reduce(&state, .groups(snapshots[second % snapshots.count], atMillis: now))
            _ = reducer.reduce(&state, .tick(nowMillis: now))
        }
        var shown = Canvas(columns: 0, rows: 0)
        var drawing = Canvas(columns: 0, rows: 0)
        renderer.render(state, into: &shown)
        var step = 0
        let frame = {
            step += 1
            now += 250
            _ = reducer.reduce(&state, .tick(nowMillis: now))
            renderer.render(state, into: &drawing)
            swap(&shown, &drawing)
        }
        let perFrame = harness.secondsPerIteration(frame)
        let withList = harness.secondsPerIteration {
            _ = reducer.reduce(&state, .groups(snapshots[step % snapshots.count], atMillis: now))
            frame()
        }
        let name = "frame, groups view, \(Self.dashboardGroups) groups, \(Self.dashboardSize.columns)x\(Self.dashboardSize.rows)"
        return [
            Measurement(group: "dashboard", name: name, value: perFrame * 1e3, unit: "ms", detail: [("goal <", 2)]),
            Measurement(group: "dashboard", name: name + " + new list", value: withList * 1e3, unit: "ms", detail: [("goal <", 2)]),
        ]
    }

    /// Groups whose lag changes from one list to the next (so the order changes too).
    private static func groups(step: Int) -> GroupsSnapshot {
        GroupsSnapshot(groups: (0..<dashboardGroups).map { index in
            GroupSummary(
                id: "group-\(index)", state: index % 7 == 0 ? "Empty" : "Stable", protocolName: "range",
                memberCount: index % 5, topics: ["topic-\(index % 20)"], committedTopics: ["topic-\(index % 20)"],
                totalLag: Int64((index * 7_919 + step * 104_729) % 100_000))
        })
    }
}
