import Foundation
import Testing

/// `kfast consume` against what real clients produced and where librdkafka starts reading.
/// Serialized: each case runs many peer processes, and the suite shares two cores with the rest.
@Suite(.serialized) struct CLIConsumeTests {
    /// Explicit timestamps an hour ago: noida deletes records older than its retention at once.
    static let baseTimestamp = (Int64(Date().timeIntervalSince1970) - 3_600) * 1_000

    /// Keys, null keys, empty and null values, binary bytes, repeated header names and explicit
    /// timestamps; kafka-python cannot send null header values, so those are only for confluent.
    static func records(for client: PeerClient) -> [PeerRecord] {
        let nullHeader: [PeerHeader] = client == .confluent ? [PeerHeader("maybe", nil)] : []
        let values: [(key: Data?, value: Data?, headers: [PeerHeader])] = [
            (Data("k1".utf8), Data("hello".utf8), [PeerHeader("h", Data("1".utf8)), PeerHeader("h", Data("2".utf8))] + nullHeader),
            (nil, Data("no key".utf8), []),
            (Data("empty".utf8), Data(), [PeerHeader("h", Data())]),
            (Data([0xFF, 0x00, 0xFE]), Data([0x00, 0xFF, 0x80, 0x7F]), [PeerHeader("bin", Data([0xC3, 0x28]))]),
            (Data("ключ ✓".utf8), Data("wörld \"quoted\" \\ back\nnew\tline \u{01}".utf8), [PeerHeader("ünï", Data("✓".utf8))]),
            (Data("tombstone".utf8), nil, []),
            (Data("big".utf8), Data(String(repeating: "0123456789", count: 3_000).utf8), []),
        ]
        return values.enumerated().map { index, entry in
            PeerRecord(partition: 0, key: entry.key, value: entry.value, headers: entry.headers,
                       timestampMs: baseTimestamp + Int64(index) * 1_000)
        }
    }

    @Test(arguments: PeerClient.serverPairs)
    func whatPeersProduceComesOutByteExact(_ broker: BrokerKind, _ client: PeerClient) async throws {
        let address = try TestBrokers.address(broker)
        for codec in PeerCodec.allCases {
            let topic = uniqueTopicName("consume-exact-\(client.rawValue)-\(codec.rawValue)")
            try await Peer.createTopic(topic, partitions: 1, on: broker)
            let records = Self.records(for: client)
            let report = try await Peer.produce(records, topic: topic, to: broker, client: client, codec: codec)
            try #require(report.errors.isEmpty, "\(report.errors)")

            let result = try await Kfast.run(["consume", "-t", topic, "-b", address, "-J", "-e"])
            #expect(result.status == 0, "\(codec): \(result.stderr)")
            #expect(result.stderr == "consumed \(records.count) messages from \(topic)\n")
            let lines = try EnvelopeLine.parseAll(result.stdout)
            try #require(lines.count == records.count, "\(codec): \(result.stdout)")
            for (index, (line, record)) in zip(lines, records).enumerated() {
                let context = "\(codec) message \(index)"
                #expect(line.topic == topic && line.partition == 0, "\(context)")
                #expect(line.offset == report.delivered[index].offset, "\(context)")
                #expect(line.key == record.key, "\(context): key")
                #expect(line.payload == record.value, "\(context): payload")
                #expect(line.headers == record.headers, "\(context): headers")
                #expect(line.tstype == "create" && line.ts == record.timestampMs, "\(context): \(line.tstype) \(line.ts)")
                #expect(line.broker >= 0, "\(context)")
                var expectedOrder = ["topic", "partition", "offset", "tstype", "ts", "broker"]
                if !record.headers.isEmpty { expectedOrder.append("headers") }
                if record.headers.contains(where: { $0.value.map { String(data: $0, encoding: .utf8) == nil } ?? false }) {
                    expectedOrder.append("headers_encoding")
                }
                expectedOrder.append("key")
                if let key = record.key, String(data: key, encoding: .utf8) == nil { expectedOrder.append("key_encoding") }
                expectedOrder.append("payload")
                if let value = record.value, String(data: value, encoding: .utf8) == nil { expectedOrder.append("payload_encoding") }
                #expect(line.fieldOrder == expectedOrder, "\(context)")
            }
        }
    }

