import Foundation
import KafkaFast
import NIOConcurrencyHelpers
import Testing

/// What `peer_group.py member` prints when it stops.
struct PeerMemberReport: Decodable, Sendable {
    var messages: [[Int64]]
    var assignments: [[Int32]]
}

/// What `peer_group.py member` keeps in its status file.
struct PeerMemberStatus: Decodable, Sendable {
    var assignment: [Int32]
    var consumed: Int
}

/// A group of two of our consumers and one confluent-kafka consumer on an 8-partition topic,
/// on every server (on the 3-broker mock cluster the group's coordinator is broker 3): who owns which partition, what happens when one of ours leaves, and what
/// the group committed as librdkafka reads it.
@Suite(.serialized) struct GroupInteropTests {
    /// A 10 s session so a test waits seconds, not the 45 s default (Tansu holds a forming
    /// group's JoinGroup for half the session timeout), yet long enough that heartbeats
    /// delayed on a saturated machine do not evict a member mid-test.
    static func config(_ broker: BrokerKind, clientId: String) throws -> KafkaConfiguration {
        try KafkaConfiguration([
            "bootstrap.servers": TestBrokers.address(broker), "client.id": clientId,
            "session.timeout.ms": "10000", "heartbeat.interval.ms": "1000",
            "auto.offset.reset": "earliest", "auto.commit.interval.ms": "1000",
        ])
    }

    /// Every message a member's workers handled: (partition, offset).
    final class Received: Sendable {
        private let box = NIOLockedValueBox<[(Int32, Int64)]>([])
        func add(_ partition: Int32, _ offset: Int64) { box.withLockedValue { $0.append((partition, offset)) } }
        var all: [(Int32, Int64)] { box.withLockedValue { $0 } }
    }

