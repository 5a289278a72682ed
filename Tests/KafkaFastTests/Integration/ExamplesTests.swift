import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The example programs (Sources/Examples) run as a reader of the docs would run them, on every
/// server, and do what they say.
@Suite struct ExamplesTests {
    static func path(_ example: String) -> String {
        URL(fileURLWithPath: Kfast.path).deletingLastPathComponent().appendingPathComponent(example).path
    }

    static func run(_ example: String, _ arguments: [String], timeout: TimeInterval = 120) async throws -> Peer.Output {
        try await Peer.execute(path(example), arguments: arguments, stdin: nil, timeout: timeout)
    }

    @Test(arguments: BrokerKind.allCases)
    func helloWorldReceivesOnItsThreads(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("example-hello")
        try await TestTopics.createWithCLI(topic, partitions: 2, on: broker)
        let result = try await Self.run("example-hello-world", [address, topic, "2", "6"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count >= 6, "\(result.stdout)")
        #expect(lines.allSatisfy { (try? /Received on thread [01]: [0-9]{1,3}/.wholeMatch(in: $0)) != nil }, "\(result.stdout)")
    }

    @Test(arguments: BrokerKind.allCases)
    func theBenchmarkDeliversEverything(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("example-bench")
        try await TestTopics.createWithCLI(topic, partitions: 4, on: broker)
        let result = try await Self.run("example-produce-benchmark", [address, topic, "5000", "100"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("delivered 5000 of 5000 messages of 100 bytes in "), "\(result.stdout)")
        #expect(result.stdout.hasSuffix("; failed 0\n"))
        #expect(try await Peer.consume(topic: topic, from: broker, count: 5000, timeout: 60).count == 5000)
    }

    @Test(arguments: BrokerKind.allCases)
    func manualCommitCommitsWhatItRead(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("example-commit")
        let group = "g-" + topic
        try await TestTopics.createWithCLI(topic, partitions: 1, on: broker)
        let records = (0..<25).map { PeerRecord(partition: 0, value: Data("m\($0)".utf8)) }
        try #require(try await Peer.produce(records, topic: topic, to: broker).errors.isEmpty)
        let result = try await Self.run("example-manual-commit", [address, topic, group, "25", "10"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").prefix(25).map(String.init) == (0..<25).map { "0@\($0): m\($0)" })
        let committed = try await Peer.committedOffsets(group: group, topic: topic, on: broker)
        #expect(committed.partitions.map(\.offset) == [25])
    }

    /// SIGTERM, as a service manager sends it: the service stops gracefully and exits 0.
    @Test(arguments: BrokerKind.allCases)
    func theServiceStopsGracefullyOnSIGTERM(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("example-service")
        try await TestTopics.createWithCLI(topic, partitions: 1, on: broker)
        let output = try TestEnvironment.runDirectory() + "/peer-io/\(topic).out"
        try FileManager.default.createDirectory(atPath: (output as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = try SignalSafeProcess.make(Self.path("example-service"), [address, topic])
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        func printed() -> [String] {
            String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self).split(separator: "\n").map(String.init)
        }
        let deadline = Date().addingTimeInterval(90)
        while printed().filter({ $0.hasPrefix("read \(topic)/0@") }).count < 3, Date() < deadline {
            try await Task.sleep(nanoseconds: 250_000_000)
        }
        #expect(printed().filter { $0.hasPrefix("read \(topic)/0@") }.count >= 3, "\(printed())")
        kill(process.processIdentifier, SIGTERM)
        let stopBy = Date().addingTimeInterval(30)
        while process.isRunning, Date() < stopBy { try await Task.sleep(nanoseconds: 100_000_000) }
        #expect(!process.isRunning, "still running 30 s after SIGTERM")
        if !process.isRunning { #expect(process.terminationStatus == 0) }
        #expect(printed().last?.hasPrefix("stopped: ") == true, "\(printed().suffix(3))")
        let committed = try await Peer.committedOffsets(group: "example-service-\(topic)", topic: topic, on: broker)
        #expect((committed.partitions.first?.offset ?? 0) >= 3, "the consumer committed what it read: \(committed.partitions)")
    }
}
