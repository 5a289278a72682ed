import Foundation

/// Foundation.Process starts children with SIGINT and SIGTERM blocked, so they would ignore
/// `interrupt()` and `terminate()`. This launches the program through the venv's python,
/// which clears the signal mask and then execs it.
enum SignalSafeProcess {
    static func make(_ executable: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestEnvironment.python())
        process.arguments = [
            "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
            executable,
        ] + arguments
        return process
    }
}
