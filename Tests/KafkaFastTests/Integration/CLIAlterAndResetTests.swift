import Foundation
import Testing

/// `kfast alter-topic` and `kfast groups reset-offsets` as scripts run them (--json, --dry-run),
/// checked against what librdkafka then reads.
@Suite struct CLIAlterAndResetTests {
    func json(_ output: Peer.Output) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any], "\(output.stdout)\(output.stderr)")
    }

    func partitionCount(_ topic: String, on broker: BrokerKind) async throws -> Int? {
        try await Peer.metadata(of: broker, topic: topic).topics.first { $0.name == topic }?.partitions.count
    }

    @Test(arguments: BrokerKind.allCases)
    func alterTopicAddsPartitionsWhereTheBrokerCan(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("cli-alter")
        try await TestTopics.createWithCLI(topic, partitions: 2, on: broker)
        let usage = try await Kfast.run(["alter-topic", topic, "-p", "0", "-b", address])
        #expect(usage.status == 2 && usage.stderr.contains("--partitions must be a positive number"), "\(usage.stderr)")
        let fewer = try await Kfast.run(["alter-topic", topic, "-p", "1", "-b", address])
        #expect(fewer.status == 1 && fewer.stderr.contains("the new count must be larger"), "\(fewer.stderr)")

        let dryRun = try await Kfast.run(["alter-topic", topic, "-p", "4", "--dry-run", "--json", "-b", address])
        switch broker {
        case .noida:
            let answer = try json(dryRun)
            #expect(answer["partitions_before"] as? Int == 2 && answer["partitions_after"] as? Int == 4)
            #expect(answer["dry_run"] as? Bool == true)
            #expect(try await partitionCount(topic, on: broker) == 2, "a dry run changed the topic")
            let done = try await Kfast.run(["alter-topic", topic, "-p", "4", "-b", address])
            #expect(done.status == 0 && done.stdout == "raised topic '\(topic)' from 2 to 4 partitions\n", "\(done.stderr)")
            #expect(try await partitionCount(topic, on: broker) == 4)
        case .tansu, .mock:
            #expect(dryRun.status == 1 && dryRun.stderr.contains("does not support CreatePartitions"), "\(dryRun.stderr)")
            #expect(dryRun.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test(arguments: BrokerKind.allCases)
    func resetOffsetsOfAnEmptyGroupIsWhatLibrdkafkaReads(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("cli-reset")
        let group = "g-" + topic
        try await TestTopics.createWithCLI(topic, partitions: 2, on: broker)
        for index in 0..<6 {  // one request each, so Tansu's high watermark counts every message
            _ = try await Peer.produce([PeerRecord(partition: Int32(index % 2), value: Data("m\(index)".utf8))], topic: topic, to: broker)
        }
        func committed() async throws -> [Int64?] {
            try await Peer.committedOffsets(group: group, topic: topic, on: broker).partitions.map(\.offset)
        }
        let base = ["groups", "reset-offsets", group, "-b", address]
        guard broker != .mock else {
            // Kafka resets only an empty group; the mock cannot describe a group, so none is reset.
            let refused = try await Kfast.run(base + ["--topic", topic, "--to-offset", "2", "--dry-run"])
            #expect(refused.status == 1)
            #expect(refused.stderr.hasSuffix(" does not support DescribeGroups: no version in common (broker offers none)\n"), "\(refused.stderr)")
            return
        }

        let preview = try await Kfast.run(base + ["--topic", topic, "--to-offset", "2", "--dry-run", "--json"])
        let plan = try json(preview)
        #expect(plan["dry_run"] as? Bool == true && plan["target"] as? String == "offset 2")
        let entries = try #require(plan["partitions"] as? [[String: Any]])
        #expect(entries.map { $0["partition"] as? Int } == [0, 1])
        #expect(entries.allSatisfy { $0["current"] is NSNull && $0["new"] as? Int == 2 })
        #expect(try await committed() == [nil, nil], "a dry run committed")

        let applied = try await Kfast.run(base + ["--topic", topic, "--to-offset", "2"])
        #expect(applied.status == 0 && applied.stdout.hasPrefix("Reset group \(group) to offset 2 (2 partitions)"), "\(applied.stderr)")
        #expect(try await committed() == [2, 2])

        let earliest = try await Kfast.run(base + ["--all-topics", "--to-earliest", "--json"])
        #expect((try json(earliest)["partitions"] as? [[String: Any]])?.compactMap { $0["current"] as? Int } == [2, 2])
        #expect(try await committed() == [0, 0])
        #expect(try await Kfast.run(base + ["--all-topics", "--to-datetime=-1h"]).status == 0)
        #expect(try await committed() == [0, 0])  // every message is newer than an hour ago

        let noTarget = try await Kfast.run(base + ["--topic", topic])
        #expect(noTarget.status == 2 && noTarget.stderr.contains("give exactly one of --to-earliest"))
        let badTime = try await Kfast.run(base + ["--topic", topic, "--to-datetime", "yesterday-ish"])
        #expect(badTime.status == 2 && badTime.stderr.contains("--to-datetime yesterday-ish: not a time"))
        // The listing still works as before, with and without the subcommand's name.
        let listed = try await Kfast.run(["groups", group, "-b", address])
        #expect(listed.status == 0 && listed.stdout.contains("Group \(group): state"), "\(listed.stderr)")
    }
}
