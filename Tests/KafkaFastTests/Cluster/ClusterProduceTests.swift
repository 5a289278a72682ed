import Foundation
import Testing
@testable import KafkaFast

/// The connector on a cluster of three brokers (librdkafka's mock, one of the test's own so that
/// its faults hit nobody else): partitions led by different brokers, leaders moved while
/// producing, a broker down and back up, the errors a real cluster answers with injected, and a
/// slow network. Acceptance every time: confluent-kafka reads every message exactly once, each
/// key's messages in the order sent.
@Suite(.serialized) struct ClusterProduceTests {
    static let partitions = 6
    static let keys = 24

    static let properties = [
        "enable.idempotence": "true", "acks": "all", "linger.ms": "5",
        "retry.backoff.ms": "50", "retry.backoff.max.ms": "500", "request.timeout.ms": "5000",
        "socket.connection.setup.timeout.ms": "2000", "delivery.timeout.ms": "60000",
        "topic.metadata.refresh.interval.ms": "1000",
    ]

    /// A fresh 3-broker cluster with one 6-partition topic, leaders spread over the brokers.
    static func cluster() async throws -> (PrivateBroker, String) {
        let cluster = try await PrivateBroker.start(.mock, brokers: 3)
        let topic = uniqueTopicName("cluster")
        try await cluster.controlMock("create_topic", ["topic=\(topic)", "partitions=\(partitions)", "replication=3"])
        for partition in 0..<partitions {
            try await cluster.controlMock("set_leader", ["topic=\(topic)", "partition=\(partition)", "broker=\(1 + partition % 3)"])
        }
        return (cluster, topic)
    }

    /// "key-K" / "K:N": the N-th message of key K.
    static func message(_ index: Int) -> (key: String, value: String) {
        let key = index % keys
        return ("key-\(key)", "\(key):\(index / keys)")
    }

    /// Sends `count` keyed messages at about `perSecond`, running `during` once a third is out.
    static func produce(
        _ count: Int, perSecond: Int, to topic: String, on cluster: PrivateBroker,
        properties: [String: String] = properties, during: @Sendable @escaping () async throws -> Void = {}
    ) async throws -> KafkaProducer {
        let connector = try KafkaProducer(bootstrap: cluster.bootstrap, properties: properties)
        var fault: Task<Void, any Error>?
        let pause = UInt64(1_000_000_000 / max(perSecond / 100, 1))
        for index in 0..<count {
            let (key, value) = message(index)
            while connector.send(topic: topic, value: value, key: key) == .queueFull { await connector.waitForRoom() }
            if index == count / 3 { fault = Task { try await during() } }
            if index % 100 == 99 { try await Task.sleep(nanoseconds: pause) }
        }
        try await fault?.value
        await connector.flush()
        return connector
    }

    /// What confluent-kafka reads back: every message once, each key in order.
    static func expectEverythingOnceInOrder(_ count: Int, topic: String, on cluster: PrivateBroker) async throws {
        let records = try await Peer.consume(topic: topic, address: cluster.bootstrap, timeout: 60)
        var seen = Set<String>()
        var next: [String: Int] = [:]
        var duplicates = 0, outOfOrder = 0
        for record in records {
            let value = String(decoding: record.value ?? Data(), as: UTF8.self)
            if !seen.insert(value).inserted { duplicates += 1; continue }
            let parts = value.split(separator: ":")
            guard parts.count == 2, let sequence = Int(parts[1]) else { continue }
            let key = String(parts[0])
            if sequence != next[key, default: 0] { outOfOrder += 1 }
            next[key] = sequence + 1
        }
        let missing = (0..<count).map { message($0).value }.filter { !seen.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) of \(count) never arrived, e.g. \(missing.prefix(5))")
        #expect(duplicates == 0, "\(duplicates) messages arrived twice")
        #expect(outOfOrder == 0, "\(outOfOrder) messages arrived out of their key's order")
        #expect(records.count == count)
    }

