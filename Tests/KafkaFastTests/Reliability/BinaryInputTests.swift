import Foundation
import Testing

/// `kfast produce` reads raw bytes, as kcat -P does: every byte value 0x00-0xFF in keys, values
/// and header values arrives as it was given, read back byte-exact by librdkafka
/// (confluent-kafka). It used to decode standard input as UTF-8 and store U+FFFD for the rest.
@Suite struct BinaryInputTests {
    /// Runs kfast with arguments given as bytes (Foundation's Process takes only valid UTF-8):
    /// the venv's python execs it with the raw argv.
    static func runRaw(_ arguments: [[UInt8]], stdin: Data?, timeout: TimeInterval = 60) async throws -> (stdout: Data, stderr: String, status: Int32) {
        let exec = "import os, sys; os.execv(sys.argv[1], [sys.argv[1].encode()] + [bytes.fromhex(a) for a in sys.argv[2:]])"
        let hex = arguments.map { $0.map { String(format: "%02x", $0) }.joined() }
        return try await Peer.executeRaw(try TestEnvironment.python(), arguments: ["-c", exec, Kfast.path] + hex, stdinBytes: stdin, timeout: timeout)
    }

    static func text(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }

    static func readBack(_ topic: String, from server: ServerUnderTest, count: Int) async throws -> [ConsumedRecord] {
        try await Peer.jsonLines(ConsumedRecord.self, "peer_consume.py", args: [
            "--client", "confluent", "--bootstrap", try server.bootstrap(), "--topic", topic, "--from-beginning", "--count", "\(count)",
        ]).sorted { $0.offset < $1.offset }
    }

    static let everyByte = Array(UInt8.min...UInt8.max)
    static let messageDelimiter: [UInt8] = [0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01]
    static let keyDelimiter: [UInt8] = [0x00, 0x02, 0x7F, 0x80]

