import Foundation
import KafkaFast
import Testing

/// The fetch engine under a changing assignment, resets, bounded buffering and a broker restart.
@Suite(.serialized) struct FetchEngineTests {
    static func client(_ address: String, _ properties: [String: String] = [:]) throws -> KafkaClient {
        var config = try KafkaConfiguration(properties)
        config.bootstrapServers = try BrokerAddress.parseList(address)
        return try KafkaClient(config: config)
    }

    static func values(_ prefix: String, _ range: Range<Int>, partition: Int32) -> [PeerRecord] {
        range.map { PeerRecord(partition: partition, value: Data("\(prefix)-\($0)".utf8)) }
    }

    /// Polls until `done` says enough arrived, collecting offsets per partition; fails after `timeout`.
    static func collect(
        _ engine: FetchEngine, timeout: TimeInterval = 30, until done: ([KafkaTopicPartition: [Int64]]) -> Bool
    ) async throws -> [KafkaTopicPartition: [Int64]] {
        var seen: [KafkaTopicPartition: [Int64]] = [:]
        let deadline = Date().addingTimeInterval(timeout)
        while !done(seen) {
            guard Date() < deadline else { throw PeerError(description: "timed out with \(seen.mapValues(\.count))") }
            let chunk = try await withTimeout(seconds: deadline.timeIntervalSinceNow) { try await engine.poll() }
            guard let chunk = chunk ?? nil else { continue }
            seen[chunk.topicPartition, default: []] += chunk.messages.map(\.offset)
        }
        return seen
    }

    @Test(arguments: BrokerKind.allCases)
    func assignmentChangesWhileRunning(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("engine-assign")
        try await Peer.createTopic(topic, partitions: 4, on: broker)
        for partition in Int32(0)..<4 {
            _ = try await Peer.produce(Self.values("p\(partition)", 0..<100, partition: partition), topic: topic, to: broker)
        }
        let client = try Self.client(address)
        defer { client.close() }
        let engine = FetchEngine(client: client)
        defer { engine.close() }
        let (p0, p1, p2, p3) = (KafkaTopicPartition(topic, 0), KafkaTopicPartition(topic, 1), KafkaTopicPartition(topic, 2), KafkaTopicPartition(topic, 3))

        engine.assign([p0: .beginning, p1: .offset(40)])
        let first = try await Self.collect(engine) { ($0[p0]?.count ?? 0) >= 100 && ($0[p1]?.count ?? 0) >= 60 }
        #expect(first[p0] == Array(0..<100) && first[p1] == Array(40..<100))
        #expect(engine.position(of: p0) == 100 && engine.position(of: p1) == 100)
        #expect(engine.highWatermark(of: p1).map { $0 >= 1 } == true)

        let revoked = engine.revoke([p0])
        #expect(revoked == [p0: 100])
        engine.assign([p2: .offset(50), p3: .fromEnd(10)])
        _ = try await Peer.produce(Self.values("late", 0..<5, partition: 0) + Self.values("late", 0..<5, partition: 1), topic: topic, to: broker)
        let second = try await Self.collect(engine) {
            ($0[p1]?.count ?? 0) >= 5 && ($0[p2]?.count ?? 0) >= 50 && ($0[p3]?.count ?? 0) >= 10
        }
        #expect(second[p0] == nil, "a revoked partition delivers nothing")
        #expect(second[p1] == Array(100..<105))
        #expect(second[p2] == Array(50..<100))
        #expect(engine.assignment == [p1, p2, p3])
        #expect(engine.positions()[p2] == 100)
        #expect(engine.lag(of: p2) == 0)
    }

