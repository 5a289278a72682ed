import Foundation
import KafkaFast
import Testing

/// How often an idle tail asks. Tansu and the mock hold an empty Fetch for fetch.wait.max.ms;
/// noida answers at once, so there the engine paces itself (it waits an eighth of the time since
/// data last came): it must neither spin nor stop asking.
@Suite(.serialized) struct FetchPacingTests {
    static func fetchRequests(_ client: KafkaClient) -> Int64 {
        client.connectionStats().filter { $0.purpose.isFetch }.reduce(0) { $0 + $1.stats.requests }
    }

    @Test(arguments: BrokerKind.allCases)
    func idleTailNeitherSpinsNorStops(_ broker: BrokerKind) async throws {
        let topic = uniqueTopicName("engine-idle")
        try await Peer.createTopic(topic, partitions: 1, on: broker)
        _ = try await Peer.produce([PeerRecord(partition: 0, value: Data("first".utf8))], topic: topic, to: broker)
        let client = try FetchEngineTests.client(try TestBrokers.address(broker))
        defer { client.close() }
        let engine = FetchEngine(client: client)
        defer { engine.close() }
        let tp = KafkaTopicPartition(topic, 0)
        engine.assign([tp: .beginning])
        #expect(try await FetchEngineTests.collect(engine) { ($0[tp]?.count ?? 0) >= 1 }[tp] == [0])

        // Half a second after the data, for three seconds: a spinning engine sends thousands of
        // Fetches (noida answers each in well under a millisecond), a paced one about twenty.
        try await Task.sleep(nanoseconds: 500_000_000)
        let before = Self.fetchRequests(client)
        try await Task.sleep(nanoseconds: 3_000_000_000)
        let idleRequests = Self.fetchRequests(client) - before
        #expect(idleRequests >= 1, "an idle tail still asks for new data")
        #expect(idleRequests <= 40, "an idle tail sent \(idleRequests) Fetches in 3 s")

        // Still asking: a message after the lull arrives.
        _ = try await Peer.produce([PeerRecord(partition: 0, value: Data("after the lull".utf8))], topic: topic, to: broker)
        #expect(try await FetchEngineTests.collect(engine, timeout: 15) { ($0[tp]?.count ?? 0) >= 1 }[tp] == [1])
    }
}
