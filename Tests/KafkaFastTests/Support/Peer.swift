// Runs the peer programs in Tests/Peers (real Kafka clients: librdkafka via confluent-kafka, and
// kafka-python) with the harness's venv python, and decodes the JSON they print.
//
// Each call has a timeout after which the child gets SIGTERM, then SIGKILL, and the call throws.
// Output goes through files, not pipes, so a chatty child can never block on a full pipe.
// In async code the `async` overloads are picked: they wait without holding a thread of the
// cooperative pool, so a Swift client in the same test keeps running while a peer waits for it.

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

struct PeerError: Error, CustomStringConvertible {
    let description: String
}

enum Peer {
    typealias Output = (stdout: String, stderr: String, status: Int32)

    static let defaultTimeout: TimeInterval = 120

    /// Runs `Tests/Peers/<script>` with the venv python. A non-zero status is returned, not thrown.
    /// Everything here is async: a test that blocked a thread on a child would starve the
    /// 2-thread cooperative pool every other test in the process runs on.
    static func run(_ script: String, args: [String] = [], stdin: String? = nil,
                    timeout: TimeInterval = defaultTimeout) async throws -> Output {
        let child = try Child(TestEnvironment.python(), [peerPath(script)] + args, stdin: stdin.map { Data($0.utf8) }, timeout: timeout)
        await child.finished()
        return try child.output()
    }

    /// Runs a peer and decodes its stdout as one JSON value; throws (with its stderr) unless the
    /// exit status is in `acceptedStatuses`.
    static func json<T: Decodable>(_ type: T.Type = T.self, _ script: String, args: [String] = [],
                                   stdin: String? = nil, timeout: TimeInterval = defaultTimeout,
                                   acceptedStatuses: Set<Int32> = [0]) async throws -> T {
        try decode(type, script, await run(script, args: args, stdin: stdin, timeout: timeout), acceptedStatuses)
    }

    /// Runs a peer that prints one JSON value per line (peer_consume.py) and decodes every line.
    static func jsonLines<T: Decodable>(_ type: T.Type = T.self, _ script: String, args: [String] = [],
                                        stdin: String? = nil, timeout: TimeInterval = defaultTimeout) async throws -> [T] {
        let output = try await run(script, args: args, stdin: stdin, timeout: timeout)
        try check(script, output, [0])
        return try output.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(T.self, from: Data($0.utf8))
        }
    }

    /// Runs any executable with the same timeout and capture rules (used for the harness scripts).
    static func execute(_ executable: String, arguments: [String], stdin: String?,
                        timeout: TimeInterval) async throws -> Output {
        try await execute(executable, arguments: arguments, stdinBytes: stdin.map { Data($0.utf8) }, timeout: timeout)
    }

    /// `execute` with standard input given as bytes; `rawStdout` keeps standard output as read.
    static func execute(_ executable: String, arguments: [String], stdinBytes: Data?,
                        timeout: TimeInterval) async throws -> Output {
        let child = try Child(executable, arguments, stdin: stdinBytes, timeout: timeout)
        await child.finished()
        return try child.output()
    }

    /// Like `execute`, but standard output comes back as the bytes written.
    static func executeRaw(_ executable: String, arguments: [String], stdinBytes: Data?,
                           timeout: TimeInterval) async throws -> (stdout: Data, stderr: String, status: Int32) {
        let child = try Child(executable, arguments, stdin: stdinBytes, timeout: timeout)
        await child.finished()
        return try child.rawOutput()
    }

    private static func peerPath(_ script: String) throws -> String {
        script.hasPrefix("/") ? script : try TestEnvironment.peersDirectory() + "/" + script
    }

    private static func check(_ script: String, _ output: Output, _ accepted: Set<Int32>) throws {
        guard accepted.contains(output.status) else {
            let detail = output.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            throw PeerError(description: "\(script) exited with status \(output.status): \(detail)")
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ script: String, _ output: Output,
                                             _ accepted: Set<Int32>) throws -> T {
        try check(script, output, accepted)
        do {
            return try JSONDecoder().decode(T.self, from: Data(output.stdout.utf8))
        } catch {
            throw PeerError(description: "\(script) printed JSON that does not decode as \(T.self): \(error)\n\(output.stdout)")
        }
    }
}

