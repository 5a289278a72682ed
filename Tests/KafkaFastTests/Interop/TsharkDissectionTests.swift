import Foundation
import Testing
@testable import KafkaFast

/// An independent check of our bytes: Wireshark's Kafka dissector (Debian's tshark 4.0) reads
/// a loopback capture of everything the client sends and receives.
///
/// tshark 4.0 knows each API only up to some version (Metadata 9, Produce 8, Fetch 11, ...;
/// it says so in its own expert info). With the client capped at those versions, no frame may
/// be malformed. At the client's default (newer) versions, a frame may only be malformed where
/// the dissector itself says the version is beyond it.
@Suite(.serialized) struct TsharkDissectionTests {
    static let dissectorCeilings = "ApiVersions=3,Metadata=9,Produce=8,Fetch=11,ListOffsets=5,CreateTopics=5,DeleteTopics=4"

    struct Frame {
        var number: Int
        var apiKey: Int?
        var requestVersion: Int?
        var malformed: Bool
        var expert: String
    }

    @Test(arguments: BrokerKind.allCases, [true, false])
    func theDissectorReadsEveryFrame(_ kind: BrokerKind, _ atDissectorVersions: Bool) async throws {
        let broker = try await PrivateBroker.start(kind)
        defer { broker.stop() }
        let capture = try await TsharkCapture.start(port: broker.port, name: "\(kind)-\(atDissectorVersions ? "capped" : "default")")
        try await capture.waitUntilRecording()

        var config = KafkaConfiguration()
        config.bootstrapServers = [BrokerAddress(host: "127.0.0.1", port: broker.port)]
        if atDissectorVersions { try config.set("api.version.max", Self.dissectorCeilings) }
        let topic = uniqueTopicName("tshark")
        for codec in ["none", "gzip", "snappy", "lz4", "zstd"] {
            var producerConfig = config
            try producerConfig.set("compression.codec", codec)
            let connector = try KafkaProducer(config: producerConfig)
            if codec == "none" {
                if kind == .mock {
                    try await broker.controlMock("create_topic", ["topic=\(topic)", "partitions=2"])
                } else {
                    try await connector.client.createTopic(topic, partitions: 2)
                }
            }
            for i in 0..<20 {
                connector.send(topic: topic, value: "message \(i) in \(codec)", key: i % 2 == 0 ? "key-\(i)" : nil,
                               headers: [MessageHeader("codec", Array(codec.utf8))])
            }
            await connector.close()
            #expect(connector.deliveredCount == 20)
        }
        let client = try KafkaClient(config: config)
        let marks = try await client.watermarks(topic: topic)
        for mark in marks { _ = try await client.fetch(topic: topic, partition: mark.partition, offset: 0) }
        if kind == .mock {
            try await broker.controlMock("delete_topic", ["topic=\(topic)"])
        } else {
            try await client.deleteTopic(topic)
        }
        client.close()

        let frames = try await capture.stopAndDecode()
        let requests = Set(frames.compactMap { $0.requestVersion == nil ? nil : $0.apiKey })
        // The mock cluster has no CreateTopics (19) and DeleteTopics (20): its control channel did that.
        let used: Set<Int> = kind == .mock ? [18, 3, 0, 2, 1] : [18, 3, 19, 0, 2, 1, 20]
        #expect(requests.isSuperset(of: used), "every API used was captured: \(requests.sorted())")
        for frame in frames where frame.malformed {
            // The mock cluster's own answers (its ApiVersions fallback in the v0 layout, its
            // Metadata) do not dissect cleanly; what this test checks is our bytes: the requests.
            if kind == .mock, frame.requestVersion == nil { continue }
            let beyondDissector = frame.expert.contains("Unsupported")
            if atDissectorVersions || !beyondDissector {
                Issue.record("frame \(frame.number) (API \(frame.apiKey.map(String.init) ?? "?")) is malformed: \(frame.expert)")
            }
        }
        if atDissectorVersions {
            let unsupported = frames.filter { $0.apiKey != 18 && $0.expert.contains("Unsupported") }
            #expect(unsupported.isEmpty, "frames beyond the dissector: \(unsupported.map(\.number))")
        }
    }
}

/// tshark capturing one loopback port into a file of the test run.
struct TsharkCapture {
    let process: Process
    let file: String
    let port: Int

    static func start(port: Int, name: String) async throws -> TsharkCapture {
        let tshark = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let tshark else { throw TestEnvironmentError(description: "tshark is not installed: run the tests with `make test`") }
        let directory = try TestEnvironment.runDirectory()
        let file = "\(directory)/tshark-\(name)-\(port).pcap"
        let log = "\(directory)/tshark-\(name)-\(port).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = try SignalSafeProcess.make(tshark, ["-i", "lo", "-f", "tcp port \(port)", "-w", file, "-q"])
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        // tshark says "Capturing on 'Loopback: lo'" once packets are being recorded.
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: log, encoding: .utf8), text.contains("Capturing on") {
                return TsharkCapture(process: process, file: file, port: port)
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        process.terminate()
        throw TestEnvironmentError(description: "tshark did not start capturing within 10 s: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    /// "Capturing on" comes a moment before packets are really recorded: dial the port until
    /// the capture file grows, so the first request of the test is not lost.
    func waitUntilRecording() async throws {
        let empty = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        for _ in 0..<100 {
            (try? await BrokerConnection.connect(to: BrokerAddress(host: "127.0.0.1", port: port), config: KafkaConfiguration()))?.close()
            try await Task.sleep(nanoseconds: 50_000_000)
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            if size > max(empty, 200) { return }
        }
        throw TestEnvironmentError(description: "tshark recorded nothing on port \(port) within 5 s")
    }

    func stopAndDecode() async throws -> [TsharkDissectionTests.Frame] {
        try await Task.sleep(nanoseconds: 300_000_000)  // let the last packets reach the capture
        process.interrupt()
        while process.isRunning { try await Task.sleep(nanoseconds: 20_000_000) }
        let output = try await Peer.execute("/usr/bin/tshark", arguments: [
            "-r", file, "-d", "tcp.port==\(port),kafka", "-T", "fields", "-E", "separator=|",
            "-e", "frame.number", "-e", "kafka.api_key", "-e", "kafka.api_version", "-e", "_ws.malformed", "-e", "_ws.expert.message",
        ], stdin: nil, timeout: 60)
        guard output.status == 0 else { throw TestEnvironmentError(description: "tshark -r failed: \(output.stderr)") }
        return output.stdout.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 5, let number = Int(fields[0]) else { return nil }
            return TsharkDissectionTests.Frame(
                number: number, apiKey: Int(fields[1].split(separator: ",").first ?? ""),
                requestVersion: Int(fields[2].split(separator: ",").first ?? ""),
                malformed: !fields[3].isEmpty, expert: fields[4])
        }
    }
}
