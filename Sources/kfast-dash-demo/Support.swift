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

/// Measures how long building one frame takes (reduce nothing, render everything) for the big topic,
/// with every partition carrying producer stats and a full minute of sparkline history.
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
        _ = reducer.reduce(&state, .key(.character("2")))  // focus partitions
        _ = reducer.reduce(&state, .key(.character("+")))  // zoomed: the most partition rows on screen
        let renderer = DashboardRenderer(theme: .builtinDefault)
        var canvas = Canvas(columns: columns, rows: rows)
        for _ in 0..<50 { renderer.render(state, into: &canvas) }  // warm up

        let clock = ContinuousClock()
        var durations: [Duration] = []
        durations.reserveCapacity(frames)
        for frame in 0..<frames {
            // Move the cursor so frames differ a little, as they do when someone is scrolling.
            _ = reducer.reduce(&state, .key(frame % 100 < 50 ? .down : .up))
            let start = clock.now
            renderer.render(state, into: &canvas)
            durations.append(clock.now - start)
        }
        durations.sort()
        func micros(_ d: Duration) -> Double {
            Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
        }
        let mean = durations.map(micros).reduce(0, +) / Double(frames)
        let partitionCount = state.partitionRows.count
        print("frame build, \(partitionCount) partitions, \(columns)x\(rows), \(frames) frames:")
        print("  mean \(Int(mean)) us, median \(Int(micros(durations[frames / 2]))) us, "
            + "p99 \(Int(micros(durations[frames * 99 / 100]))) us, max \(Int(micros(durations.last!))) us")
    }
}