    @Test(arguments: BrokerKind.allCases)
    func formatTokensPrintAsKcatDoes(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("consume-format")
        try await Peer.createTopic(topic, partitions: 1, on: broker)
        _ = try await Peer.produce([
            PeerRecord(partition: 0, key: Data("k".utf8), value: Data("value".utf8),
                       headers: [PeerHeader("a", Data("1".utf8)), PeerHeader("a", Data("2".utf8))], timestampMs: Self.baseTimestamp),
            PeerRecord(partition: 0, key: nil, value: Data("v2".utf8), timestampMs: Self.baseTimestamp + 1),
        ], topic: topic, to: broker)
        let result = try await Kfast.run(["consume", "-t", topic, "-b", address, "-e", "-f", "%t|%p|%o|%k|%K|%s|%S|%h|%T|100%%\\n"])
        #expect(result.status == 0, "\(result.stderr)")
        let (first, second) = (Self.baseTimestamp, Self.baseTimestamp + 1)
        #expect(result.stdout == "\(topic)|0|0|k|1|value|5|a=1,a=2|\(first)|100%\n\(topic)|0|1||-1|v2|2||\(second)|100%\n")

        let counted = try await Kfast.run(["consume", "-t", topic, "-b", address, "-c", "1"])
        #expect(counted.status == 0 && counted.stdout == "value\n", "\(counted.stderr)")
    }

    @Test(arguments: BrokerKind.allCases)
    func consumeThenProduceCopiesATopic(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let source = uniqueTopicName("consume-copy-from")
        let copy = uniqueTopicName("consume-copy-to")
        try await Peer.createTopic(source, partitions: 3, on: broker)
        try await Peer.createTopic(copy, partitions: 3, on: broker)
        var records: [PeerRecord] = []
        for partition in Int32(0)..<3 {
            for var record in Self.records(for: .confluent) {
                record.partition = partition
                records.append(record)
            }
        }
        let report = try await Peer.produce(records, topic: source, to: broker, codec: .lz4)
        try #require(report.errors.isEmpty)

        let consumed = try await Kfast.run(["consume", "-t", source, "-b", address, "-J", "-e"])
        try #require(consumed.status == 0, "\(consumed.stderr)")
        let produced = try await Kfast.run(["produce", "-t", copy, "-b", address, "--json"], stdin: consumed.stdout)
        #expect(produced.status == 0, "\(produced.stderr)")

        let original = try await Peer.consume(topic: source, from: broker, count: records.count)
        let copied = try await Peer.consume(topic: copy, from: broker, count: records.count)
        for partition in Int32(0)..<3 {
            let expected = original.filter { $0.partition == partition }.map { [$0.key, $0.value] }
            let actual = copied.filter { $0.partition == partition }.map { [$0.key, $0.value] }
            #expect(actual == expected, "partition \(partition)")
            #expect(copied.filter { $0.partition == partition }.map(\.headers) == original.filter { $0.partition == partition }.map(\.headers))
        }
    }