    @Test(arguments: BrokerKind.allCases)
    func outOfRangeFollowsAutoOffsetReset(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("engine-reset")
        try await Peer.createTopic(topic, partitions: 1, on: broker)
        _ = try await Peer.produce(Self.values("m", 0..<10, partition: 0), topic: topic, to: broker)
        let tp = KafkaTopicPartition(topic, 0)

        let earliestClient = try Self.client(address, ["auto.offset.reset": "earliest"])
        defer { earliestClient.close() }
        let earliest = FetchEngine(client: earliestClient)
        defer { earliest.close() }
        earliest.assign([tp: .offset(1_000)])
        #expect(try await Self.collect(earliest) { ($0[tp]?.count ?? 0) >= 10 }[tp] == Array(0..<10))

        let latestClient = try Self.client(address, ["auto.offset.reset": "latest"])
        defer { latestClient.close() }
        let latest = FetchEngine(client: latestClient)
        defer { latest.close() }
        latest.assign([tp: .offset(1_000)])
        // The reset moves the position to what ListOffsets calls the end (on Tansu that can be
        // below the real end: its watermark quirk), and messages produced afterwards arrive.
        let end = try await latestClient.listOffsets(topic: topic, spec: .latest)[0].offset
        let deadline = Date().addingTimeInterval(30)
        while latest.position(of: tp) != end && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        #expect(latest.position(of: tp) == end)
        _ = try await Peer.produce(Self.values("new", 0..<3, partition: 0), topic: topic, to: broker)
        #expect(try await Self.collect(latest) { ($0[tp]?.last ?? 0) >= 12 }[tp] == Array(end..<13))

        let errorClient = try Self.client(address, ["auto.offset.reset": "error"])
        defer { errorClient.close() }
        let failing = FetchEngine(client: errorClient)
        defer { failing.close() }
        failing.assign([tp: .offset(1_000)])
        await #expect(throws: KafkaError.self) { _ = try await Self.collect(failing) { _ in false } }
    }