    static func readStatus(_ path: String) -> PeerMemberStatus? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(PeerMemberStatus.self, from: data)
    }

    /// Waits until `condition` holds; the deadline is generous because the machine is busy and
    /// a group of three may need several rebalances (each held up to half a session timeout).
    static func waitFor(_ what: String, seconds: Double, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(nanoseconds: 250_000_000)
        }
        Issue.record("timed out after \(seconds) s waiting for \(what)")
        throw PeerError(description: "timed out waiting for \(what)")
    }

    /// `kfast groups G --json` of the settled group: three members; on noida also what
    /// librdkafka's admin client describes (Tansu's DescribeGroups names members only: empty
    /// client id, host and assignment).
    static func expectDescribed(_ groupsJSON: Peer.Output, broker: BrokerKind, group: String, address: String) async throws {
        #expect(groupsJSON.status == 0, "\(groupsJSON.stderr)")
        let described = try JSONSerialization.jsonObject(with: Data(groupsJSON.stdout.utf8)) as? [String: Any]
        let members = described?["members"] as? [[String: Any]] ?? []
        #expect(members.count == 3, "\(groupsJSON.stdout)")
        guard broker == .noida else { return }
        let peerView = try await Peer.json([String: AnyDecodable].self, "peer_group.py", args: [
            "describe", "--bootstrap", address, "--group", group])
        #expect(described?["state"] as? String == "Stable")
        #expect(described?["protocol"] as? String == "range")
        let ourShares = members.map { member -> [Int] in
            ((member["assignment"] as? [[String: Any]])?.first?["partitions"] as? [Int] ?? []).sorted()
        }.sorted { $0.first ?? -1 < $1.first ?? -1 }
        let peerShares = (peerView["members"]?.value as? [[String: Any]] ?? []).map { ($0["partitions"] as? [Int] ?? []).sorted() }
            .sorted { $0.first ?? -1 < $1.first ?? -1 }
        #expect(ourShares == peerShares)
        #expect(Set(members.compactMap { $0["client_id"] as? String }) == ["ours-0", "ours-1", "peer-confluent"])
    }

    @Test(arguments: BrokerKind.allCases)
    func mixedGroupOwnsEachPartitionOnceAndLosesNothingWhenAMemberLeaves(_ broker: BrokerKind) async throws {
        let topic = uniqueTopicName("group-mixed")
        let group = "g-" + topic
        try await Peer.createTopic(topic, partitions: 8, on: broker)
        if broker == .mock {
            // Leaders on brokers 1 and 2, the group's coordinator on broker 3.
            for partition in 0..<8 { try await MockCluster.setLeader(topic, partition: partition, broker: 1 + partition % 2) }
            try await MockCluster.setCoordinator(group: group, broker: 3)
        }
        let folder = try TestEnvironment.runDirectory() + "/peer-io"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stopFile = folder + "/\(group).stop"
        let statusFile = folder + "/\(group).status"
        let address = try TestBrokers.address(broker)
        let peer = Task {
            try await Peer.json(PeerMemberReport.self, "peer_group.py", args: [
                "member", "--bootstrap", address, "--group", group, "--topic", topic,
                "--stop-file", stopFile, "--status-file", statusFile, "--session-timeout-ms", "10000",
            ], timeout: 300)
        }
        defer { _ = FileManager.default.createFile(atPath: stopFile, contents: Data()) }

        let ours = try (0..<2).map { try KafkaGroupConsumer(group: group, topics: [topic], config: Self.config(broker, clientId: "ours-\($0)")) }
        let received = [Received(), Received()]
        let runs = (0..<2).map { index in
            Task { try await ours[index].run(workers: 2) { _, message in received[index].add(message.partition, message.offset) } }
        }

        // 1. The group settles: three members, every partition owned by exactly one of them.
        var stableChecks = 0
        var lastOwners: [Int32: Int] = [:]
        var lastShares: [[Int32]] = []
        defer {
            if stableChecks < 16 {
                let peerStatus = Self.readStatus(statusFile).map { "\($0.assignment), \($0.consumed) read" } ?? "no status"
                Issue.record(Comment(rawValue: "never stable: shares \(lastShares); ours: \(ours.map(\.status)); peer: \(peerStatus)"))
            }
        }
        try await Self.waitFor("a stable group of three owning all 8 partitions", seconds: 150) {
            guard let status = Self.readStatus(statusFile) else { return false }
            lastShares = [ours[0].assignment.map(\.partition), ours[1].assignment.map(\.partition), status.assignment]
            let shares = [ours[0].assignment.map(\.partition), ours[1].assignment.map(\.partition), status.assignment]
            var owners: [Int32: Int] = [:]
            var overlap = false
            for (member, partitions) in shares.enumerated() {
                for partition in partitions { overlap = overlap || owners.updateValue(member, forKey: partition) != nil }
            }
            let settled = !overlap && owners.count == 8 && shares.allSatisfy { !$0.isEmpty }
            stableChecks = settled && owners == lastOwners ? stableChecks + 1 : 0
            lastOwners = owners
            return stableChecks >= 16  // unchanged for four seconds
        }

        // kfast groups sees the same group as librdkafka's admin client.
        let groupsJSON = try await Kfast.run(["groups", "-b", address, group, "--json"])
        if broker == .mock {
            // The mock cluster has no DescribeGroups: one clear line instead.
            #expect(groupsJSON.status == 1)
            #expect(groupsJSON.stderr.hasSuffix(" does not support DescribeGroups: no version in common (broker offers none)\n"))
        } else {
            try await Self.expectDescribed(groupsJSON, broker: broker, group: group, address: address)
        }


        // 2. Phase one: 40 messages per partition, each partition read by its one owner.
        let phaseOne = (0..<320).map { PeerRecord(partition: Int32($0 % 8), value: Data("one-\($0)".utf8)) }
        let produced = try await Peer.produce(phaseOne, topic: topic, to: broker)
        try #require(produced.errors.isEmpty)
        try await Self.waitFor("phase one consumed", seconds: 60) {
            received[0].all.count + received[1].all.count + (Self.readStatus(statusFile)?.consumed ?? 0) >= 320
        }
        let ownersAfterPhaseOne = lastOwners
        // What each member had read before anyone left (the peer's status lags by <= 0.5 s).
        try await Task.sleep(nanoseconds: 1_000_000_000)
        let beforeLeave = [received[0].all.count, received[1].all.count, Self.readStatus(statusFile)?.consumed ?? 0]

        // 3. One of ours leaves (commits, LeaveGroup); the other two take over its partitions.
        await ours[0].close()
        _ = try? await runs[0].value
        let phaseTwo = (0..<160).map { PeerRecord(partition: Int32($0 % 8), value: Data("two-\($0)".utf8)) }
        #expect(try await Peer.produce(phaseTwo, topic: topic, to: broker).errors.isEmpty)

        // Every partition's 60 messages end up committed by the group.
        let admin = try KafkaClient(config: Self.config(broker, clientId: "admin"))
        defer { admin.close() }
        var committed: [Int32: Int64] = [:]
        do {
            try await Self.waitFor("all 480 messages committed", seconds: 150) {
                committed = try await admin.committedOffsets(group: group, partitions: [topic: Array(0..<8)])[topic] ?? [:]
                return (0..<8).allSatisfy { committed[Int32($0)] == 60 }
            }
        } catch {
            let peerStatus = Self.readStatus(statusFile).map { "\($0.assignment), \($0.consumed) read" } ?? "no status"
            Issue.record(Comment(rawValue: "committed \(committed.sorted { $0.key < $1.key }); ours: \(ours[1].status), "
                                 + "\(ours[1].assignment); the peer: \(peerStatus)"))
            throw error
        }
        _ = FileManager.default.createFile(atPath: stopFile, contents: Data())
        let report = try await peer.value
        await ours[1].close()
        _ = try? await runs[1].value

        // Phase one, before the leave: each partition's messages went to exactly its owner.
        // (After the hand-over the new owner may read again what was not committed yet.)
        var readers: [Int32: Set<Int>] = [:]
        for (member, messages) in [received[0].all, received[1].all].enumerated() {
            for (partition, offset) in messages.prefix(beforeLeave[member]) where offset < 40 {
                readers[partition, default: []].insert(member)
            }
        }
        for message in report.messages.prefix(beforeLeave[2]) where message[1] < 40 { readers[Int32(message[0]), default: []].insert(2) }
        #expect(beforeLeave.reduce(0, +) >= 320)
        for partition in Int32(0)..<8 {
            #expect(readers[partition] == [ownersAfterPhaseOne[partition]!], "partition \(partition) read by \(readers[partition] ?? [])")
        }
        // Nothing lost: every offset 0..<60 of every partition was consumed by someone.
        var seen = Set<[Int64]>()
        for (partition, offset) in received[0].all + received[1].all { seen.insert([Int64(partition), offset]) }
        for message in report.messages { seen.insert(message) }
        let missing = (0..<8).flatMap { p in (0..<60).map { [Int64(p), Int64($0)] } }.filter { !seen.contains($0) }
        #expect(missing.isEmpty, "never consumed: \(missing.prefix(10))")

        // The committed offsets as librdkafka reads them agree with ours and with kfast offsets -g.
        let theirs = try await Peer.committedOffsets(group: group, topic: topic, on: broker)
        #expect(theirs.partitions.map(\.offset) == Array(repeating: 60, count: 8))
        let offsetsJSON = try await Kfast.run(["offsets", "-b", address, "-t", topic, "-g", group, "--json"])
        #expect(offsetsJSON.status == 0, "\(offsetsJSON.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(offsetsJSON.stdout.utf8)) as? [String: Any]
        let rows = parsed?["partitions"] as? [[String: Any]] ?? []
        #expect(rows.map { $0["committed"] as? Int } == theirs.partitions.map { $0.offset.map(Int.init) })
        #expect(rows.allSatisfy { ($0["lag"] as? Int) == max(($0["high"] as? Int ?? 0) - ($0["committed"] as? Int ?? 0), 0) })
    }
}

/// Any JSON value, for peer output read loosely.
struct AnyDecodable: Decodable, @unchecked Sendable {
    let value: Any
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let int = try? container.decode(Int.self) { value = int }
        else if let string = try? container.decode(String.self) { value = string }
        else if let bool = try? container.decode(Bool.self) { value = bool }
        else if let array = try? container.decode([AnyDecodable].self) { value = array.map(\.value) }
        else if let object = try? container.decode([String: AnyDecodable].self) { value = object.mapValues(\.value) }
        else { value = NSNull() }
    }
}
