import Foundation

/// Runs the `kfast` executable the way a user does, with the harness's timeout and capture rules.
enum Kfast {
    /// The debug build next to the tests, unless KAFKA_FAST_KFAST names another binary.
    static var path: String {
        if let override = ProcessInfo.processInfo.environment["KAFKA_FAST_KFAST"] { return override }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/kfast").path
    }

    /// Runs `kfast args`; `environment` entries are set for the child only (an empty value clears one).
    static func run(_ args: [String], environment: [String: String] = [:], stdin: String? = nil, timeout: TimeInterval = 60) throws -> Peer.Output {
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return try Peer.execute("/usr/bin/env", arguments: assignments + [path] + args, stdin: stdin, timeout: timeout)
    }

    /// The same, waiting without blocking a thread of the cooperative pool.
    static func runAsync(_ args: [String], environment: [String: String] = [:], stdin: String? = nil, timeout: TimeInterval = 60) async throws -> Peer.Output {
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return try await Peer.execute("/usr/bin/env", arguments: assignments + [path] + args, stdin: stdin, timeout: timeout)
    }
}
