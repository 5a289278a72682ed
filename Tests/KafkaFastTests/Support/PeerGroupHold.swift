import Foundation

/// A confluent-kafka consumer (`peer_group.py hold`) that joins a group, commits the offsets it was
/// given and stays a member until stopped: a group with known lag and a live member.
final class PeerGroupHold: Sendable {
    struct Status: Decodable, Sendable {
        var assignment: [Int32]
        var committed: Bool
        /// The member id the coordinator gave it, once it committed.
        var member_id: String?
    }

    /// The group as librdkafka's AdminClient describes it (`peer_group.py describe`).
    struct Description: Decodable, Sendable {
        struct Member: Decodable, Sendable {
            var client_id: String
            var host: String
            var partitions: [Int32]
        }
        var state: String
        var members: [Member]
    }

    func describe(address: String) async throws -> Description {
        try await Peer.json(Description.self, "peer_group.py", args: ["describe", "--bootstrap", address, "--group", group])
    }

    let group: String
    let clientId: String
    private let stopFile: String
    private let statusFile: String
    private let run: Task<Peer.Output, any Error>

    /// Starts the member; `commit` is partition -> offset. `sessionTimeoutMs` bounds how long the
    /// group keeps the member once stopped.
    init(address: String, group: String, topic: String, commit: [Int32: Int64], clientId: String = "peer-confluent",
         sessionTimeoutMs: Int = 10_000) throws {
        let folder = try TestEnvironment.runDirectory() + "/peer-io"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        self.group = group
        self.clientId = clientId
        stopFile = folder + "/\(group).stop"
        statusFile = folder + "/\(group).status"
        let pairs = commit.keys.sorted().map { "\($0):\(commit[$0]!)" }.joined(separator: ",")
        let arguments = [
            "hold", "--bootstrap", address, "--group", group, "--topic", topic, "--commit", pairs,
            "--stop-file", stopFile, "--status-file", statusFile, "--client-id", clientId,
            "--session-timeout-ms", "\(sessionTimeoutMs)",
        ]
        run = Task { try await Peer.run("peer_group.py", args: arguments, timeout: 300) }
    }

    var status: Status? {
        guard let data = FileManager.default.contents(atPath: statusFile) else { return nil }
        return try? JSONDecoder().decode(Status.self, from: data)
    }

    /// Waits until the member is assigned every partition in `partitions` and has committed.
    func waitUntilCommitted(partitions: Set<Int32>, timeout: Duration = .seconds(90)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status, status.committed, partitions.isSubset(of: Set(status.assignment)) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw PeerError(description: "peer member of \(group) not assigned and committed within \(timeout): \(String(describing: status))")
    }

    /// Leaves the group and waits for the peer to exit; throws with its stderr if it failed.
    func stop() async throws {
        _ = FileManager.default.createFile(atPath: stopFile, contents: Data())
        let output = try await run.value
        guard output.status == 0 else {
            throw PeerError(description: "peer_group.py hold exited \(output.status): \(output.stderr)")
        }
    }

    /// For `defer`: asks the peer to leave without waiting.
    func requestStop() {
        _ = FileManager.default.createFile(atPath: stopFile, contents: Data())
    }
}
