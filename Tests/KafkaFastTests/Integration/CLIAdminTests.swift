import Foundation
import Testing

/// `kfast topics|offsets|create-topic|delete-topic` as a user runs them, checked against
/// what confluent-kafka (librdkafka) reports for the same cluster.
@Suite struct CLIAdminTests {
    /// Produces `count` messages with confluent-kafka, spread over the partitions round-robin.
    func produceWithPeer(broker: String, topic: String, partitions: Int, count: Int) async throws {
        let lines = (0..<count).map { i in
            #"{"partition":\#(i % partitions),"key_b64":null,"value_b64":"\#(Data("m\(i)".utf8).base64EncodedString())","headers":[],"timestamp_ms":null}"#
        }.joined(separator: "\n")
        let result = try await Peer.run("peer_produce.py", args: ["--client", "confluent", "--bootstrap", broker, "--topic", topic, "--codec", "none", "--messages", "-"], stdin: lines)
        try #require(result.status == 0, "peer_produce failed: \(result.stderr)")
    }

    @Test(arguments: BrokerKind.allCases)
    func topicsJsonAgreesWithLibrdkafka(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("cli-topics")
        let created = try await Kfast.run(["create-topic", topic, "-p", "3", "-b", address])
        if broker.hasTopicAdmin {
            try #require(created.status == 0, "create-topic: \(created.stderr)")
        } else {
            // The mock cluster lacks CreateTopics: one line naming the API, exit 1; then its control channel.
            #expect(created.status == 1)
            #expect(created.stderr.hasPrefix("kfast: broker 127.0.0.1:"), "\(created.stderr)")
            #expect(created.stderr.hasSuffix(" does not support CreateTopics: no version in common (broker offers none)\n"))
            try await MockCluster.createTopic(topic, partitions: 3)
        }
        try await produceWithPeer(broker: address, topic: topic, partitions: 3, count: 10)

        let ours = try await Kfast.run(["topics", "-b", address, "-t", topic, "--json"])
        try #require(ours.status == 0, "kfast topics: \(ours.stderr)")
        let theirs = try await Peer.run("peer_metadata.py", args: ["--bootstrap", address, "--topic", topic])
        try #require(theirs.status == 0, "peer_metadata: \(theirs.stderr)")

        let ourJSON = try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as! [String: Any]
        let theirJSON = try JSONSerialization.jsonObject(with: Data(theirs.stdout.utf8)) as! [String: Any]
        #expect(Set(ourJSON.keys) == ["brokers", "topics"])
        #expect(NSDictionary(dictionary: ourJSON).isEqual(to: theirJSON), "ours: \(ours.stdout)\ntheirs: \(theirs.stdout)")
        let partitions = ((ourJSON["topics"] as! [[String: Any]]).first!["partitions"] as! [[String: Any]])
        #expect(partitions.count == 3)
        #expect(partitions.allSatisfy { ($0["high"] as! Int) > 0 }, "every partition received messages")
    }

    @Test(arguments: BrokerKind.allCases)
    func offsetsJsonAgreesWithLibrdkafka(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("cli-offsets")
        try await TestTopics.createWithCLI(topic, partitions: 2, on: broker)
        try await produceWithPeer(broker: address, topic: topic, partitions: 2, count: 7)

        let ours = try await Kfast.run(["offsets", "-b", address, "-t", topic, "--json"])
        try #require(ours.status == 0, "kfast offsets: \(ours.stderr)")
        let theirs = try await Peer.run("peer_metadata.py", args: ["--bootstrap", address, "--topic", topic])
        let ourJSON = try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as! [String: Any]
        let theirJSON = try JSONSerialization.jsonObject(with: Data(theirs.stdout.utf8)) as! [String: Any]
        #expect(ourJSON["topic"] as? String == topic)
        let ourMarks = (ourJSON["partitions"] as! [[String: Any]]).map { [$0["partition"] as! Int, $0["low"] as! Int, $0["high"] as! Int] }
        let theirMarks = ((theirJSON["topics"] as! [[String: Any]]).first!["partitions"] as! [[String: Any]])
            .map { [$0["partition"] as! Int, $0["low"] as! Int, $0["high"] as! Int] }
        #expect(ourMarks == theirMarks)

        let text = try await Kfast.run(["offsets", "-b", address, "-t", topic])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Topic \(topic): 2 partitions"))
    }

    @Test(arguments: BrokerKind.allCases)
    func deleteTopicRemovesIt(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("cli-delete")
        try await TestTopics.createWithCLI(topic, partitions: 1, on: broker)
        let deleted = try await Kfast.run(["delete-topic", topic, "-b", address])
        guard broker.hasTopicAdmin else {
            #expect(deleted.status == 1)
            #expect(deleted.stderr.hasSuffix(" does not support DeleteTopics: no version in common (broker offers none)\n"), "\(deleted.stderr)")
            return
        }
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let after = try await Kfast.run(["offsets", "-b", address, "-t", topic])
        #expect(after.status == 1)
        #expect(after.stderr == "kfast: unknown topic '\(topic)': it does not exist on the cluster\n")
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        let args: [String]
        let status: Int32
        let message: String
        var testDescription: String { args.joined(separator: " ") }
    }

    static let badInputs: [BadInput] = [
        BadInput(args: ["topics", "-b", "127.0.0.1:abc"], status: 2, message: "invalid broker address '127.0.0.1:abc'"),
        BadInput(args: ["topics"], status: 2, message: "no broker given"),
        BadInput(args: ["topics", "-b", "127.0.0.1:9", "-X", "nope=1"], status: 2, message: "unknown property 'nope'"),
        BadInput(args: ["offsets", "-b", "127.0.0.1:9"], status: 2, message: "Missing expected argument"),
        BadInput(args: ["create-topic", "x", "-p", "0", "-b", "127.0.0.1:9"], status: 2, message: "-p must be a positive"),
        BadInput(args: ["frobnicate"], status: 2, message: "frobnicate"),
    ]

    @Test(arguments: badInputs)
    func badInputIsOneLineAndAUsageExit(_ input: BadInput) async throws {
        let result = try await Kfast.run(input.args, environment: ["KAFKA_BROKERS": ""])
        #expect(result.status == input.status, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("kfast: "))
        #expect(result.stderr.contains(input.message), "stderr: \(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "one line: \(result.stderr)")
    }

    @Test func aDeadBrokerIsARuntimeErrorWithinTheTimeout() async throws {
        let port = try TestPorts.unusedPort()
        let start = Date()
        let result = try await Kfast.run(["topics", "-b", "127.0.0.1:\(port)"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("kfast: no broker available: cannot connect to broker 127.0.0.1:\(port)"), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
        #expect(Date().timeIntervalSince(start) < 15, "within the 10 s connect timeout, plus starting a process on a busy machine")
    }

    @Test(arguments: BrokerKind.allCases)
    func anUnknownTopicIsARuntimeError(_ broker: BrokerKind) async throws {
        let topic = uniqueTopicName("nope")
        let result = try await Kfast.run(["topics", "-b", try TestBrokers.address(broker), "-t", topic])
        #expect(result.status == 1)
        #expect(result.stderr == "kfast: unknown topic '\(topic)': it does not exist on the cluster\n")
    }
}