    /// Every -o form starts where librdkafka (kcat's engine) starts, Tansu's watermark quirk included.
    @Test(arguments: BrokerKind.allCases)
    func everyOffsetFormLandsWhereKcatWould(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("consume-offsets")
        try await Peer.createTopic(topic, partitions: 2, on: broker)
        // Two produce runs, so each partition holds more than one batch.
        for round in 0..<2 {
            let records = (0..<12).map { index in
                PeerRecord(partition: Int32(index % 2), key: nil, value: Data("r\(round)-\(index)".utf8),
                           timestampMs: Self.baseTimestamp + Int64(round * 12 + index) * 1_000)
            }
            let report = try await Peer.produce(records, topic: topic, to: broker)
            try #require(report.errors.isEmpty)
        }
        let specs: [(String, Int32?)] = [
            ("beginning", nil), ("end", nil), ("-4", nil), ("-100", nil), ("3", 1),
            ("s@\(Self.baseTimestamp + 9_500)", nil), ("s@\(Self.baseTimestamp + 1_000_000)", nil),
        ]
        for (spec, partition) in specs {
            var args = ["consume", "-t", topic, "-b", address, "-e", "-o", spec, "-f", "%p %o\\n"]
            if let partition { args += ["-p", "\(partition)"] }
            let ours = try await Kfast.run(args)
            #expect(ours.status == 0, "-o \(spec): \(ours.stderr)")
            let oursOffsets = Set(ours.stdout.split(separator: "\n").map { line -> TailedOffset in
                let parts = line.split(separator: " ")
                return TailedOffset(partition: Int32(parts[0])!, offset: Int64(parts[1])!)
            })
            let theirs = Set(try await Peer.tail(topic: topic, on: broker, offset: spec, partition: partition))
            #expect(oursOffsets == theirs, "-o \(spec): ours \(oursOffsets.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) })")
        }
    }

