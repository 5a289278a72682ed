import Foundation
import Testing

/// Long work shows one line of progress on stderr when it is a terminal (messages, rate,
/// elapsed, ETA where the end is known, errors), erased before the result; nothing extra when
/// stderr is a pipe or a file.
@Suite struct ProgressDisplayTests {
    /// The progress line: "<label>: N msgs  R msg/s  MM:SS  ETA MM:SS  errors E".
    static func progressLine(_ screen: [String], label: String) -> String? {
        screen.first { $0.hasPrefix(label + ": ") && $0.contains(" msgs ") && $0.contains(" msg/s ") && $0.contains("errors ") }
    }

    @Test func benchProduceAndConsumeShowProgressOnATerminalOnly() async throws {
        let address = try TestBrokers.address(.tansu)
        let topic = uniqueTopicName("progress")
        try #require(try await Kfast.run(["create-topic", topic, "-p", "2", "-b", address]).status == 0)
        let count = 600_000
        let bench = try await TmuxSession.start(
            ["/bin/sh", "-c", "exec \"$0\" bench -b \"$1\" -t \"$2\" -n \(count) -s 10 > bench.out", Kfast.path, address, topic],
            columns: 120, rows: 10)
        defer { bench.close() }
        // The end is known: once messages flow, an ETA.
        let shown = try await bench.waitFor("bench's progress line with an ETA", timeout: .seconds(60)) {
            Self.progressLine($0, label: "bench \(topic)")?.contains("ETA ") == true
        }
        #expect(Self.progressLine(shown, label: "bench \(topic)")?.hasSuffix("errors 0") == true, "\(shown)")
        #expect(try await bench.waitForExit(timeout: .seconds(120)) == 0)
        let after = try await bench.screen()
        #expect(Self.progressLine(after, label: "bench \(topic)") == nil, "the line is erased: \(after)")

        // produce from a large file: the end is the file's size.
        let lines = try TestEnvironment.runDirectory() + "/progress-\(UUID().uuidString).txt"
        try Data((0..<count).map { "line \($0)\n" }.joined().utf8).write(to: URL(fileURLWithPath: lines))
        defer { try? FileManager.default.removeItem(atPath: lines) }
        let produce = try await TmuxSession.start(
            ["/bin/sh", "-c", "exec \"$0\" produce -b \"$1\" -t \"$2\" -l \"$3\"", Kfast.path, address, topic, lines], columns: 120, rows: 10)
        defer { produce.close() }
        try await produce.waitFor("produce's progress line with an ETA", timeout: .seconds(60)) {
            Self.progressLine($0, label: "produce \(topic)")?.contains("ETA ") == true
        }
        #expect(try await produce.waitForExit(timeout: .seconds(120)) == 0)
        let produced = try await produce.screen()
        #expect(produced.contains("delivered \(count) messages to \(topic)"), "\(produced)")

        let consume = try await TmuxSession.start(
            ["/bin/sh", "-c", "exec \"$0\" consume -b \"$1\" -t \"$2\" -e -f '%o\\n' > consume.out", Kfast.path, address, topic],
            columns: 120, rows: 10)
        defer { consume.close() }
        try await consume.waitFor("consume's progress line with an ETA", timeout: .seconds(60)) {
            Self.progressLine($0, label: "consume \(topic)")?.contains("ETA ") == true
        }
        #expect(try await consume.waitForExit(timeout: .seconds(120)) == 0)
        let done = try await consume.screen()
        #expect(done.contains("consumed \(2 * count) messages from \(topic)"), "\(done)")
        #expect(Self.progressLine(done, label: "consume \(topic)") == nil, "\(done)")

        // Not a terminal: stderr holds nothing but the result.
        let piped = try await Kfast.run(["consume", "-b", address, "-t", topic, "-e", "-c", "200000", "-f", "%o\n"], timeout: 120)
        #expect(piped.status == 0)
        #expect(piped.stderr == "consumed 200000 messages from \(topic)\n")
    }
}
