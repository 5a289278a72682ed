import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A librdkafka mock cluster of the test's own (Tests/Harness/mock_cluster.py serve), for tests
/// that inject errors the shared cluster's other users must not see (its error queues are
/// per API, not per client).
final class PrivateMockCluster: @unchecked Sendable {
    let bootstrap: String
    let controlAddress: String
    private let process: Process

    private init(bootstrap: String, controlAddress: String, process: Process) {
        self.bootstrap = bootstrap
        self.controlAddress = controlAddress
        self.process = process
    }

    static func start(brokers: Int = 1) async throws -> PrivateMockCluster {
        let ready = try TestEnvironment.runDirectory() + "/private-mock-\(UUID().uuidString).ready"
        let script = try TestEnvironment.harnessDirectory() + "/mock_cluster.py"
        let process = try SignalSafeProcess.make(try TestEnvironment.python(), [script, "serve", "--brokers", "\(brokers)", "--ready-file", ready])
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: ready, encoding: .utf8) {
                try? FileManager.default.removeItem(atPath: ready)
                var fields: [String: String] = [:]
                for line in text.split(separator: "\n") {
                    let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                    if parts.count == 2 { fields[parts[0]] = parts[1] }
                }
                guard let bootstrap = fields["bootstrap"], let control = fields["control"] else { break }
                return PrivateMockCluster(bootstrap: bootstrap, controlAddress: control, process: process)
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        process.terminate()
        throw TestEnvironmentError(description: "a private mock cluster did not start within 10 s")
    }

    @discardableResult
    func control(_ command: String, _ arguments: [String: any Sendable] = [:]) async throws -> [String: Any] {
        try await MockCluster.control(at: controlAddress, command, arguments)
    }

    func createTopic(_ name: String, partitions: Int, replication: Int = 1) async throws {
        try await control("create_topic", ["topic": name, "partitions": partitions, "replication": replication])
    }

    /// The cluster's next requests of `apiKey` fail with `codes`, one each, in order.
    func pushErrors(apiKey: Int, codes: [Int]) async throws {
        try await control("push_errors", ["api_key": apiKey, "codes": codes])
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