    /// 256 records split by multi-byte delimiters (-D, -K with \xNN escapes); each value holds every
    /// byte value, each key a different first byte; a header value with every byte but 0x00 (which
    /// no command line can carry: the JSON test sends it). -T echoes the input byte for byte.
    @Test(arguments: ServerUnderTest.allCases)
    func standardInputKeysValuesAndHeadersArriveByteExact(_ server: ServerUnderTest) async throws {
        let topic = uniqueTopicName("binary-stdin")
        try await server.createTopic(topic, partitions: 1)
        var input = Data()
        var expected: [(key: Data, value: Data)] = []
        for index in 0..<256 {
            let key = Data([UInt8(index), UInt8((index * 7 + 1) % 256)])
            let value = Data(Self.everyByte[index...] + Self.everyByte[..<index])
            expected.append((key, value))
            input += key + Self.keyDelimiter + value + Self.messageDelimiter
        }
        let header = Array("bytes=".utf8) + Array(Self.everyByte.dropFirst())
        let result = try await Self.runRaw(
            Self.text(["produce", "-b", try server.bootstrap(), "-t", topic, "-p", "0", "-T",
                       "-D", "\\xde\\xad\\xbe\\xef\\0\\x01", "-K", "\\0\\x02\\x7f\\x80", "-H"]) + [header],
            stdin: input)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "delivered 256 messages to \(topic)\n")
        #expect(result.stdout == input, "-T writes the input back as it was read")
        let read = try await Self.readBack(topic, from: server, count: 256)
        #expect(read.count == 256)
        for (record, want) in zip(read, expected) {
            #expect(record.key == want.key && record.value == want.value, "offset \(record.offset)")
            #expect(record.headers == [PeerHeader("bytes", Data(Self.everyByte.dropFirst()))])
        }
    }

    /// The JSON envelope with base64 carries 0x00 too, in keys, values and header values.
    @Test(arguments: ServerUnderTest.allCases)
    func jsonEnvelopesCarryEveryByte(_ server: ServerUnderTest) async throws {
        let topic = uniqueTopicName("binary-json")
        try await server.createTopic(topic, partitions: 1)
        let every = Data(Self.everyByte).base64EncodedString()
        let line = #"{"key":"\#(every)","key_encoding":"base64","payload":"\#(every)","payload_encoding":"base64","headers":["all","\#(every)"],"headers_encoding":"base64"}"#
        let result = try await Self.runRaw(Self.text(["produce", "-b", try server.bootstrap(), "-t", topic, "--json"]), stdin: Data((line + "\n").utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let read = try await Self.readBack(topic, from: server, count: 1)
        #expect(read.first?.key == Data(Self.everyByte) && read.first?.value == Data(Self.everyByte))
        #expect(read.first?.headers == [PeerHeader("all", Data(Self.everyByte))])
    }

    /// Each FILE named is one message, its bytes as they are (kcat -P FILE...); -l splits one
    /// file like standard input; -Z makes an empty key or value null; a -k key from the command
    /// line keeps bytes that are not UTF-8.
    @Test func filesNullsAndRawCommandLineKeys() async throws {
        let server = ServerUnderTest.noida
        let topic = uniqueTopicName("binary-files")
        try await server.createTopic(topic, partitions: 1)
        let folder = try TestEnvironment.runDirectory() + "/binary-files-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(Self.everyByte).write(to: URL(fileURLWithPath: folder + "/all.bin"))
        try Data().write(to: URL(fileURLWithPath: folder + "/empty.bin"))
        try Data("a\0b\0\0".utf8).write(to: URL(fileURLWithPath: folder + "/split.bin"))
        let bootstrap = try server.bootstrap()
        let key: [UInt8] = [0xFF, 0xFE, 0x80, 0x41]
        let whole = try await Self.runRaw(
            Self.text(["produce", "-b", bootstrap, "-t", topic, "-Z", "-k"]) + [key] + Self.text([folder + "/all.bin", folder + "/empty.bin"]), stdin: nil)
        #expect(whole.status == 0, "\(whole.stderr)")
        let split = try await Self.runRaw(
            Self.text(["produce", "-b", bootstrap, "-t", topic, "-Z", "-K", ":", "-D", "\\0", "-l", folder + "/split.bin"]), stdin: nil)
        #expect(split.status == 0, "\(split.stderr)")
        #expect(split.stderr == "delivered 3 messages to \(topic)\n")
        let read = try await Self.readBack(topic, from: server, count: 5)
        #expect(read.map(\.value) == [Data(Self.everyByte), nil, Data("a".utf8), Data("b".utf8), nil])
        #expect(read.map(\.key) == [Data(key), Data(key), nil, nil, nil])
    }

    /// Input that cannot be read, and a JSON partition past Int32, are runtime errors (exit 1)
    /// in one line with where: standard input that is a directory read as "0 messages, exit 0",
    /// and partition 4294967296 was cut to 0 and sent there.
    @Test func unreadableInputAndBadPartitionsAreRuntimeErrors() async throws {
        let topic = uniqueTopicName("binary-errors")
        try await ServerUnderTest.tansu.createTopic(topic, partitions: 2)
        let bootstrap = try TestBrokers.address(.tansu)
        let directory = try await Peer.execute("/bin/sh", arguments: ["-c", "exec \"$0\" produce -b \"$1\" -t \"$2\" < /", Kfast.path, bootstrap, topic],
                                               stdin: nil, timeout: 60)
        #expect(directory.status == 1)
        #expect(directory.stderr == "kfast: stopped reading input at line 1: cannot read standard input: is a directory; delivered 0 messages to \(topic) before it\n")
        let missing = try await Kfast.run(["produce", "-b", bootstrap, "-t", topic, "/no/such/file"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "kfast: stopped reading input: cannot read /no/such/file: no such file or directory; delivered 0 messages to \(topic) before it\n")
        let tooFar = try await Kfast.run(["produce", "-b", bootstrap, "-t", topic, "--json"],
                                         stdin: "{\"payload\":\"ok\",\"partition\":1}\n{\"payload\":\"x\",\"partition\":4294967296}\n")
        #expect(tooFar.status == 1)
        #expect(tooFar.stderr == "kfast: stopped reading input at line 2: \"partition\" must be a whole number from 0 to 2147483647, not 4294967296; delivered 1 message to \(topic) before it\n")
        let badDelimiter = try await Kfast.run(["produce", "-b", bootstrap, "-t", topic, "-D", "\\q"], stdin: "x\n")
        #expect(badDelimiter.status == 2)
        #expect(badDelimiter.stderr.hasPrefix("kfast: delimiter '\\q' unknown escape \\q"), "\(badDelimiter.stderr)")
    }
}
