// What `make test` (Tests/Harness/run-tests.sh) hands the tests: two live brokers, a Python venv with
// real Kafka clients, and the peer programs in Tests/Peers. Every value arrives in an environment
// variable; without them a broker test fails with a message that says to run `make test`.

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The servers the harness starts, all on 127.0.0.1 with free ports.
/// Use as `@Test(arguments: BrokerKind.allCases) func x(broker: BrokerKind)`.
enum BrokerKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Tansu 0.6.0, in memory. Its high watermark after a multi-record batch is the batch's base offset + 1.
    case tansu
    /// noida-db 0.2.3, persisted to a data dir; can be stopped and restarted (`TestBrokers.noidaRestart()`).
    case noida
    /// librdkafka's mock cluster, 3 brokers (ids 1-3); its "address" is the bootstrap list of all three.
    /// No CreateTopics/DeleteTopics/ListGroups/DescribeGroups/DescribeConfigs: topics come from
    /// `MockCluster.createTopic` (which `Peer.createTopic` uses for it).
    case mock

    var environmentVariable: String { "KAFKA_FAST_\(rawValue.uppercased())" }
    var description: String { rawValue }
}

struct TestEnvironmentError: Error, CustomStringConvertible {
    let description: String
}

enum TestEnvironment {
    /// An environment variable the harness sets, or an error saying to run the tests with `make test`.
    static func value(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw TestEnvironmentError(description: "\(name) is not set: run the broker tests with `make test`")
        }
        return value
    }

    /// The venv's python, which has confluent-kafka and kafka-python.
    static func python() throws -> String { try value("KAFKA_FAST_PYTHON") }
    /// Absolute path of Tests/Peers.
    static func peersDirectory() throws -> String { try value("KAFKA_FAST_PEERS") }
    /// Absolute path of Tests/Harness.
    static func harnessDirectory() throws -> String { try value("KAFKA_FAST_HARNESS") }
    /// Absolute path of the run folder (.test-run): broker logs, noida's data, brokers.env.
    static func runDirectory() throws -> String { try value("KAFKA_FAST_RUN_DIR") }
}

enum TestBrokers {
    /// True when the harness exported the brokers, e.g. for `.enabled(if: TestBrokers.available)`.
    static var available: Bool {
        BrokerKind.allCases.allSatisfy { ProcessInfo.processInfo.environment[$0.environmentVariable] != nil }
    }

    /// "127.0.0.1:PORT" of a running broker.
    static func address(_ broker: BrokerKind) throws -> String {
        try TestEnvironment.value(broker.environmentVariable)
    }

    /// Stops noida, keeping its port and data. `kill: true` sends SIGKILL: noida saves its data to disk
    /// a couple of seconds after a write and on SIGTERM, so a kill can lose the latest acknowledged writes.
    /// Other tests using noida at the same time see the outage too.
    static func noidaStop(kill: Bool = false) async throws {
        try await noidaControl(kill ? ["stop", "--kill"] : ["stop"])
    }

    /// Starts noida again on the same port and data dir; returns once it answers ApiVersions.
    static func noidaStart() async throws {
        try await noidaControl(["start"])
    }

    /// Stops noida (gracefully unless `kill`) and starts it again on the same port and data dir.
    static func noidaRestart(kill: Bool = false) async throws {
        try await noidaControl(kill ? ["restart", "--kill"] : ["restart"])
    }

    private static func noidaControl(_ arguments: [String]) async throws {
        let script = try TestEnvironment.harnessDirectory() + "/noida-ctl.sh"
        let result = try await Peer.execute("/bin/bash", arguments: [script] + arguments, stdin: nil, timeout: 60)
        guard result.status == 0 else {
            throw TestEnvironmentError(
                description: "noida-ctl.sh \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
    }
}

private let topicCounter = Counter()

/// A topic name no other test (nor an earlier run against the same noida data) uses:
/// "prefix-<pid>-<n>-<random>", with characters Kafka does not allow in a name replaced by "-".
func uniqueTopicName(_ prefix: String = "test") -> String {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    let clean = String(prefix.map { allowed.contains($0) ? $0 : "-" })
    let random = UUID().uuidString.prefix(8).lowercased()
    return "\(clean)-\(getpid())-\(topicCounter.next())-\(random)"
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
