import Foundation
import Testing

/// `kfast produce` as a user pipes into it, read back by librdkafka.
@Suite struct CLIProduceTests {
    @Test(arguments: BrokerKind.allCases)
    func linesWithKeysAndHeadersArriveAsTyped(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("cli-produce")
        try await TestTopics.createWithCLI(topic, partitions: 2, on: broker)
        let result = try await Kfast.run(
            ["produce", "-t", topic, "-b", address, "-K", ":", "-H", "source=cli", "-H", "source=again", "-z", "gzip"],
            stdin: "user-1:hello\nuser-2:wörld:with:colons\nno delimiter here\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "delivered 3 messages to \(topic)\n")

        let consumed = try await Peer.consume(topic: topic, from: broker, count: 3)
        let byValue = Dictionary(uniqueKeysWithValues: consumed.map { (String(decoding: $0.value ?? Data(), as: UTF8.self), $0) })
        #expect(byValue["hello"]?.key == Data("user-1".utf8))
        #expect(byValue["wörld:with:colons"]?.key == Data("user-2".utf8))
        #expect(byValue["no delimiter here"].map { $0.key == nil } == true)
        #expect(consumed.allSatisfy { $0.headers == [PeerHeader("source", Data("cli".utf8)), PeerHeader("source", Data("again".utf8))] })
    }

    @Test(arguments: BrokerKind.allCases)
    func jsonEnvelopesCarryBinaryNullsAndPartitions(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("cli-produce-json")
        try await TestTopics.createWithCLI(topic, partitions: 3, on: broker)
        let input = """
            {"key":"k1","payload":"text value","partition":2,"headers":["h","1","h",null]}
            {"key":null,"payload":"AP+A","payload_encoding":"base64","partition":1}
            {"key":"AQI=","key_encoding":"base64","payload":null,"partition":0}

            """
        let result = try await Kfast.run(["produce", "-t", topic, "-b", address, "--json"], stdin: input)
        #expect(result.status == 0, "\(result.stderr)")
        let consumed = try await Peer.consume(topic: topic, from: broker, count: 3).sorted { $0.partition > $1.partition }
        #expect(consumed.map(\.partition) == [2, 1, 0])
        #expect(consumed[0].key == Data("k1".utf8) && consumed[0].value == Data("text value".utf8))
        #expect(consumed[0].headers == [PeerHeader("h", Data("1".utf8)), PeerHeader("h", nil)])
        #expect(consumed[1].key == nil && consumed[1].value == Data([0x00, 0xFF, 0x80]))
        #expect(consumed[2].key == Data([1, 2]) && consumed[2].value == nil)
    }

    @Test(arguments: BrokerKind.allCases)
    func failuresAreOneLineAndExitOne(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let missing = uniqueTopicName("cli-missing")
        let unknown = try await Kfast.run(["produce", "-t", missing, "-b", address], stdin: "x\n")
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "kfast: delivered 0 messages to \(missing), 1 failed (UNKNOWN_TOPIC_OR_PARTITION: 1); first failure: unknown topic '\(missing)': it does not exist on the cluster\n")

        let topic = uniqueTopicName("cli-too-large")
        try await TestTopics.createWithCLI(topic, partitions: 1, on: broker)
        let big = String(repeating: "x", count: 20_000)
        let tooLarge = try await Kfast.run(["produce", "-t", topic, "-b", address, "-X", "message.max.bytes=10000"], stdin: "small\n\(big)\nafter\n")
        #expect(tooLarge.status == 1)
        #expect(tooLarge.stderr.hasPrefix("kfast: delivered 2 messages to \(topic), 1 failed (MESSAGE_TOO_LARGE: 1)"), "\(tooLarge.stderr)")
        #expect(tooLarge.stderr.filter { $0 == "\n" }.count == 1)

        let badJSON = try await Kfast.run(["produce", "-t", topic, "-b", address, "--json"], stdin: "{\"payload\":\"ok\"}\n{oops\n")
        #expect(badJSON.status == 1)
        #expect(badJSON.stderr == "kfast: stopped reading input at line 2: not a JSON object; delivered 1 message to \(topic) before it\n")

        let usage = try await Kfast.run(["produce", "-t", topic, "-b", address, "-k", "a", "-K", ":"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("-k and -K cannot be used together"))
    }
}

/// `kfast bench`: the original library's benchmark, as a command.
@Suite struct CLIBenchTests {
    @Test(arguments: BrokerKind.allCases)
    func benchReportsWhatItDeliveredAsJSON(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("cli-bench")
        try await TestTopics.createWithCLI(topic, partitions: 4, on: broker)
        let result = try await Kfast.run(["bench", "-t", topic, "-n", "3000", "-z", "lz4", "-b", address, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(Set(report.keys) == ["msgs", "bytes", "enqueue_seconds", "seconds", "msgs_per_sec", "mb_per_sec", "p50_ms", "p99_ms", "errors", "cpu_seconds"])
        #expect(report["msgs"] as? Int == 3000 && report["bytes"] as? Int == 3000 * 1001 && report["errors"] as? Int == 0)
        #expect((report["msgs_per_sec"] as? Double ?? 0) > 0 && (report["p99_ms"] as? Double ?? 0) >= (report["p50_ms"] as? Double ?? 1))
        let consumed = try await Peer.consume(topic: topic, from: broker, count: 3000)
        #expect(consumed.count == 3000)
        #expect(consumed.allSatisfy { $0.value == Data((0...277).map(String.init).joined(separator: ",").utf8) })
    }
}
