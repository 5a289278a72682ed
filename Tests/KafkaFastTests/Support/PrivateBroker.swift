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
    /// A mock cluster's control channel (`mock_cluster.py`); nil for Tansu and noida.
    let control: String?
    /// Every broker's address: `address`, or a mock cluster's whole bootstrap list.
    let bootstrap: String
    private var process: Process
    private let makeProcess: () throws -> Process
    var address: String { "127.0.0.1:\(port)" }

    private init(
        kind: BrokerKind, port: Int, control: String? = nil, bootstrap: String? = nil, process: Process,
        makeProcess: @escaping () throws -> Process
    ) {
        self.kind = kind
        self.port = port
        self.control = control
        self.bootstrap = bootstrap ?? "127.0.0.1:\(port)"
        self.process = process
        self.makeProcess = makeProcess
    }

    /// `advertisedPort` (Tansu only): the port Metadata names instead of its own, so that
    /// clients reach it through a `TCPProxy` listening there.
    /// `brokers` (mock cluster only): how many brokers it runs, ids 1 to `brokers`.
    static func start(_ kind: BrokerKind, advertisedPort: Int? = nil, brokers: Int = 1) async throws -> PrivateBroker {
        if kind == .mock {
            guard advertisedPort == nil else { throw TestEnvironmentError(description: "a private mock broker advertises its own port") }
            return try await startMock(brokers: brokers)
        }
        let port = try TestPorts.unusedPort()
        let log = try TestEnvironment.runDirectory() + "/private-\(kind)-\(port).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
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
        case .mock:
            fatalError("handled by startMock()")
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

    /// A mock cluster in a process of its own: it picks its port, which its ready
    /// file names with its control channel. Stopping and starting it are `broker_down`/`broker_up`
    /// (the port and the log stay, as for noida); `stop()` ends the process.
    private static func startMock(brokers: Int) async throws -> PrivateBroker {
        let run = try TestEnvironment.runDirectory()
        let ready = run + "/private-mock-\(UUID().uuidString.prefix(8)).ready"
        let log = ready.replacingOccurrences(of: ".ready", with: ".log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let arguments = [try TestEnvironment.harnessDirectory() + "/mock_cluster.py", "serve", "--brokers", "\(brokers)", "--ready-file", ready]
        let python = try TestEnvironment.python()
        let makeProcess = {
            let process = try SignalSafeProcess.make(python, arguments)
            let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardOutput = logHandle
            process.standardError = logHandle
            return process
        }
        let process = try makeProcess()
        try process.run()
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: ready) {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let lines = (try? String(contentsOfFile: ready, encoding: .utf8))?.split(separator: "\n") ?? []
        func value(_ name: String) -> String? {
            lines.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
        guard let bootstrap = value("bootstrap"), let control = value("control"),
              let port = bootstrap.split(separator: ",").first?.split(separator: ":").last.flatMap({ Int($0) })
        else {
            process.terminate()
            throw TestEnvironmentError(description: "private mock cluster did not start within 10 s (log: \(log))")
        }
        let broker = PrivateBroker(kind: .mock, port: port, control: control, bootstrap: bootstrap, process: process, makeProcess: makeProcess)
        try await broker.waitUntilReady(log: log)
        return broker
    }

    /// A command to a private mock cluster's control channel.
    func controlMock(_ command: String, _ arguments: [String] = []) async throws {
        guard let control else { throw TestEnvironmentError(description: "\(kind) has no control channel") }
        let script = try TestEnvironment.harnessDirectory() + "/mock_cluster.py"
        let result = try await Peer.execute(try TestEnvironment.python(), arguments: [script, "ctl", control, command] + arguments,
                                            stdin: nil, timeout: 30)
        guard result.status == 0 else {
            throw TestEnvironmentError(description: "mock \(command) failed: \(result.stdout)\(result.stderr)")
        }
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
        if kind == .mock {
            try? await controlMock("broker_down", ["broker=-1"])
            return
        }
        guard process.isRunning else { return }
        resume()  // a paused broker would not act on SIGTERM
        process.terminate()
        while process.isRunning { try? await Task.sleep(nanoseconds: 20_000_000) }
        process.waitUntilExit()  // returns at once; frees Foundation's hold on the process (see Peer's Child)
    }

    /// The same for a `defer`, which cannot await: sends SIGTERM and returns. Blocking here until
    /// the broker exited would hold one of the two threads every test of the run shares (noida
    /// takes seconds to save its data): a thread of its own waits instead.
    func stop() {
        guard process.isRunning else { return }
        resume()  // a paused broker would not act on SIGTERM
        process.terminate()
        let process = self.process
        Thread.detachNewThread { process.waitUntilExit() }
    }

    /// Starts the broker again on the same port (and, for noida, the same data).
    func start() async throws {
        if kind == .mock {
            try await controlMock("broker_up", ["broker=-1"])
            try await waitUntilReady(log: "the private mock cluster's log under \(try TestEnvironment.runDirectory())")
            return
        }
        guard !process.isRunning else { return }
        process = try makeProcess()
        try process.run()
        try await waitUntilReady(log: "the \(kind) log under \(try TestEnvironment.runDirectory())")
    }
}