/// One child process with its output in temporary files and a kill timer.
private final class Child: @unchecked Sendable {
    private let process = Process()
    private let command: String
    private let timeout: TimeInterval
    private let files: [URL]  // stdout, stderr, stdin
    private let lock = NSLock()
    private var isFinished = false
    private var timedOut = false
    private var waiter: CheckedContinuation<Void, Never>?

    init(_ executable: String, _ arguments: [String], stdin: Data?, timeout: TimeInterval) throws {
        // In the run folder when there is one (git-ignored, next to the broker logs; cleared by
        // run-tests.sh), so a run killed half-way leaves nothing in /tmp.
        let folder = (try? TestEnvironment.runDirectory()).map { $0 + "/peer-io" }
            ?? FileManager.default.temporaryDirectory.path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = folder + "/peer-\(UUID().uuidString)"
        files = ["out", "err", "in"].map { URL(fileURLWithPath: "\(base).\($0)") }
        command = ([executable] + arguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        self.timeout = timeout
        for file in files { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        try (stdin ?? Data()).write(to: files[2])

        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: files[0])
        process.standardError = try FileHandle(forWritingTo: files[1])
        process.standardInput = stdin == nil ? FileHandle.nullDevice : try FileHandle(forReadingFrom: files[2])
        process.terminationHandler = { [self] _ in
            lock.lock()
            isFinished = true
            let continuation = waiter
            waiter = nil
            lock.unlock()
            continuation?.resume()
        }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil  // it holds this child: the pair would never be freed
            removeFiles()
            throw PeerError(description: "cannot run \(command): \(error)")
        }
        armTimer(pid: process.processIdentifier)
    }

    /// SIGTERM at the timeout, SIGKILL 3 s later, unless the child finished first.
    private func armTimer(pid: pid_t) {
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in
            lock.lock()
            let running = !isFinished
            if running { timedOut = true }
            lock.unlock()
            guard running else { return }
            kill(pid, SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + 3) { [self] in
                lock.lock()
                let stillRunning = !isFinished
                lock.unlock()
                if stillRunning { kill(pid, SIGKILL) }
            }
        }
    }

    func finished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if isFinished {
                lock.unlock()
                continuation.resume()
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }

    /// The captured output; throws if the timeout killed the child.
    func output() throws -> Peer.Output {
        let raw = try rawOutput()
        return (String(decoding: raw.stdout, as: UTF8.self), raw.stderr, raw.status)
    }

    /// The captured output, standard output as the bytes written.
    func rawOutput() throws -> (stdout: Data, stderr: String, status: Int32) {
        defer {
            removeFiles()
            // The handler holds this child, which holds the process: without this the pair, and the
            // process's open output files, would never be freed (tests that poll a tmux screen run
            // hundreds of children, and Process.run crashes once a process has over a thousand fds).
            process.terminationHandler = nil
            // Already ended (the handler ran), so this returns at once; but until it is called,
            // Foundation's Process keeps itself, its file handles and its arguments in a cycle
            // (LeakSanitizer in make test-asan: every child ever run, until this was added).
            process.waitUntilExit()
            for handle in [process.standardOutput, process.standardError, process.standardInput] {
                if let file = handle as? FileHandle, file !== FileHandle.nullDevice { try? file.close() }
            }
        }
        let read = { (url: URL) in fileBytes(url.path) }
        let (stdout, stderr) = (read(files[0]), String(decoding: read(files[1]), as: UTF8.self))
        lock.lock()
        let killed = timedOut
        lock.unlock()
        if killed {
            throw PeerError(description: "timed out after \(timeout)s: \(command)\nstderr: \(stderr)")
        }
        return (stdout, stderr, process.terminationStatus)
    }

    private func removeFiles() {
        for file in files { try? FileManager.default.removeItem(at: file) }
    }
}
