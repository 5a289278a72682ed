import Foundation

/// A program running full-screen in a detached tmux session of the test's own, for tests that type
/// keys into a terminal UI and read back what it shows.
///
/// Each session has a private server (its own socket in the run folder), so it never meets a user's
/// tmux or another test's. Every tmux call goes through `Peer.execute`: stdin from /dev/null, output
/// to files, a kill timer. A tmux client that shares the test's pipes, or a server that inherits them,
/// can keep a call from ever returning. `close()` kills the server, and the program with it.
final class TmuxSession: @unchecked Sendable {
    /// Where the wrapper leaves the program's exit status and the terminal modes before and after.
    let folder: String
    private let socket: String
    private static let target = "test:0.0"
    /// One tmux command never takes long; a call that does is a broken tmux, not a slow machine.
    private static let commandTimeout: TimeInterval = 30

    /// Starts `command` in a `columns` x `rows` window, with a UTF-8 locale. A wrapper shell records
    /// the terminal modes (`stty -g`) before and after the program and its exit status, then keeps the
    /// pane open so the restored screen can be read.
    static func start(_ command: [String], columns: Int, rows: Int) async throws -> TmuxSession {
        let folder = try TestEnvironment.runDirectory() + "/tmux-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let wrapper = folder + "/run.sh"
        let script = """
            #!/bin/sh
            cd "\(folder)"
            stty -g > stty.before
            printf 'shell before the program\\n'
            "$@"
            status=$?
            stty -g > stty.after
            echo $status > status.partial && mv status.partial status
            printf 'shell after the program\\n'
            exec sleep 3600

            """
        try script.write(toFile: wrapper, atomically: true, encoding: .utf8)
        let session = TmuxSession(folder: folder, socket: folder + "/socket")
        // Started through python, which clears the signal mask Foundation.Process leaves blocked (so the
        // server and the program in the pane get signals like any program started from a shell) and runs
        // tmux with every inherited descriptor above stderr closed. Foundation learns that its child ended
        // when a socket the child inherited closes; the tmux server, forked off by the client, would hold
        // that socket for its whole life, and `new-session` would never return.
        let python = try TestEnvironment.python()
        let launch = [
            "-c",
            "import signal, subprocess, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
                + "sys.exit(subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, close_fds=True).returncode)",
            "/usr/bin/env", "TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
            "/usr/bin/tmux", "-S", session.socket, "-f", "/dev/null", "new-session", "-d", "-s", "test",
            "-x", "\(columns)", "-y", "\(rows)", "/bin/sh", wrapper,
        ] + command
        let result = try await Peer.execute(python, arguments: launch, stdin: nil, timeout: commandTimeout)
        guard result.status == 0 else {
            session.close()
            throw TestEnvironmentError(description: "tmux new-session failed (\(result.status)): \(result.stderr)")
        }
        // A resize must reach the pane as it would from a user's terminal, not be clamped to a client.
        try await session.tmux(["set-option", "-t", "test", "window-size", "manual"])
        return session
    }

    private init(folder: String, socket: String) {
        self.folder = folder
        self.socket = socket
    }

    @discardableResult
    func tmux(_ arguments: [String]) async throws -> String {
        let result = try await Peer.execute(
            "/usr/bin/tmux", arguments: ["-S", socket] + arguments, stdin: nil, timeout: Self.commandTimeout)
        guard result.status == 0 else {
            throw TestEnvironmentError(
                description: "tmux \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    /// The visible screen, one string per row (trailing blanks trimmed by tmux).
    func screen() async throws -> [String] {
        let text = try await tmux(["capture-pane", "-p", "-t", Self.target])
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Key names as tmux knows them: "Enter", "Escape", "C-u", "q", "?".
    func press(_ keys: String...) async throws {
        for key in keys { try await tmux(["send-keys", "-t", Self.target, key]) }
    }

    /// Types text literally, character by character as a user would.
    func type(_ text: String) async throws {
        try await tmux(["send-keys", "-t", Self.target, "-l", text])
    }

    func resize(columns: Int, rows: Int) async throws {
        try await tmux(["resize-window", "-t", "test", "-x", "\(columns)", "-y", "\(rows)"])
    }

    /// A tmux format about the pane, e.g. "#{alternate_on}".
    func paneFormat(_ format: String) async throws -> String {
        try await tmux(["display-message", "-p", "-t", Self.target, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls the screen until `condition` holds; throws with the last screen when `timeout` passes.
    @discardableResult
    func waitFor(
        _ what: String, timeout: Duration, sourceLocation: String = #function,
        _ condition: ([String]) -> Bool
    ) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        var last: [String] = []
        while true {
            last = try await screen()
            if condition(last) { return last }
            if ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestEnvironmentError(
            description: "\(sourceLocation): no \(what) within \(timeout); the screen showed:\n" + last.joined(separator: "\n"))
    }

    /// Waits for the program in the pane to exit and for tmux to have drawn all it wrote; returns its
    /// status. The status file appears as the program ends, but tmux reads the pane's output on its own
    /// time (seconds behind on a loaded machine): only the wrapper's line after the program proves
    /// the screen holds everything the program printed.
    @discardableResult
    func waitForExit(timeout: Duration) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        var last: [String] = []
        while ContinuousClock.now < deadline {
            if let status = exitStatus() {
                last = try await screen()
                if last.contains("shell after the program") { return status }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        if last.isEmpty { last = (try? await screen()) ?? ["?"] }
        throw TestEnvironmentError(
            description: "the program did not exit (status \(exitStatus().map(String.init) ?? "none")) and show "
                + "the shell's line after it within \(timeout); the screen showed:\n" + last.joined(separator: "\n"))
    }

    /// The program's exit status once it has exited, else nil.
    func exitStatus() -> Int32? {
        guard let text = try? String(contentsOfFile: folder + "/status", encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The terminal modes `stty -g` saw before the program started and after it exited.
    func terminalModes() -> (before: String?, after: String?) {
        let read = { (name: String) in
            (try? String(contentsOfFile: self.folder + "/" + name, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return (read("stty.before"), read("stty.after"))
    }

    /// Kills the server and everything in it, and removes the session's folder. Safe to call more than once.
    /// Synchronous so that a `defer` can call it; `kill-server` is a client that answers in
    /// milliseconds and forks nothing, so waiting for it here blocks no longer than that.
    func close() {
        let kill = Process()
        kill.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        kill.arguments = ["-S", socket, "kill-server"]
        kill.standardInput = FileHandle.nullDevice
        kill.standardOutput = FileHandle.nullDevice
        kill.standardError = FileHandle.nullDevice
        if (try? kill.run()) != nil { kill.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
