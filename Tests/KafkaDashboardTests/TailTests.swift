import Testing

@testable import KafkaDashboard

@Suite struct TailTests {
    @Test func ringKeepsOnlyTheNewestAndCountsEverything() {
        var ring = RingBuffer<Int>(capacity: 3)
        ring.append(contentsOf: 1...5)
        #expect(Array(ring) == [3, 4, 5])
        #expect(ring.totalAppended == 5)
        #expect(ring.firstSequence == 2)
        #expect(ring.position(ofSequence: 1) == nil)
        #expect(ring.position(ofSequence: 4).map { ring[$0] } == 5)
    }

    @Test func scrollbackIsBounded() {
        var tail = TailState(capacity: 100, displayBudgetPerSecond: 1_000_000)
        for batch in 0..<50 {
            tail.ingest((0..<10).map { Fixtures.message(offset: Int64(batch * 10 + $0)) }, received: 10, nowMillis: 0)
        }
        #expect(tail.scrollback.count == 100)
        #expect(tail.scrollback.first?.offset == 400)
        #expect(tail.scrollback.last?.offset == 499)
        #expect(tail.receivedTotal == 500)
    }

    @Test func floodsAreSampledEvenlyAndReported() {
        var tail = TailState(capacity: 10_000, displayBudgetPerSecond: 100)
        let batch = (0..<1000).map { Fixtures.message(offset: Int64($0)) }
        tail.ingest(batch, received: 5000, nowMillis: 1000)
        #expect(tail.scrollback.count == 100)
        #expect(tail.scrollback.first?.offset == 0)
        #expect(tail.scrollback.last?.offset == 990)  // evenly spread over the whole batch
        #expect(tail.sampling.isSampling)
        #expect(tail.sampling.reported.passed == 5000)
        #expect(tail.sampling.reported.kept == 100)
        #expect(tail.sampling.oneIn == 50)
        // The next second has room again; a quiet second ends the notice.
        tail.ingest([Fixtures.message(offset: 5000)], received: 1, nowMillis: 2100)
        #expect(tail.sampling.isSampling)  // still reporting the last complete window
        tail.sampling.roll(nowMillis: 3200)
        #expect(!tail.sampling.isSampling)
    }

    /// A source following a flood skips most of it unread: the skip counts towards what the pane
    /// says it samples, and adds up over the tail, apart from what was read.
    @Test func skippedMessagesCountAsPassedOverButNotAsReceived() {
        var tail = TailState(capacity: 1000, displayBudgetPerSecond: 500)
        let batch = (0..<100).map { Fixtures.message(offset: Int64(10_000 + $0)) }
        tail.ingest(batch, received: 400, skipped: 9_600, nowMillis: 1000)
        #expect(tail.scrollback.count == 100, "within the pane's budget: everything handed over is kept")
        #expect(tail.receivedTotal == 400)
        #expect(tail.skippedTotal == 9_600)
        #expect(tail.sampling.isSampling)
        #expect(tail.sampling.reported.passed == 10_000 && tail.sampling.reported.kept == 100)
        #expect(tail.sampling.oneIn == 100)
        tail.ingest([Fixtures.message(offset: 20_000)], received: 1, skipped: 50, nowMillis: 1100)
        #expect(tail.skippedTotal == 9_650)
        // Nothing left out in a whole window: no longer sampling, but the skip total stays.
        tail.sampling.roll(nowMillis: 2200)
        tail.ingest([Fixtures.message(offset: 20_001)], received: 1, nowMillis: 2300)
        tail.sampling.roll(nowMillis: 3300)
        #expect(!tail.sampling.isSampling)
        #expect(tail.skippedTotal == 9_650)
    }

    @Test func evenSamplesSpreadOverTheWholeRange() {
        #expect(EvenSample.of(Array(0..<10), keeping: 5) == [0, 2, 4, 6, 8])
        #expect(EvenSample.of(Array(0..<10), keeping: 3) == [0, 3, 6])
        #expect(EvenSample.of(Array(0..<3), keeping: 5) == [0, 1, 2])
        #expect(EvenSample.of(Array(0..<3), keeping: 0) == [])
        #expect(EvenSample.of(Array(0..<10)[4...], keeping: 2) == [4, 7])
    }

    @Test func selectionStaysOnItsMessageAndGoingPastTheEndFollowsAgain() {
        var tail = TailState(capacity: 10, displayBudgetPerSecond: 1000)
        tail.ingest((0..<5).map { Fixtures.message(offset: Int64($0)) }, received: 5, nowMillis: 0)
        #expect(tail.isFollowing)
        tail.moveSelection(by: -2, visibleRows: 3)
        #expect(tail.selectedMessage?.offset == 2)
        tail.ingest((5..<8).map { Fixtures.message(offset: Int64($0)) }, received: 3, nowMillis: 0)
        #expect(tail.selectedMessage?.offset == 2)
        tail.moveSelection(by: 100, visibleRows: 3)
        #expect(tail.isFollowing)
        #expect(tail.selectedMessage?.offset == 7)
    }

    @Test func rateHistoryKeepsAMinuteOfOneSecondSamples() throws {
        var history = RateHistory()
        var producer = ProducerSnapshot()
        let partition = TopicPartition("t", 0)
        for second in 0..<90 {
            producer.partitions[partition] = PartitionProducerStats(
                throughput: Throughput(messagesPerSecond: Double(second)))
            history.sampleIfDue(nowMillis: Int64(second) * 1000, producer: producer)
            history.sampleIfDue(nowMillis: Int64(second) * 1000 + 500, producer: producer)  // not due yet
        }
        let samples = try #require(history.samples[partition])
        #expect(samples.count == 60)
        #expect(samples.sample(back: 0) == 89)
        #expect(samples.sample(back: 59) == 30)
    }
}
