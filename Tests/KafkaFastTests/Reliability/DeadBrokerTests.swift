import Foundation
import Testing
import KafkaFast

/// `kfast bench` and `kfast produce` whose broker dies mid-run: they used to go on for hours
/// (each message that waited for room got a fresh `delivery.timeout.ms` once buffered, so a
/// full buffer timed out and refilled, over and over, printing nothing). Now they end after the
/// delivery timeout with the counts and the reason, exit 1.
@Suite(.serialized) struct DeadBrokerTests {
    static let properties = ["-X", "delivery.timeout.ms=4000", "-X", "queue.buffering.max.messages=20000",
                             "-X", "request.timeout.ms=2000", "-X", "socket.connection.setup.timeout.ms=1000"]

    /// Runs `arguments` against a private broker that is killed once the run has written to it; returns the run's output and how long it took after the kill.
    static func runUntilTheBrokerDies(_ arguments: (String, String) -> [String], stdin: String? = nil) async throws -> (Peer.Output, Duration) {
        let broker = try await PrivateBroker.start(.tansu)
        defer { broker.stop() }
        let topic = uniqueTopicName("dead-broker")
        try #require(try await Kfast.run(["create-topic", topic, "-p", "2", "-b", broker.address]).status == 0)
        let command = arguments(broker.address, topic)
        let run = Task { try await Kfast.run(command, stdin: stdin, timeout: 120) }
        // Killed once the run is writing (on a loaded machine kfast may take seconds to start).
        let client = try KafkaClient(bootstrap: broker.address)
        defer { client.close() }
        try await waitUntil("the run writing to \(topic)", seconds: 60) {
            let marks = (try? await client.listOffsets(topic: topic, spec: .latest)) ?? []
            return marks.contains { $0.offset > 0 }
        }
        await broker.shutDown()
        let killed = ContinuousClock.now
        let output = try await run.value
        return (output, ContinuousClock.now - killed)
    }

    @Test func benchEndsAfterTheDeliveryTimeout() async throws {
        let (result, took) = try await Self.runUntilTheBrokerDies { address, topic in
            ["bench", "-b", address, "-t", topic, "-n", "3000000", "-s", "100"] + Self.properties
        }
        #expect(result.status == 1, "\(result.stderr)")
        #expect(took < .seconds(30), "bench went on for \(took) after its broker died")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("kfast: delivered "), "\(result.stderr)")
        #expect(result.stderr.contains("not sent: messages were not acknowledged within delivery.timeout.ms (4000 ms)"), "\(result.stderr)")
        #expect(result.stderr.contains("last error: "), "the reason: \(result.stderr)")
    }

    @Test func produceEndsAfterTheDeliveryTimeout() async throws {
        let lines = (0..<1_500_000).map { "message \($0)" }.joined(separator: "\n")
        let (result, took) = try await Self.runUntilTheBrokerDies({ address, topic in
            ["produce", "-b", address, "-t", topic] + Self.properties
        }, stdin: lines)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(took < .seconds(30), "produce went on for \(took) after its broker died")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("stopped reading input: messages were not acknowledged within delivery.timeout.ms (4000 ms)"), "\(result.stderr)")
        #expect(result.stderr.contains("MSG_TIMED_OUT"), "\(result.stderr)")
        #expect(result.stderr.contains("last error: "), "the reason: \(result.stderr)")
    }
}
