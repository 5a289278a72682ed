import Foundation
@testable import KafkaFast

/// A broker of the test's own, on a fresh loopback port, for tests whose traffic must not mix
/// with other tests' (a packet capture) or that stop their broker.
final class PrivateBroker: @unchecked Sendable {
    let kind: BrokerKind
    let port: Int
    private let process: Process
    var address: String { "127.0.0.1:\(port)" }

    private init(kind: BrokerKind, port: Int, process: Process) {
        self.kind = kind
        self.port = port
        self.process = process
    }

    static func start(_ kind: BrokerKind) async throws -> PrivateBroker {
        let port = try TestPorts.unusedPort()
        let log = try TestEnvironment.runDirectory() + "/private-\(kind)-\(port).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process: Process
        switch kind {
        case .tansu:
            process = try SignalSafeProcess.make(
                try TestEnvironment.value("KAFKA_FAST_TANSU_BIN"),
                ["broker", "--listener-url", "tcp://127.0.0.1:\(port)", "--advertised-listener-url", "tcp://127.0.0.1:\(port)"])
        case .noida:
            let data = try TestEnvironment.runDirectory() + "/private-noida-\(port)"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            process = try SignalSafeProcess.make(
                try TestEnvironment.value("KAFKA_FAST_NOIDA_BIN"), ["start", "--only", "kafka", "--kafka-port", "\(port)", "--data-dir", data])
        }
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        let broker = PrivateBroker(kind: kind, port: port, process: process)
        // Ready when it answers ApiVersions, as the harness checks its own brokers.
        for _ in 0..<200 {
            if let connection = try? await BrokerConnection.connect(to: BrokerAddress(host: "127.0.0.1", port: port), config: KafkaConfig()) {
                connection.close()
                return broker
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        broker.stop()
        throw TestEnvironmentError(description: "private \(kind) broker on port \(port) did not answer within 10 s (log: \(log))")
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
