import Foundation
import KafkaFast
import KafkaProtocol
import NIOCore
import Testing

/// The experiment from issue 13, as a test: a proxy between `kfast` and a real broker flips a
/// few bytes inside one answer's body (its size and correlation id kept). Every run of every
/// command must end with exit 0 or 1 and at most one line on stderr (one line on failure), no
/// signal, no hang past the configured timeouts.
///
/// `make test` runs a sample (KAFKA_FAST_CORRUPTION_RUNS, default 33 runs: each command on
/// each server it applies to); `make soak` runs the full sweep of a few hundred.
@Suite struct CorruptedAnswerTests {
    static var runs: Int { Int(ProcessInfo.processInfo.environment["KAFKA_FAST_CORRUPTION_RUNS"] ?? "") ?? 33 }

    /// Short timeouts, so a run that waits on a broken answer ends well within the run's limit.
    static let timeouts = ["-X", "request.timeout.ms=3000", "-X", "socket.connection.setup.timeout.ms=2000",
                           "-X", "delivery.timeout.ms=8000", "-X", "retry.backoff.max.ms=300"]

    /// The commands, each with its input; `topic` exists, with messages in it.
    static func commands(bootstrap: String, topic: String, server: ServerUnderTest, run: Int) -> [(arguments: [String], stdin: String?)] {
        var commands: [(arguments: [String], stdin: String?)] = [
            (["topics", "-b", bootstrap], nil),
            (["topics", "-b", bootstrap, "-t", topic, "--json"], nil),
            (["offsets", "-b", bootstrap, "-t", topic], nil),
            (["produce", "-b", bootstrap, "-t", topic, "-K", ":"], (0..<20).map { "k\($0):value \($0)" }.joined(separator: "\n") + "\n"),
            (["produce", "-b", bootstrap, "-t", topic, "--value", "one", "-X", "enable.idempotence=true"], nil),
            (["produce", "-b", bootstrap, "-t", topic, "--json"], #"{"key":"k","payload":"v","partition":1}"# + "\n"),
            (["consume", "-b", bootstrap, "-t", topic, "-e", "-f", "%p %o %k %s\n"], nil),
            (["consume", "-b", bootstrap, "-t", topic, "-o", "-3", "-c", "3", "-J"], nil),
            (["bench", "-b", bootstrap, "-t", topic, "-n", "2000", "-s", "50", "-z", ["lz4", "gzip", "zstd", "snappy"][run % 4]], nil),
        ]
        if server != .mock {
            commands.append((["groups", "-b", bootstrap], nil))
            commands.append((["consume", "-b", bootstrap, "-t", topic, "-g", "corrupt-\(run)-\(UUID().uuidString.prefix(6))", "-c", "2",
                              "-X", "session.timeout.ms=6000", "-X", "auto.offset.reset=earliest"], nil))
        }
        return commands
    }

    @Test func everyCommandEndsWithOneLineWhateverAnswerIsCorrupted() async throws {
        var topics: [ServerUnderTest: String] = [:]
        for server in ServerUnderTest.allCases {
            let topic = uniqueTopicName("corrupted")
            try await server.createTopic(topic, partitions: 2)
            let seeded = try await Kfast.run(["produce", "-b", try server.bootstrap(), "-t", topic], stdin: "a\nb\nc\nd\n")
            try #require(seeded.status == 0, "\(seeded.stderr)")
            topics[server] = topic
        }
        var plan: [(run: Int, server: ServerUnderTest)] = []
        for run in 0..<Self.runs { plan.append((run, ServerUnderTest.allCases[run % ServerUnderTest.allCases.count])) }
        // KAFKA_FAST_CORRUPTION_RUN=N repeats run N alone, with -vv (to see why it failed).
        if let only = ProcessInfo.processInfo.environment["KAFKA_FAST_CORRUPTION_RUN"].flatMap(Int.init) {
            plan = [(only, ServerUnderTest.allCases[only % ServerUnderTest.allCases.count])]
        }
        var corrupted = 0
        var outcomes: [String: Int] = [:]
        // A few at a time: the runs are short, and the machine has two cores.
        for start in stride(from: 0, to: plan.count, by: 3) {
            try await withThrowingTaskGroup(of: (Bool, String).self) { group in
                for (run, server) in plan[start..<min(start + 3, plan.count)] {
                    let topic = topics[server]!
                    group.addTask { try await Self.oneRun(run, server: server, topic: topic) }
                }
                for try await (didCorrupt, outcome) in group {
                    if didCorrupt { corrupted += 1 }
                    outcomes[outcome, default: 0] += 1
                }
            }
        }
        #expect(corrupted >= plan.count * 2 / 3, "most runs had an answer corrupted: \(corrupted) of \(Self.runs)")
        print("corrupted answers: \(corrupted) of \(Self.runs) runs; outcomes: \(outcomes.sorted { $0.key < $1.key })")
    }

    /// One run: one command through a fresh proxy that corrupts the `target`-th answer.
    static func oneRun(_ run: Int, server: ServerUnderTest, topic: String) async throws -> (Bool, String) {
        let proxy = try await KafkaProxy.start(bootstrap: try server.bootstrap())
        defer { proxy.stop() }
        let commands = Self.commands(bootstrap: proxy.bootstrap, topic: topic, server: server, run: run)
        let (arguments, stdin) = commands[(run / ServerUnderTest.allCases.count) % commands.count]
        var random = SplitMix(seed: UInt64(run) &* 0x9E37_79B9_7F4A_7C15 | 1)
        let target = Int.random(in: 1...8, using: &random)
        let flips = Int.random(in: 1...4, using: &random)
        let counter = AnswerCounter()
        proxy.onAnswer { answer in
            guard counter.next() == target else { return .forward }
            var local = SplitMix(seed: UInt64(run) &+ 7)
            KafkaProxy.flipBytes(in: &answer.body, count: flips, using: &local)
            counter.markCorrupted("\(KafkaAPI.name(of: answer.apiKey)) v\(answer.version)")
            return .forward
        }
        let command = "kfast " + arguments.prefix(1).joined() + " on \(server), answer \(target) corrupted (\(flips) bytes)"
        let result: Peer.Output
        do {
            let verbose = ProcessInfo.processInfo.environment["KAFKA_FAST_CORRUPTION_RUN"] != nil ? ["-vv"] : []
            result = try await Kfast.run(arguments + Self.timeouts + verbose, stdin: stdin, timeout: 90)
        } catch {
            Issue.record("\(command): the \(counter.corrupted ?? "no") answer corrupted; \(error)")
            return (counter.corrupted != nil, "hung")
        }
        // With -vv (one run repeated) the log lines are not what is checked. A group that is slow
        // to form says so while it waits (a wait is never silent); that is not the outcome.
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .filter { !$0.hasPrefix("kfast: debug: ") && !$0.hasPrefix("kfast: info: ") && !$0.hasPrefix("kfast: notice: ") }
            .filter { !($0.hasPrefix("kfast: warning: group '") && $0.contains("' has not formed after ")) }
        #expect(result.status == 0 || result.status == 1, "\(command): exit status \(result.status) (a signal?): \(result.stderr.suffix(600))")
        #expect(lines.count <= 1, "\(command): \(lines.count) lines on stderr: \(result.stderr.suffix(600))")
        if result.status == 1 {
            #expect(lines.count == 1 && lines[0].hasPrefix("kfast: "), "\(command): \(result.stderr.suffix(600))")
        }
        let outcome = result.status == 0 ? "exit 0" : String(lines.first?.prefix(60) ?? "")
        return (counter.corrupted != nil, outcome.replacingOccurrences(of: topic, with: "T"))
    }
}

/// Counts answers through a proxy and remembers which one was corrupted.
private final class AnswerCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var which: String?

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }

    func markCorrupted(_ answer: String) {
        lock.lock()
        which = answer
        lock.unlock()
    }

    var corrupted: String? {
        lock.lock()
        defer { lock.unlock() }
        return which
    }
}

/// A seeded generator: each run corrupts the same way every time.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
