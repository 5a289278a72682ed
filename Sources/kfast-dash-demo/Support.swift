import KafkaDashboard

#if canImport(Glibc)
    import Glibc
#endif

enum StandardError {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        _ = Glibc.write(2, &bytes, bytes.count)
    }
}

/// Measures how long building one frame takes (render only: state + theme -> canvas) for the big topic,
/// with every partition carrying producer stats and a full minute of sparkline history. Two scenes: the
/// partitions panel zoomed (the most partition rows on screen), and the whole dashboard with a full
/// 10,000-message tail shown as JSON.
enum FrameBenchmark {
    static func run(settings: SyntheticDataSource.Settings, columns: Int, rows: Int, frames: Int) async {
        let source = SyntheticDataSource(settings: settings)
        let reducer = DashboardReducer()
        var state = DashboardState(size: TerminalSize(columns: columns, rows: rows))
        state.selectedTopic = "clickstream"
        let cluster = try! await source.clusterSnapshot()
        _ = reducer.reduce(&state, .cluster(cluster, atMillis: 0))
        _ = reducer.reduce(&state, .producer(await source.producerSnapshot()))
        _ = reducer.reduce(&state, .consumer(await source.consumerSnapshot()))
        for second in 0..<61 { _ = reducer.reduce(&state, .tick(nowMillis: Int64(second) * 1000)) }

        var zoomed = state
        _ = reducer.reduce(&zoomed, .key(.character("2")))
        _ = reducer.reduce(&zoomed, .key(.character("+")))
        measure("partitions zoomed", zoomed, reducer: reducer, frames: frames, scrollKeys: true)

        var whole = state
        var tail: [ConsumedMessage] = []
        do {
            for try await batch in source.tail(whole.tail.request!) {
                tail += batch
                if tail.count >= 10_000 { break }
            }
        } catch {
            print("synthetic tail failed: \(error)")
        }
        whole.tail.displayBudgetPerSecond = Int.max
        _ = reducer.reduce(&whole, .consumed(generation: whole.tail.request!.generation, messages: tail,
                                             received: tail.count))
        _ = reducer.reduce(&whole, .key(.character("2")))
        _ = reducer.reduce(&whole, .key(.character("5")))
        _ = reducer.reduce(&whole, .key(.character("v")))
        _ = reducer.reduce(&whole, .key(.character("v")))  // JSON values
        _ = reducer.reduce(&whole, .key(.character("2")))
        measure("whole dashboard, \(whole.tail.scrollback.count)-message tail as JSON", whole, reducer: reducer,
                frames: frames, scrollKeys: true)
    }

    private static func measure(
        _ scene: String, _ initial: DashboardState, reducer: DashboardReducer, frames: Int, scrollKeys: Bool
    ) {
        var state = initial
        let renderer = DashboardRenderer(theme: .builtinDefault)
        var canvas = Canvas(columns: state.size.columns, rows: state.size.rows)
        for _ in 0..<50 { renderer.render(state, into: &canvas) }  // warm up

        let clock = ContinuousClock()
        var durations: [Duration] = []
        durations.reserveCapacity(frames)
        for frame in 0..<frames {
            // Move the cursor so frames differ a little, as they do when someone is scrolling.
            if scrollKeys { _ = reducer.reduce(&state, .key(frame % 100 < 50 ? .down : .up)) }
            let start = clock.now
            renderer.render(state, into: &canvas)
            durations.append(clock.now - start)
        }
        durations.sort()
        func micros(_ d: Duration) -> Double {
            Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
        }
        let mean = durations.map(micros).reduce(0, +) / Double(frames)
        print("\(scene): \(state.partitionRows.count) partitions, \(state.size.columns)x\(state.size.rows), \(frames) frames")
        print("  mean \(Int(mean)) us, median \(Int(micros(durations[frames / 2]))) us, "
            + "p99 \(Int(micros(durations[frames * 99 / 100]))) us, max \(Int(micros(durations.last!))) us")
    }
}
