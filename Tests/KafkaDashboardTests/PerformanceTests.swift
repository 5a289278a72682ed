import Testing

@testable import KafkaDashboard

/// The frame budget is well under 2 ms in release for a 1,000-partition topic; in a debug test build
/// this only guards against frames that grow with the partition count instead of the screen size.
@Suite struct PerformanceTests {
    @Test func frameCostDoesNotGrowWithThePartitionCount() {
        func averageMicros(partitions: Int) -> Double {
            var state = Fixtures.state(columns: 200, rows: 60)
            state.apply(.cluster(Fixtures.cluster(bigTopicPartitions: partitions), atMillis: Fixtures.now))
            state.press(.character("g"), .character("2"), .character("+"))
            var canvas = Canvas(columns: 200, rows: 60)
            let renderer = DashboardRenderer(theme: .builtinDefault)
            renderer.render(state, into: &canvas)
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<20 { renderer.render(state, into: &canvas) }
            let elapsed = clock.now - start
            return Double(elapsed.components.attoseconds) / 1e12 / 20 + Double(elapsed.components.seconds) * 1e6 / 20
        }
        let small = averageMicros(partitions: 100)
        let large = averageMicros(partitions: 20_000)
        #expect(large < small * 3 + 2000, "100 partitions: \(small) us, 20,000 partitions: \(large) us")
    }
}
