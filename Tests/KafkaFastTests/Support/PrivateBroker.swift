import Foundation

#if canImport(Glibc)
    import Glibc
#endif
@testable import KafkaFast

/// A broker of the test's own, on a fresh loopback port, for tests whose traffic must not mix
/// with other tests' (a packet capture) or that stop their broker.
final class PrivateBroker: @unchecked Sendable {
    let kind: BrokerKind
    let port: Int
    private var process: Process
    private let makeProcess: () throws -> Process
    var address: String { "127.0.0.1:\(port)" }

    private init(kind: BrokerKind, port: Int, process: Process, makeProcess: @escaping () throws -> Process) {
        self.kind = kind
        self.port = port
        self.process = process
        self.makeProcess = makeProcess
    }

    /// `advertisedPort` (Tansu only): the port Metadata names instead of its own, so that
    /// clients reach it through a `TCPProxy` listening there.
    static func start(_ kind: BrokerKind, advertisedPort: Int? = nil) async throws -> PrivateBroker {
        let port = try TestPorts.unusedPort()
        let log = try TestEnvironment.runDirectory() + "/private-\(kind)-\(port).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let executable: String
        let arguments: [String]
        switch kind {
        case .tansu:
            executable = try TestEnvironment.value("KAFKA_FAST_TANSU_BIN")
            arguments = ["broker", "--listener-url", "tcp://127.0.0.1:\(port)",
                         "--advertised-listener-url", "tcp://127.0.0.1:\(advertisedPort ?? port)"]
        case .noida:
            guard advertisedPort == nil else { throw TestEnvironmentError(description: "noida cannot advertise another port") }
            let data = try TestEnvironment.runDirectory() + "/private-noida-\(port)"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            executable = try TestEnvironment.value("KAFKA_FAST_NOIDA_BIN")
            arguments = ["start", "--only", "kafka", "--kafka-port", "\(port)", "--data-dir", data]
        }
        let makeProcess = {
            let process = try SignalSafeProcess.make(executable, arguments)
            let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            logHandle.seekToEndOfFile()
            process.standardOutput = logHandle
            process.standardError = logHandle
            return process
        }
        let process = try makeProcess()
        try process.run()
        let broker = PrivateBroker(kind: kind, port: port, process: process, makeProcess: makeProcess)
        try await broker.waitUntilReady(log: log)
        return broker
    }

    private func waitUntilReady(log: String) async throws {
        let port = self.port
        // Ready when it answers ApiVersions, as the harness checks its own brokers.
        for _ in 0..<200 {
            if let connection = try? await BrokerConnection.connect(to: BrokerAddress(host: "127.0.0.1", port: port), config: KafkaConfiguration()) {
                connection.close()
                return
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        stop()
        throw TestEnvironmentError(description: "private \(kind) broker on port \(port) did not answer within 10 s (log: \(log))")
    }

    /// SIGSTOP: the broker keeps its connections open and answers nothing, a hung broker.
    func pause() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGSTOP)
    }

    /// SIGCONT after `pause()`.
    func resume() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGCONT)
    }

    /// SIGTERM, which lets noida save its data, then wait for the exit without holding a thread
    /// of the cooperative pool (noida may take seconds to save).
    func shutDown() async {
        guard process.isRunning else { return }
        resume()  // a paused broker would not act on SIGTERM
        process.terminate()
        while process.isRunning { try? await Task.sleep(nanoseconds: 20_000_000) }
    }

    /// The same for a `defer`, which cannot await: blocks until the broker exited.
    func stop() {
        guard process.isRunning else { return }
        resume()  // a paused broker would not act on SIGTERM
        process.terminate()
        process.waitUntilExit()
    }

    /// Starts the broker again on the same port (and, for noida, the same data).
    func start() async throws {
        guard !process.isRunning else { return }
        process = try makeProcess()
        try process.run()
        try await waitUntilReady(log: "the \(kind) log under \(try TestEnvironment.runDirectory())")
    }
}
