// The third server of `make test`: a librdkafka mock cluster of 3 brokers (Tests/Harness/mock_cluster.py),
// steered through its control channel. It lacks the admin APIs (CreateTopics, DeleteTopics, ListGroups,
// DescribeGroups, DescribeConfigs) and SASL, so tests create its topics here.

import Foundation
@testable import KafkaFast

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
    /// `environment`: the variable holding the control address (another cluster's, such as the
    /// secured ones of secure-servers.sh).
    static func control(_ command: String, _ arguments: [String: any Sendable] = [:],
                        environment: String = "KAFKA_FAST_MOCK_CONTROL") async throws -> [String: Any] {
        try await control(at: try TestEnvironment.value(environment), command, arguments)
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

    /// A 6-partition topic on the cluster whose control address is in `environment`, each of its
    /// 3 brokers leading two partitions (the mock would spread them at random), so every broker is dialled.
    static func createTopicLedByEveryBroker(_ name: String, environment: String) async throws {
        try await control("create_topic", ["topic": name, "partitions": 6, "replication": 3], environment: environment)
        for partition in 0..<6 {
            try await control("set_leader", ["topic": name, "partition": partition, "broker": partition % 3 + 1], environment: environment)
        }
    }
}

extension BrokerKind {
    /// How many brokers the server runs.
    var brokerCount: Int { self == .mock ? 3 : 1 }
    /// Whether it offers CreateTopics and DeleteTopics (the mock cluster does not).
    var hasTopicAdmin: Bool { self != .mock }
}

extension TestBrokers {
    /// One broker's "127.0.0.1:PORT": the server itself, or the mock cluster's first broker.
    static func firstAddress(_ broker: BrokerKind) throws -> String {
        try address(broker).split(separator: ",").first.map(String.init) ?? address(broker)
    }
}

/// Topics for tests: created with our own CreateTopics where the server has it, through the
/// control channel on the mock cluster (which lacks the API; its own tests expect our clear line).
enum TestTopics {
    /// With the library (`client.createTopic`), or the mock's control channel.
    static func create(_ name: String, partitions: some BinaryInteger, on broker: BrokerKind, using client: KafkaClient) async throws {
        if broker == .mock { return try await MockCluster.createTopic(name, partitions: Int(partitions)) }
        try await client.createTopic(name, partitions: Int32(partitions), replicationFactor: 1)
    }

    /// With the library (`client.deleteTopic`), or the mock's control channel.
    static func delete(_ name: String, on broker: BrokerKind, using client: KafkaClient) async throws {
        if broker == .mock { try await MockCluster.control("delete_topic", ["topic": name]); return }
        try await client.deleteTopic(name)
    }

    /// With `kfast create-topic` (which must succeed), or the mock's control channel.
    static func createWithCLI(_ name: String, partitions: Int, on broker: BrokerKind) async throws {
        if broker == .mock { return try await MockCluster.createTopic(name, partitions: partitions) }
        let created = try await Kfast.run(["create-topic", name, "-p", "\(partitions)", "-b", TestBrokers.address(broker)])
        guard created.status == 0 else {
            throw TestEnvironmentError(description: "kfast create-topic \(name) on \(broker) failed: \(created.stderr)")
        }
    }
}

/// The same control commands for a mock cluster of a test's own (`PrivateBroker.start(.mock, brokers:)`),
/// for tests that take brokers down: on the shared cluster that would hit every test running beside them.
extension PrivateBroker {
    func createTopic(_ name: String, partitions: Int, replication: Int = 3) async throws {
        try await controlMock("create_topic", ["topic=\(name)", "partitions=\(partitions)", "replication=\(replication)"])
    }

    func setLeader(_ topic: String, partition: Int, broker id: Int) async throws {
        try await controlMock("set_leader", ["topic=\(topic)", "partition=\(partition)", "broker=\(id)"])
    }

    func brokerDown(_ id: Int) async throws { try await controlMock("broker_down", ["broker=\(id)"]) }
    func brokerUp(_ id: Int) async throws { try await controlMock("broker_up", ["broker=\(id)"]) }
}
