import Foundation
import KafkaProtocol
import NIOConcurrencyHelpers
import NIOCore
import Testing
@testable import KafkaFast

/// Reading from a cluster of three brokers while it changes under the reader: leaders moved,
/// a broker down and back up, fetch errors injected; and a group whose coordinator sits on
/// another broker than the leaders, moves, and answers with the errors coordinators answer.
@Suite(.serialized) struct ClusterConsumeTests {
    static let partitions = ClusterProduceTests.partitions

    /// A cluster whose topic holds `perPartition` messages "P:N" in every partition, written by
    /// confluent-kafka.
    static func filledCluster(perPartition: Int) async throws -> (PrivateBroker, String) {
        let (cluster, topic) = try await ClusterProduceTests.cluster()
        let records = (0..<perPartition * partitions).map { index in
            PeerRecord(partition: Int32(index % partitions), value: Data("\(index % partitions):\(index / partitions)".utf8))
        }
        let report = try await Peer.produce(records, topic: topic, address: cluster.bootstrap)
        try #require(report.errors.isEmpty, "\(report.errors.prefix(3))")
        return (cluster, topic)
    }

    /// Every partition's values "P:0" ... "P:n-1", once and in order.
    static func expectComplete(_ values: [Int32: [String]], perPartition: Int) {
        for partition in Int32(0)..<Int32(partitions) {
            let expected = (0..<perPartition).map { "\(partition):\($0)" }
            let got = values[partition] ?? []
            #expect(got == expected, "partition \(partition): \(got.count) of \(perPartition), first wrong at \(Array(zip(got, expected)).firstIndex { $0 != $1 } ?? min(got.count, expected.count))")
        }
    }

    @Test func aTailFollowsLeaderMovesABrokerOutageAndFetchErrors() async throws {
        let perPartition = 2_000
        let (cluster, topic) = try await Self.filledCluster(perPartition: perPartition)
        defer { cluster.stop() }
        // Small fetches, so the tail is still reading while the cluster changes.
        let consumer = try KafkaPartitionConsumer(config: KafkaConfiguration([
            "bootstrap.servers": cluster.bootstrap, "max.partition.fetch.bytes": "2000", "fetch.max.bytes": "6000",
            "retry.backoff.ms": "50", "retry.backoff.max.ms": "500", "topic.metadata.refresh.interval.ms": "1000",
            "request.timeout.ms": "5000",
        ]))
        defer { consumer.close() }
        let faults = Task {
            try await Task.sleep(nanoseconds: 100_000_000)
            for partition in 0..<Self.partitions {
                try await cluster.controlMock("set_leader", ["topic=\(topic)", "partition=\(partition)", "broker=\(1 + (partition + 1) % 3)"])
            }
            for code in [KafkaErrorCode.notLeaderOrFollower, .leaderNotAvailable, .unknownTopicOrPartition] {
                try await cluster.controlMock("push_errors", ["api_key=1", "codes=\(code.rawValue),\(code.rawValue)"])
            }
            try await cluster.controlMock("broker_down", ["broker=3"])
            try await Task.sleep(nanoseconds: 1_000_000_000)
            try await cluster.controlMock("broker_up", ["broker=3"])
        }
        var values: [Int32: [String]] = [:]
        for try await message in consumer.tail(topic: topic, from: .beginning, untilEnd: true) {
            values[message.partition, default: []].append(message.value.map { String(buffer: $0) } ?? "null")
        }
        try await faults.value
        Self.expectComplete(values, perPartition: perPartition)
    }

    /// Two members; the coordinator on broker 3 while the leaders are on 1 and 2, then moved to
    /// broker 1; JoinGroup, Heartbeat and OffsetCommit answer with the coordinator errors once
    /// each. Nothing is lost; what the group committed is every message, as librdkafka's
    /// committed() reads it. (A group with a librdkafka member on this cluster is
    /// `GroupInteropTests`.)
    @Test func aGroupSurvivesItsCoordinatorMovingAndCoordinatorErrors() async throws {
        let perPartition = 300
        let (cluster, topic) = try await Self.filledCluster(perPartition: perPartition)
        defer { cluster.stop() }
        let group = "g-" + topic
        for partition in 0..<Self.partitions {
            try await cluster.controlMock("set_leader", ["topic=\(topic)", "partition=\(partition)", "broker=\(1 + partition % 2)"])
        }
        try await cluster.controlMock("set_coordinator", ["key=\(group)", "broker=3"])
        for (api, code) in [(11, KafkaErrorCode.notCoordinator), (11, .coordinatorLoadInProgress),
                            (12, .rebalanceInProgress), (12, .notCoordinator), (8, .coordinatorLoadInProgress)] {
            try await cluster.controlMock("push_errors", ["api_key=\(api)", "codes=\(code.rawValue),"])
        }
        let config = try KafkaConfiguration([
            "bootstrap.servers": cluster.bootstrap, "session.timeout.ms": "6000", "heartbeat.interval.ms": "500",
            "auto.offset.reset": "earliest", "auto.commit.interval.ms": "500", "max.partition.fetch.bytes": "4000",
        ])
        let members = try (0..<2).map { _ in try KafkaGroupConsumer(group: group, topics: [topic], config: config) }
        let seen = NIOLockedValueBox<Set<String>>([])
        let runs = members.map { member in
            Task { try await member.run(workers: 2) { _, message in
                _ = seen.withLockedValue { $0.insert(message.value.map { String(buffer: $0) } ?? "null") }
            } }
        }
        for member in members { try await member.waitUntilAssigned(timeout: .seconds(60)) }
        try await Task.sleep(nanoseconds: 1_000_000_000)
        try await cluster.controlMock("set_coordinator", ["key=\(group)", "broker=1"])

        let admin = try KafkaClient(config: config)
        defer { admin.close() }
        let total = perPartition * Self.partitions
        var committed: [Int32: Int64] = [:]
        do {
            try await GroupInteropTests.waitFor("every message committed", seconds: 90) {
                committed = (try? await admin.committedOffsets(group: group, partitions: [topic: Array(0..<Int32(Self.partitions))]))?[topic] ?? [:]
                return committed.count == Self.partitions && committed.values.allSatisfy { $0 == Int64(perPartition) }
            }
        } catch {
            Issue.record("committed \(committed.sorted { $0.key < $1.key }); members: \(members.map(\.status)), \(members.map(\.assignment))")
            throw error
        }
        for member in members { await member.close() }
        for run in runs { _ = try? await run.value }

        let all = seen.withLockedValue { $0 }
        #expect(all.count == total, "\(total - all.count) messages never consumed")
        let theirs = try await Peer.committedOffsets(group: group, topic: topic, address: cluster.bootstrap)
        #expect(theirs.partitions.map(\.offset) == Array(repeating: Int64(perPartition), count: Self.partitions))
    }
}
