import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `kfast groups`, `kfast offsets -g`, `kfast consume -g --threads` and `kfast example
/// hello-world` as a user runs them.
@Suite struct CLIGroupTests {
    static let fastGroup = ["-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=1000", "-X", "auto.offset.reset=earliest"]

    @Test(arguments: BrokerKind.allCases)
    func unknownGroupIsOneClearLine(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("cli-nogroup")
        try await TestTopics.createWithCLI(topic, partitions: 2, on: broker)
        let group = "no-such-group-" + topic
        let expected = "kfast: unknown group '\(group)': no consumer group of that name exists on the cluster\n"
        let described = try await Kfast.run(["groups", group, "-b", address])
        let offsets = try await Kfast.run(["offsets", "-t", topic, "-g", group, "-b", address])
        #expect(described.status == 1)
        guard broker != .mock else {
            // No DescribeGroups on the mock cluster: `groups` says so; `offsets -g` shows that
            // nothing is committed, which is all the cluster can tell.
            #expect(described.stderr.hasSuffix(" does not support DescribeGroups: no version in common (broker offers none)\n"))
            #expect(offsets.status == 0, "\(offsets.stderr)")
            #expect(offsets.stdout.hasPrefix("Topic \(topic), group \(group): nothing committed\n"))
            return
        }
        #expect(described.stderr == expected)
        #expect(offsets.status == 1)
        #expect(offsets.stderr == expected)
    }

    /// Three workers of one member share 6 partitions; every message printed once with its
    /// worker, the group commits all of them, and `offsets -g` and `groups` report it.
    @Test(arguments: BrokerKind.allCases)
    func consumeWithThreadsPrintsTheWorkerAndCommits(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("cli-group")
        let group = "g-" + topic
        try await TestTopics.createWithCLI(topic, partitions: 6, on: broker)
        let values = (0..<60).map { "v\($0)" }
        let records = values.enumerated().map { PeerRecord(partition: Int32($0.offset % 6), value: Data($0.element.utf8)) }
        try #require(try await Peer.produce(records, topic: topic, to: broker).errors.isEmpty)

        let consumed = try await Kfast.run(["consume", "-t", topic, "-b", address, "-g", group, "--threads", "3", "-c", "60"] + Self.fastGroup, timeout: 120)
        #expect(consumed.status == 0, "\(consumed.stderr)")
        let lines = consumed.stdout.split(separator: "\n").map(String.init)
        let pattern = /Received on thread ([0-2]): (v[0-9]+)/
        let matches = lines.compactMap { try? pattern.wholeMatch(in: $0) }
        #expect(matches.count == 60, "\(consumed.stdout)")
        #expect(Set(matches.map { String($0.output.2) }) == Set(values))
        #expect(Set(matches.map { String($0.output.1) }).count == 3, "each of the 3 workers got partitions")

        let offsets = try await Kfast.run(["offsets", "-t", topic, "-g", group, "-b", address, "--json"])
        #expect(offsets.status == 0, "\(offsets.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(offsets.stdout.utf8)) as? [String: Any]
        let rows = parsed?["partitions"] as? [[String: Any]] ?? []
        #expect(rows.compactMap { $0["committed"] as? Int }.reduce(0, +) == 60, "\(offsets.stdout)")
        let theirs = try await Peer.committedOffsets(group: group, topic: topic, on: broker)
        #expect(rows.map { $0["committed"] as? Int } == theirs.partitions.map { $0.offset.map(Int.init) })

        let listed = try await Kfast.run(["groups", "-b", address, "--json"])
        if broker == .mock {
            #expect(listed.status == 1)
            #expect(listed.stderr.hasSuffix(" does not support ListGroups: no version in common (broker offers none)\n"), "\(listed.stderr)")
        } else {
            #expect(listed.status == 0)
            #expect(listed.stdout.contains("\"group\":\"\(group)\""))
        }
        let text = try await Kfast.run(["offsets", "-t", topic, "-g", group, "-b", address])
        #expect(text.stdout.hasPrefix("Topic \(topic), group \(group): 6 of 6 partitions committed, total lag 0"), "\(text.stdout)")
    }

    @Test(arguments: BrokerKind.allCases)
    func helloWorldPrintsFromEveryThreadAndStopsCleanlyOnCtrlC(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("hello")
        // The example creates its topic; the mock cluster cannot, so it finds it there already.
        if broker == .mock { try await MockCluster.createTopic(topic, partitions: 1) }
        let folder = try TestEnvironment.runDirectory() + "/peer-io"
        // run-tests.sh clears it; a test that runs before any peer must make it.
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let output = folder + "/\(topic).out"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = try SignalSafeProcess.make(Kfast.path, ["example", "hello-world", topic, "2", "-b", address, "-g", "g-\(topic)"] + Self.fastGroup)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let pattern = /Received on thread ([01]): ([0-9]+)/
        func printed() -> [Regex<(Substring, Substring, Substring)>.Match] {
            String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self)
                .split(separator: "\n").compactMap { try? pattern.wholeMatch(in: $0) }
        }
        let deadline = Date().addingTimeInterval(90)
        while printed().count < 8, Date() < deadline { try await Task.sleep(nanoseconds: 250_000_000) }
        #expect(printed().count >= 8, "the example printed too little")
        #expect(printed().allSatisfy { (0...999).contains(Int($0.output.2)!) })
        kill(process.processIdentifier, SIGINT)
        // Closing commits and leaves: one request timeout at most.
        let stopBy = Date().addingTimeInterval(30)
        while process.isRunning, Date() < stopBy { try await Task.sleep(nanoseconds: 100_000_000) }
        #expect(!process.isRunning, "still running after Ctrl-C")
        if !process.isRunning { #expect(process.terminationStatus == 0) }
    }
}
