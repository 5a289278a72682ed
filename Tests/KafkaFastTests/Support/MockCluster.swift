// The third server of `make test`: a librdkafka mock cluster of 3 brokers (Tests/Harness/mock_cluster.py),
// steered through its control channel. It lacks the admin APIs (CreateTopics, DeleteTopics, ListGroups,
// DescribeGroups, DescribeConfigs) and SASL, so tests create its topics here.

import Foundation

enum MockCluster {
    /// The cluster's bootstrap list, "127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3".
    static func bootstrap() throws -> String { try TestEnvironment.value("KAFKA_FAST_MOCK") }

    /// Each broker's "127.0.0.1:PORT", in broker id order (ids start at 1).
    static func brokerAddresses() throws -> [String] {
        try bootstrap().split(separator: ",").map(String.init)
    }

    /// Sends one control command; throws with the cluster's own reason when it is refused.
    /// Integer and list values are sent as JSON numbers and arrays.
    @discardableResult
    static func control(_ command: String, _ arguments: [String: any Sendable] = [:]) async throws -> [String: Any] {
        try await control(at: try TestEnvironment.value("KAFKA_FAST_MOCK_CONTROL"), command, arguments)
    }

    /// `control` for the cluster whose control channel is at `address` (a private one).
    @discardableResult
    static func control(at address: String, _ command: String, _ arguments: [String: any Sendable] = [:]) async throws -> [String: Any] {
        var words = [try TestEnvironment.harnessDirectory() + "/mock_cluster.py", "ctl", address, command]
        for (name, value) in arguments.sorted(by: { $0.key < $1.key }) {
            if let list = value as? [Int] {
                words.append("\(name)=\(list.map(String.init).joined(separator: ","))" + (list.count == 1 ? "," : ""))
            } else {
                words.append("\(name)=\(value)")
            }
        }
        let result = try await Peer.execute(try TestEnvironment.python(), arguments: words, stdin: nil, timeout: 30)
        let answer = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any]
        guard result.status == 0, let answer, answer["ok"] as? Bool == true else {
            throw TestEnvironmentError(
                description: "mock cluster \(command) \(arguments) failed: \(result.stdout)\(result.stderr)")
        }
        return answer
    }

    /// Creates a topic with every partition replicated on `replication` brokers; the mock spreads leaders.
    static func createTopic(_ name: String, partitions: Int, replication: Int = 3) async throws {
        try await control("create_topic", ["topic": name, "partitions": partitions, "replication": replication])
    }

    /// Moves a partition's leadership to broker `id` (-1: no leader).
    static func setLeader(_ topic: String, partition: Int, broker id: Int) async throws {
        try await control("set_leader", ["topic": topic, "partition": partition, "broker": id])
    }

    /// Closes broker `id`'s connections and refuses new ones (leaders stay where they are).
    static func brokerDown(_ id: Int) async throws { try await control("broker_down", ["broker": id]) }
    static func brokerUp(_ id: Int) async throws { try await control("broker_up", ["broker": id]) }

    /// Adds `ms` to every answer of broker `id` (-1: every broker).
    static func setRoundTripTime(broker id: Int, ms: Int) async throws {
        try await control("set_rtt", ["broker": id, "ms": ms])
    }

    /// The cluster's next requests of `apiKey` fail with `codes`, one each, in order.
    static func pushErrors(apiKey: Int, codes: [Int]) async throws {
        try await control("push_errors", ["api_key": apiKey, "codes": codes])
    }

    /// Broker `id`'s next requests of `apiKey` fail with `codes`, each answered after `rttMs`.
    static func pushErrors(broker id: Int, apiKey: Int, codes: [Int], rttMs: Int = 0) async throws {
        try await control("broker_push_errors", ["broker": id, "api_key": apiKey, "codes": codes, "rtt_ms": rttMs])
    }

    static func clearErrors(apiKey: Int) async throws { try await control("clear_errors", ["api_key": apiKey]) }

    /// Makes broker `id` the coordinator of `group`.
    static func setCoordinator(group: String, broker id: Int) async throws {
        try await control("set_coordinator", ["key": group, "broker": id])
    }
}