    @Test func leadersOnDifferentBrokersMovedWhileProducing() async throws {
        let (cluster, topic) = try await Self.cluster()
        defer { cluster.stop() }
        let count = 12_000
        let connector = try await Self.produce(count, perSecond: 4_000, to: topic, on: cluster) {
            // Four moves, each partition's leader one broker on, a few hundred ms apart.
            for round in 1...4 {
                for partition in 0..<Self.partitions {
                    try await cluster.controlMock(
                        "set_leader", ["topic=\(topic)", "partition=\(partition)", "broker=\(1 + (partition + round) % 3)"])
                }
                try await Task.sleep(nanoseconds: 300_000_000)
            }
        }
        let metrics = connector.metrics()
        await connector.close()
        #expect(connector.deliveredCount == count && connector.failedCount == 0)
        let notLeader = metrics.partitions.reduce(0) { $0 + ($1.errorCounts[.notLeaderOrFollower] ?? 0) }
        #expect(notLeader > 0, "the moves were seen: produce requests reached a broker that no longer led")
        try await Self.expectEverythingOnceInOrder(count, topic: topic, on: cluster)
    }

    @Test func aBrokerDownAndBackUp() async throws {
        let (cluster, topic) = try await Self.cluster()
        defer { cluster.stop() }
        let count = 9_000
        let connector = try await Self.produce(count, perSecond: 3_000, to: topic, on: cluster) {
            try await cluster.controlMock("broker_down", ["broker=2"])
            try await Task.sleep(nanoseconds: 1_500_000_000)
            try await cluster.controlMock("broker_up", ["broker=2"])
        }
        await connector.close()
        #expect(connector.deliveredCount == count && connector.failedCount == 0)
        try await Self.expectEverythingOnceInOrder(count, topic: topic, on: cluster)
    }

    /// The retriable errors of a real cluster, answered to produce requests of every broker:
    /// each is retried (after a metadata refresh where the error says leadership changed).
    /// One request in flight per connection here: the mock refuses exactly the requests it is
    /// told to and does not check sequence numbers, so a later batch already in flight would be
    /// written ahead of a refused one, where Kafka refuses it (OUT_OF_ORDER_SEQUENCE_NUMBER) and
    /// the retry keeps the order. Real leader moves, pipelined, are the test above.
    @Test(arguments: [KafkaErrorCode.notLeaderOrFollower, .leaderNotAvailable, .unknownTopicOrPartition,
                      .notEnoughReplicas, .requestTimedOut])
    func injectedProduceErrorsAreRetried(_ code: KafkaErrorCode) async throws {
        let (cluster, topic) = try await Self.cluster()
        defer { cluster.stop() }
        let count = 3_000
        var properties = Self.properties
        properties["max.in.flight.requests.per.connection"] = "1"
        let connector = try await Self.produce(count, perSecond: 3_000, to: topic, on: cluster, properties: properties) {
            for broker in 1...3 {
                try await cluster.controlMock("broker_push_errors", [
                    "broker=\(broker)", "api_key=0", "codes=\(Array(repeating: code.rawValue, count: 3).map(String.init).joined(separator: ","))",
                ])
            }
        }
        let metrics = connector.metrics()
        await connector.close()
        #expect(connector.deliveredCount == count && connector.failedCount == 0)
        #expect(metrics.partitions.reduce(0) { $0 + ($1.errorCounts[code] ?? 0) } > 0, "\(code.name) was answered")
        try await Self.expectEverythingOnceInOrder(count, topic: topic, on: cluster)
    }

    /// 200 ms more on every answer of every broker: slower, and nothing times out or is lost.
    @Test func aSlowNetworkBreaksNoTimeout() async throws {
        let (cluster, topic) = try await Self.cluster()
        defer { cluster.stop() }
        try await cluster.controlMock("set_rtt", ["broker=-1", "ms=200"])
        let count = 3_000
        let connector = try await Self.produce(count, perSecond: 3_000, to: topic, on: cluster)
        let metrics = connector.metrics()
        await connector.close()
        #expect(connector.deliveredCount == count && connector.failedCount == 0)
        let errors = metrics.partitions.reduce(0) { $0 + $1.errorCounts.values.reduce(0, +) }
        #expect(errors == 0, "no request timed out or failed: \(metrics.partitions.map(\.errorCounts))")
        try await cluster.controlMock("set_rtt", ["broker=-1", "ms=0"])
        try await Self.expectEverythingOnceInOrder(count, topic: topic, on: cluster)
    }
}