    /// `fetch.connections.per.broker`: a broker's partitions are fetched over that many
    /// connections (one Fetch in flight on each), and every partition still arrives whole and in order.
    @Test(arguments: BrokerKind.allCases)
    func aBrokersPartitionsAreFetchedOverItsFetchConnections(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("engine-lanes")
        try await Peer.createTopic(topic, partitions: 8, on: broker)
        if broker == .mock {
            // One leader for all, so the count below is one broker's connections on every server.
            for partition in 0..<8 { try await MockCluster.setLeader(topic, partition: partition, broker: 1) }
        }
        let partitions = (Int32(0)..<8).map { KafkaTopicPartition(topic, $0) }
        for tp in partitions {
            _ = try await Peer.produce(Self.values("p\(tp.partition)", 0..<50, partition: tp.partition), topic: topic, to: broker)
        }
        for lanes in [1, 2, 3] {
            let client = try Self.client(address, ["fetch.connections.per.broker": "\(lanes)"])
            defer { client.close() }
            let engine = FetchEngine(client: client)
            defer { engine.close() }
            engine.assign(Dictionary(uniqueKeysWithValues: partitions.map { ($0, StartPosition.beginning) }))
            let seen = try await Self.collect(engine) { seen in partitions.allSatisfy { (seen[$0]?.count ?? 0) >= 50 } }
            for tp in partitions { #expect(seen[tp] == Array(0..<50), "\(lanes) connections, \(tp)") }
            let fetching = Set(client.connectionStats().filter { $0.purpose.isFetch }.map { "\($0.broker) \($0.purpose)" })
            #expect(fetching.count == lanes, "\(lanes) connections wanted, fetching on \(fetching.sorted())")
        }
    }

    /// A reader that does not read: the engine stops fetching while its buffer is full, so
    /// what is produced meanwhile is not fetched, then it delivers everything once the reader reads.
    @Test(arguments: BrokerKind.allCases)
    func aSlowReaderStopsTheFetching(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("engine-bounded")
        try await Peer.createTopic(topic, partitions: 1, on: broker)
        let value = Data(String(repeating: "v", count: 1_000).utf8)
        let batch = (0..<500).map { _ in PeerRecord(partition: 0, value: value) }
        for _ in 0..<2 { _ = try await Peer.produce(batch, topic: topic, to: broker) }
        let client = try Self.client(address, ["max.partition.fetch.bytes": "65536", "queued.max.messages.kbytes": "64",
                                               "fetch.wait.max.ms": "100"])
        defer { client.close() }
        let engine = FetchEngine(client: client)
        defer { engine.close() }
        let tp = KafkaTopicPartition(topic, 0)
        engine.assign([tp: .beginning])
        let deadline = Date().addingTimeInterval(30)
        while engine.bufferedBytes == 0 && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        let fetched = { client.connectionStats().filter { $0.purpose.isFetch }.reduce(Int64(0)) { $0 + $1.stats.bytesIn } }
        try await Task.sleep(nanoseconds: 500_000_000)
        let buffered = engine.bufferedBytes
        let fetchedBefore = fetched()
        for _ in 0..<2 { _ = try await Peer.produce(batch, topic: topic, to: broker) }
        try await Task.sleep(nanoseconds: 1_000_000_000)  // ten fetch.wait.max.ms periods
        #expect(buffered > 0)
        #expect(engine.bufferedBytes == buffered, "nothing more is buffered while the reader sleeps")
        #expect(fetched() == fetchedBefore, "no fetch goes out while the buffer is full")

        let all = try await Self.collect(engine) { ($0[tp]?.count ?? 0) >= 2_000 }
        #expect(all[tp] == Array(0..<2_000))
        #expect(engine.bufferedBytes == 0)
    }

    /// A tail of `topic` from its beginning by a consumer on `client` that skips ahead.
    static func skippingTail(
        _ client: KafkaClient, topic: String, _ skip: SkipAhead
    ) -> (KafkaPartitionConsumer, ConsumerChunks.Iterator) {
        var settings = client.config.consumer
        settings.skipAhead = skip
        let consumer = KafkaPartitionConsumer(client: client, settings: settings)
        return (consumer, consumer.tail(topic: topic, from: .beginning).chunks.makeAsyncIterator())
    }

    /// Reads chunks until offset `last` arrived: the offsets read, and the offsets skipped.
    static func read(
        _ chunks: inout ConsumerChunks.Iterator, through last: Int64
    ) async throws -> (offsets: [Int64], skipped: Int64) {
        var offsets: [Int64] = []
        var skipped: Int64 = 0
        while offsets.last ?? -1 < last {
            guard let chunk = try await chunks.next() else { throw PeerError(description: "the tail ended at \(offsets)") }
            skipped += chunk.skipped
            offsets += chunk.messages.map(\.offset)
        }
        return (offsets, skipped)
    }

    /// `skipAhead`, for readers that sample: far behind, a partition jumps to near its end and the
    /// next chunk says how many offsets it passed over; close behind, everything is read.
    @Test(.timeLimit(.minutes(2)), arguments: BrokerKind.allCases)
    func skipAheadJumpsToNearTheEndAndCountsWhatItPassed(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("engine-skip")
        try await Peer.createTopic(topic, partitions: 1, on: broker)
        _ = try await Peer.produce(Self.values("old", 0..<1_000, partition: 0), topic: topic, to: broker)
        let client = try Self.client(address, ["fetch.wait.max.ms": "100"])
        defer { client.close() }
        var (consumer, tail) = Self.skippingTail(client, topic: topic, SkipAhead(maxLag: 100, resumeLag: 10))
        defer { consumer.close() }
        func read(through last: Int64) async throws -> (offsets: [Int64], skipped: Int64) {
            try await Self.read(&tail, through: last)
        }

        // 1,000 behind at the start: the last 10 are read, 990 skipped.
        let first = try await read(through: 999)
        #expect(first.offsets == Array(990..<1_000))
        #expect(first.skipped == 990)
        // 50 behind is within maxLag: every one is read.
        _ = try await Peer.produce(Self.values("few", 0..<50, partition: 0), topic: topic, to: broker)
        let second = try await read(through: 1_049)
        #expect(second.offsets == Array(1_000..<1_050))
        #expect(second.skipped == 0)
        // 500 behind (or less, while they arrive): whatever is skipped plus what is read is every
        // offset, in order, ending with the newest 10.
        _ = try await Peer.produce(Self.values("many", 0..<500, partition: 0), topic: topic, to: broker)
        let third = try await read(through: 1_549)
        #expect(third.skipped > 0)
        #expect(Int64(third.offsets.count) + third.skipped == 500)
        #expect(third.offsets == third.offsets.sorted() && Array(third.offsets.suffix(10)) == Array(1_540..<1_550))
    }

    /// Far behind on a broker that ignores fetch byte limits (noida answers with everything from the
    /// fetch offset on), the skip happens before the fetch: an answer from the old position would
    /// be larger than receive.message.max.bytes, and the tail would never get anywhere.
    @Test(.timeLimit(.minutes(2)), arguments: BrokerKind.allCases)
    func skipAheadNeverFetchesFromFarBehind(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("engine-skip-far")
        try await Peer.createTopic(topic, partitions: 1, on: broker)
        // Ten batches of about 110 KB: 1.1 MB in all, far more than one 200 KB answer may hold.
        let value = Data(String(repeating: "v", count: 200).utf8)
        for _ in 0..<10 {
            _ = try await Peer.produce((0..<500).map { _ in PeerRecord(partition: 0, value: value) }, topic: topic, to: broker)
        }
        let client = try Self.client(address, [
            "fetch.wait.max.ms": "100", "receive.message.max.bytes": "200000",
            "fetch.max.bytes": "100000", "max.partition.fetch.bytes": "100000",
        ])
        defer { client.close() }
        var (consumer, tail) = Self.skippingTail(client, topic: topic, SkipAhead(maxLag: 100, resumeLag: 20))
        defer { consumer.close() }
        let (offsets, skipped) = try await Self.read(&tail, through: 4_999)
        // Read from near the end on (Tansu's ListOffsets end is where its last batch starts, so it
        // may read the end of the batch before and jump again), in order, ending with the newest.
        #expect(offsets == offsets.sorted() && Array(offsets.suffix(20)) == Array(4_980..<5_000), "\(offsets)")
        #expect(skipped + Int64(offsets.count) == 5_000)
        #expect(skipped >= 4_000, "read from \(offsets.first ?? -1)")
    }

    /// `.nearest(n)` starts each partition at n when its log holds it, else at its start or its end.
    @Test(.timeLimit(.minutes(2)), arguments: BrokerKind.allCases)
    func nearestStartsWithinWhatEachPartitionHolds(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("engine-nearest")
        try await Peer.createTopic(topic, partitions: 2, on: broker)
        _ = try await Peer.produce(Self.values("long", 0..<100, partition: 0) + Self.values("short", 0..<10, partition: 1),
                                   topic: topic, to: broker)
        let client = try Self.client(address, ["fetch.wait.max.ms": "100"])
        defer { client.close() }
        let consumer = KafkaPartitionConsumer(client: client)
        defer { consumer.close() }
        func offsets(from start: StartPosition) async throws -> [Int32: [Int64]] {
            var seen: [Int32: [Int64]] = [:]
            for try await message in consumer.tail(topic: topic, from: start, untilEnd: true) {
                seen[message.partition, default: []].append(message.offset)
            }
            return seen
        }
        // Where the log ends is what ListOffsets says (Tansu's end can be below the real one: its
        // watermark quirk); noida says 100 and 10, so partition 1 starts at its end and reads nothing.
        let ends = try await client.listOffsets(topic: topic, spec: .latest).reduce(into: [Int32: Int64]()) {
            $0[$1.partition] = $1.offset
        }
        let middle = try await offsets(from: .nearest(50))
        #expect(middle[0] ?? [] == Array(min(50, ends[0]!)..<100))
        #expect(middle[1] ?? [] == Array(min(50, ends[1]!)..<10))
        if broker == .noida { #expect(middle[1] == nil) }
        let before = try await offsets(from: .nearest(-5))
        #expect(before[0] == Array(0..<100) && before[1] == Array(0..<10))
    }

    /// An idle partition on a broker that answers an empty fetch at once (noida) must not make the
    /// engine ask again at once. It waits as long as an eighth of the time since data last came, so
    /// once the partition has been idle for 8 x fetch.wait.max.ms it is fetched about once per
    /// fetch.wait.max.ms, as when the broker holds the request; before that, more often but far
    /// from a spin (which would be thousands a second).
    @Test(arguments: BrokerKind.allCases)
    func anIdlePartitionIsFetchedAboutOncePerFetchWait(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("engine-idle")
        try await Peer.createTopic(topic, partitions: 1, on: broker)
        let client = try Self.client(address, ["fetch.wait.max.ms": "200"])
        defer { client.close() }
        let engine = FetchEngine(client: client)
        defer { engine.close() }
        engine.assign([KafkaTopicPartition(topic, 0): .end])
        let fetches = { client.connectionStats().filter { $0.purpose.isFetch }.reduce(Int64(0)) { $0 + $1.stats.requests } }
        let deadline = Date().addingTimeInterval(30)
        while fetches() == 0 && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        let before = fetches()
        try await Task.sleep(nanoseconds: 2_000_000_000)
        let settling = fetches() - before
        try await Task.sleep(nanoseconds: 2_000_000_000)
        let settled = fetches() - before - settling
        #expect(before > 0)
        #expect(settling <= 60, "\(settling) fetches in the first 2 s with fetch.wait.max.ms=200")
        #expect(settled >= 3 && settled <= 15, "\(settled) fetches in the next 2 s with fetch.wait.max.ms=200")
    }

    /// The leader goes away and comes back: the engine retries with backoff and resumes where it
    /// was. noida keeps its log across the restart, and the mock broker its log while it is down
    /// and up again, so nothing is missing or repeated; Tansu starts empty, so the position is
    /// past its new end and auto.offset.reset=earliest applies.
    @Test(arguments: BrokerKind.allCases)
    func resumesAfterTheBrokerRestarts(_ kind: BrokerKind) async throws {
        let broker = try await PrivateBroker.start(kind)
        defer { broker.stop() }  // already stopped, unless the test failed half-way
        let topic = uniqueTopicName("engine-restart")
        if kind == .mock {
            try await broker.controlMock("create_topic", ["topic=\(topic)", "partitions=2"])
        } else {
            _ = try await Peer.json(IgnoredJSON.self, "peer_admin.py", args: ["create-topic", topic, "--bootstrap", broker.address, "--partitions", "2"])
        }
        for partition in Int32(0)..<2 {
            _ = try await Peer.produce(Self.values("before", 0..<50, partition: partition), topic: topic, address: broker.address)
        }
        let client = try Self.client(broker.address, ["auto.offset.reset": "earliest", "fetch.wait.max.ms": "100"])
        defer { client.close() }
        let engine = FetchEngine(client: client)
        defer { engine.close() }
        let partitions = [KafkaTopicPartition(topic, 0), KafkaTopicPartition(topic, 1)]
        engine.assign(Dictionary(uniqueKeysWithValues: partitions.map { ($0, StartPosition.beginning) }))
        let before = try await Self.collect(engine) { seen in partitions.allSatisfy { (seen[$0]?.count ?? 0) >= 50 } }
        #expect(partitions.allSatisfy { before[$0] == Array(0..<50) })

        await broker.shutDown()
        try await Task.sleep(nanoseconds: 500_000_000)  // the engine sees the broker gone and backs off
        try await broker.start()
        if kind == .tansu {
            _ = try await Peer.json(IgnoredJSON.self, "peer_admin.py", args: ["create-topic", topic, "--bootstrap", broker.address, "--partitions", "2"])
        }
        for partition in Int32(0)..<2 {
            _ = try await Peer.produce(Self.values("after", 0..<20, partition: partition), topic: topic, address: broker.address)
        }
        let after = try await Self.collect(engine, timeout: 60) { seen in partitions.allSatisfy { (seen[$0]?.count ?? 0) >= 20 } }
        let expected: [Int64] = kind == .tansu ? Array(0..<20) : Array(50..<70)
        for tp in partitions { #expect(after[tp] == expected, "\(tp)") }
        await broker.shutDown()
    }
}

private struct IgnoredJSON: Decodable {}

/// Runs `body`, giving up after `seconds` (nil then).
func withTimeout<T: Sendable>(seconds: TimeInterval, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(max(seconds, 0) * 1e9))
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
