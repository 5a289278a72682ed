import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Runs `sasl.oauthbearer.token.command` with `/bin/sh -c` on NIO's blocking thread pool: its
/// standard output, trimmed, is the token. It gets a deadline, and a failure says how it ended
/// and its last line of standard error, never what it printed on standard output.
enum TokenCommand {
    static func run(_ command: String, timeoutMs: Int) async throws(KafkaError) -> String {
        let result: Result<String, KafkaError>
        do {
            result = try await NIOThreadPool.singleton.runIfActive { runBlocking(command, timeoutMs: timeoutMs) }
        } catch {
            throw .invalidConfiguration("sasl.oauthbearer.token.command: cannot run it: \(error)")
        }
        return try result.get()
    }

    private static func runBlocking(_ command: String, timeoutMs: Int) -> Result<String, KafkaError> {
        func failure(_ why: String) -> Result<String, KafkaError> {
            .failure(.invalidConfiguration("sasl.oauthbearer.token.command \(why)"))
        }
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { return failure("cannot be started: no pipe") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, environ)
        close(outPipe[1])
        close(errPipe[1])
        defer {
            close(outPipe[0])
            close(errPipe[0])
        }
        guard spawned == 0 else { return failure("cannot be started: \(String(cString: strerror(spawned)))") }

        var output: [UInt8] = [], errors: [UInt8] = []
        let deadline = monotonicMs() + Int64(timeoutMs)
        var open = [outPipe[0], errPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !open.isEmpty {
            let remaining = deadline - monotonicMs()
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard remaining > 0, poll(&fds, nfds_t(fds.count), Int32(min(remaining, 1_000))) >= 0 || errno == EINTR else { break }
            for entry in fds where entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count <= 0 {
                    open.removeAll { $0 == entry.fd }
                } else if entry.fd == outPipe[0] {
                    output += buffer[0..<count]
                } else {
                    errors += buffer[0..<count]
                    if errors.count > 4096 { errors.removeFirst(errors.count - 4096) }
                }
            }
            guard output.count <= 1 << 20 else { break }
        }
        if !open.isEmpty { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if !open.isEmpty {
            return failure(output.count > 1 << 20 ? "printed more than 1 MB" : "did not finish within \(timeoutMs) ms")
        }
        let lastError = String(decoding: errors, as: UTF8.self).split(separator: "\n").last.map { ": \($0.prefix(200))" } ?? ""
        let exited = (status & 0x7F) == 0
        guard exited, (status >> 8) & 0xFF == 0 else {
            return failure(exited ? "exited with status \((status >> 8) & 0xFF)\(lastError)" : "was killed by signal \(status & 0x7F)")
        }
        let token = String(decoding: output, as: UTF8.self).trimmingWhitespace()
        guard !token.isEmpty else { return failure("printed no token") }
        guard !token.contains(where: { $0.isWhitespace }) else { return failure("printed more than one word") }
        return .success(String(token))
    }

    private static func monotonicMs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
