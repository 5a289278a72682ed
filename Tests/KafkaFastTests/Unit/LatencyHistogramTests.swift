import Testing
@testable import KafkaFast

@Suite struct LatencyHistogramTests {
    @Test func emptyHasNoQuantiles() {
        #expect(LatencyHistogram().quantileNanoseconds(0.5) == nil)
    }

    @Test func quantilesAreWithinABucketOfTheTruth() throws {
        var histogram = LatencyHistogram()
        for ms in 1...100 { histogram.record(nanoseconds: Int64(ms) * 1_000_000) }
        let p50 = try #require(histogram.quantileMilliseconds(0.5))
        let p99 = try #require(histogram.quantileMilliseconds(0.99))
        #expect(abs(p50 - 50) <= 50 * 0.05)
        #expect(abs(p99 - 99) <= 99 * 0.05)
        #expect(histogram.quantileMilliseconds(1.0) == 100)
        #expect(histogram.count == 100)
    }

    @Test func mergeAddsCounts() {
        var a = LatencyHistogram()
        var b = LatencyHistogram()
        a.record(nanoseconds: 1_000)
        b.record(nanoseconds: 5_000_000)
        a.merge(b)
        #expect(a.count == 2)
        #expect(a.maxNanoseconds == 5_000_000)
    }
}