    @Test(arguments: BrokerKind.allCases)
    func badInputIsOneLineWithItsExitCode(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let missing = uniqueTopicName("consume-missing")
        let unknown = try await Kfast.run(["consume", "-t", missing, "-b", address, "-e"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "kfast: unknown topic '\(missing)': it does not exist on the cluster\n")

        let topic = uniqueTopicName("consume-bad")
        try await Peer.createTopic(topic, partitions: 1, on: broker)
        _ = try await Peer.produce((0..<3).map { PeerRecord(partition: 0, value: Data("m\($0)".utf8)) }, topic: topic, to: broker)
        let beyond = try await Kfast.run(["consume", "-t", topic, "-b", address, "-e", "-o", "50"])
        #expect(beyond.status == 1)
        #expect(beyond.stderr == "kfast: offset 50 of \(topic)/0 is outside the partition's log: OFFSET_OUT_OF_RANGE [1]\n")

        let partition = try await Kfast.run(["consume", "-t", topic, "-b", address, "-e", "-p", "4"])
        #expect(partition.status == 1)
        #expect(partition.stderr == "kfast: unknown partition 4 of topic '\(topic)'\n")

        for bad in ["abc", "s@", "--5", "-0", "1.5"] {
            let malformed = try await Kfast.run(["consume", "-t", topic, "-b", address, "-o", bad])
            #expect(malformed.status == 2, "-o \(bad)")
            #expect(malformed.stderr == "kfast: -o \(bad): expected beginning, end, an offset, -N or s@TIMESTAMP_MS (see 'kfast --help')\n")
        }
        let format = try await Kfast.run(["consume", "-t", topic, "-b", address, "-f", "%x"])
        #expect(format.status == 2 && format.stderr.hasPrefix("kfast: -f %x: unknown token %x"), "\(format.stderr)")
    }

    /// A fetch answer over receive.message.max.bytes ends the consume with one line naming the
    /// property and the size to raise it to (retrying gets the same answer); under the limit
    /// the same messages read whole.
    @Test(arguments: BrokerKind.allCases)
    func anAnswerOverReceiveMessageMaxBytesIsOneLineNamingIt(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("consume-too-large")
        try await Peer.createTopic(topic, partitions: 1, on: broker)
        // Each message alone is over the limit: the mock answers one batch at a time.
        let value = Data(String(repeating: "x", count: 10_000).utf8)
        _ = try await Peer.produce((0..<5).map { _ in PeerRecord(partition: 0, value: value) }, topic: topic, to: broker)
        let refused = try await Kfast.run(["consume", "-t", topic, "-b", address, "-e", "-X", "receive.message.max.bytes=8000"], timeout: 60)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.hasPrefix("kfast: broker ") && refused.stderr.contains(
            "over receive.message.max.bytes (8000): raise that property to at least "), "\(refused.stderr)")
        #expect(refused.stderr.filter { $0 == "\n" }.count == 1, "\(refused.stderr)")
        let read = try await Kfast.run(["consume", "-t", topic, "-b", address, "-e", "-f", "%o\\n"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout == (0..<5).map { "\($0)\n" }.joined())
    }

    @Test(arguments: BrokerKind.allCases)
    func ctrlCStopsCleanlyAfterPrintingEverything(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("consume-sigint")
        try await Peer.createTopic(topic, partitions: 2, on: broker)
        _ = try await Peer.produce((0..<10).map { PeerRecord(partition: Int32($0 % 2), value: Data("m\($0)".utf8)) }, topic: topic, to: broker)
        let running = try RunningKfast(["consume", "-t", topic, "-b", address])
        let printed = try await running.waitForOutput(timeout: 30) { $0.split(separator: "\n").count == 10 }
        #expect(printed, "stdout: \(running.stdout) stderr: \(running.stderr)")
        running.interrupt()
        let status = try await running.wait(timeout: 30)
        #expect(status == 0)
        #expect(Set(running.stdout.split(separator: "\n")) == Set((0..<10).map { "m\($0)" }))
        #expect(running.stderr == "consumed 10 messages from \(topic)\n")
    }

    @Test(arguments: BrokerKind.allCases)
    func aClosedPipeEndsQuietly(_ broker: BrokerKind) async throws {
        let address = try TestBrokers.address(broker)
        let topic = uniqueTopicName("consume-pipe")
        try await Peer.createTopic(topic, partitions: 1, on: broker)
        // More than a pipe buffer of output, so a write must fail once head has gone.
        let value = Data(String(repeating: "x", count: 200).utf8)
        _ = try await Peer.produce((0..<2_000).map { _ in PeerRecord(partition: 0, value: value) }, topic: topic, to: broker)
        let result = try await Peer.execute("/bin/bash", arguments: [
            "-c", "\"$0\" consume -t \"$1\" -b \"$2\" | head -n 1; echo \"status=${PIPESTATUS[0]}\" >&2",
            Kfast.path, topic, address,
        ], stdin: nil, timeout: 60)
        #expect(result.stdout == String(decoding: value, as: UTF8.self) + "\n")
        #expect(result.stderr == "status=0\n")
    }
    /// `-X fetch.skip.ahead.lag`: a reader that samples a flooded topic starts near its end, and
    /// the properties may come in either order.
    @Test(arguments: BrokerKind.allCases)
    func skipAheadPropertiesSampleTheNewest(_ broker: BrokerKind) async throws {
        let topic = uniqueTopicName("consume-skip")
        try await Peer.createTopic(topic, partitions: 1, on: broker)
        let records = (0..<1_000).map { PeerRecord(partition: 0, key: nil, value: Data("m\($0)".utf8), headers: []) }
        let report = try await Peer.produce(records, topic: topic, to: broker)
        try #require(report.errors.isEmpty, "\(report.errors)")
        let result = try await Kfast.run([
            "consume", "-t", topic, "-b", try TestBrokers.address(broker), "-e", "-f", "%o %s\\n",
            "-X", "fetch.skip.ahead.resume.lag=10", "-X", "fetch.skip.ahead.lag=100",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n") == (990..<1_000).map { "\($0) m\($0)"[...] })

        let bad = try await Kfast.run(["consume", "-t", topic, "-b", try TestBrokers.address(broker), "-e", "-X", "fetch.skip.ahead.lag=-1"])
        #expect(bad.status == 2 && bad.stderr.contains("fetch.skip.ahead.lag=-1"), "\(bad.stderr)")
    }
}
