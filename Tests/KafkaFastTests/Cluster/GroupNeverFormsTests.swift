import Foundation
import KafkaProtocol
import Testing

/// A group that cannot form must say so: `kfast consume -g` with -c or -e ends after
/// session.timeout.ms + request.timeout.ms with exit 1 and one line naming the coordinator and the reason, and the
/// warnings on stderr name them while it waits. Each case on a 3-broker cluster of its own.
@Suite(.serialized) struct GroupNeverFormsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// What the line must say besides the group and the bound.
        let reason: String
        let fault: @Sendable (PrivateBroker, _ topic: String, _ group: String) async throws -> Void
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "every JoinGroup refused", reason: "answered COORDINATOR_LOAD_IN_PROGRESS [14]") { cluster, _, _ in
            let codes = Array(repeating: "14", count: 300).joined(separator: ",")
            try await cluster.controlMock("push_errors", ["api_key=11", "codes=\(codes)"])
        },
        Case(name: "the coordinator never answers", reason: "no answer yet to JoinGroup to coordinator 2") { cluster, _, group in
            try await cluster.controlMock("set_coordinator", ["key=\(group)", "broker=2"])
            try await cluster.controlMock("broker_push_errors", ["broker=2", "api_key=11", "codes=0,", "rtt_ms=60000"])
        },
        Case(name: "the coordinator is down", reason: "cannot connect to broker 127.0.0.1:") { cluster, _, group in
            try await cluster.controlMock("set_coordinator", ["key=\(group)", "broker=3"])
            try await cluster.controlMock("broker_down", ["broker=3"])
        },
    ]

    @Test(arguments: cases)
    func consumeWithACountEndsWithTheReason(_ failure: Case) async throws {
        let (cluster, topic) = try await ClusterProduceTests.cluster()
        defer { cluster.stop() }
        let group = "g-" + topic
        try await failure.fault(cluster, topic, group)
        let start = ContinuousClock.now
        let result = try await Kfast.run([
            "consume", "-b", cluster.bootstrap, "-t", topic, "-g", group, "-c", "1",
            "-X", "session.timeout.ms=3000", "-X", "request.timeout.ms=2000", "-X", "socket.connection.setup.timeout.ms=1000",
        ], timeout: 60)
        let elapsed = ContinuousClock.now - start
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let last = try #require(lines.last)
        #expect(last.hasPrefix("kfast: group '\(group)' did not form within 5000 ms: "), "\(result.stderr)")
        #expect(last.contains(failure.reason), "\(last)")
        #expect(last.hasSuffix("(waited session.timeout.ms + request.timeout.ms)"))
        #expect(elapsed < .seconds(20), "gave up after \(elapsed), not about session.timeout.ms")
        #expect(result.stdout.isEmpty)
    }

    /// The same cluster, healthy: -e with a group reads every partition to its end and exits 0.
    @Test func consumeToTheEndWithAGroup() async throws {
        let (cluster, topic) = try await ClusterProduceTests.cluster()
        defer { cluster.stop() }
        let records = (0..<60).map { PeerRecord(partition: Int32($0 % ClusterProduceTests.partitions), value: Data("m\($0)".utf8)) }
        try #require(try await Peer.produce(records, topic: topic, address: cluster.bootstrap).errors.isEmpty)
        let result = try await Kfast.run([
            "consume", "-b", cluster.bootstrap, "-t", topic, "-g", "g-" + topic, "-e", "-f", "%s\\n",
            "-X", "auto.offset.reset=earliest", "-X", "session.timeout.ms=6000",
        ], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Set(result.stdout.split(separator: "\n").map(String.init)) == Set((0..<60).map { "m\($0)" }))
        #expect(result.stderr.hasSuffix("consumed 60 messages from \(topic) in group g-\(topic)\n"), "\(result.stderr)")
    }
}
