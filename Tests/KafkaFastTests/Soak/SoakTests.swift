import Foundation
import KafkaFast
import Testing

/// `make soak` (Tests/Soak/run-soak.sh), not part of `make test`: 5 million messages from an
/// idempotent producer (acks=all) through a fault proxy of ours in front of noida (connections
/// cut every 3 s, answers delayed, a connection stalled until the request timeout), noida
/// restarted twice with SIGTERM, while a group of three `kfast consume -g` members reads the
/// topic and one of them is killed with SIGKILL and started again. Then librdkafka reads the
/// topic back: no acknowledged message may be missing, duplicated or out of order per key; the
/// group reads every message at least once, re-reading no more than one commit interval's worth.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["KAFKA_FAST_SOAK"] != nil, "the soak runs with make soak"))
struct SoakTests {
    static let keys = 1_000
    static let partitions = 8
    static var messages: Int { Int(ProcessInfo.processInfo.environment["KAFKA_FAST_SOAK_MESSAGES"] ?? "") ?? 5_000_000 }
    static var perKey: Int { messages / keys }

    @Test func millionsOfMessagesThroughFaultsLoseNothing() async throws {
        let noida = try TestBrokers.address(.noida)
        let topic = uniqueTopicName("soak")
        try await ServerUnderTest.noida.createTopic(topic, partitions: Self.partitions)
        let proxy = try await KafkaProxy.start(bootstrap: noida)
        defer { proxy.stop() }
        try await Self.proveProxy(proxy)

        let folder = try TestEnvironment.runDirectory() + "/soak-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let group = uniqueTopicName("soak-group")
        var members = try (0..<3).map { try SoakConsumer(bootstrap: noida, topic: topic, group: group, instance: $0, output: "\(folder)/member-\($0).txt") }

        let ledger = SoakLedger(partitions: Self.partitions)
        let connector = try KafkaProducer(bootstrap: proxy.bootstrap, properties: [
            "enable.idempotence": "true", "acks": "all", "linger.ms": "5", "request.timeout.ms": "5000",
            "socket.connection.setup.timeout.ms": "3000", "delivery.timeout.ms": "600000",
            "retry.backoff.ms": "100", "retry.backoff.max.ms": "1000",
        ])
        let reports = connector.deliveryReports()
        let settling = Task { for await report in reports { ledger.settle(report) } }
        let faults = FaultSchedule(proxy: proxy)
        let faulting = Task { await faults.run() }
        let started = ContinuousClock.now

        // The events, each once the producer has got that far.
        let events = SoakEvents(members: members, restart: {
            try SoakConsumer.replacing($0, bootstrap: noida, topic: topic, group: group, output: "\(folder)/member-1-again.txt")
        })
        let happening = Task { await events.run(progress: { Double(ledger.acknowledged) / Double(Self.messages) }) }

        try await Self.produce(connector: connector, topic: topic, ledger: ledger)
        await connector.flush()
        let produceTime = ContinuousClock.now - started
        let partitions = connector.metrics().partitions
        let (repaired, lostByBroker, retries) = partitions.reduce((0, 0, 0)) { ($0.0 + $1.repairedMessages, $0.1 + $1.lostByBroker, $0.2 + $1.retries) }
        _ = await happening.value
        members = events.members
        faulting.cancel()
        _ = await faulting.value
        await connector.close()
        _ = await settling.value
        let sent = ledger.summary
        #expect(sent.unmatched == 0 && sent.waiting == 0, "every report settled one message: \(sent)")

        let unacknowledged = folder + "/unacknowledged.txt"
        try sent.unacknowledged.map { "\(Int($0) / Self.perKey):\(Int($0) % Self.perKey)" }.joined(separator: "\n")
            .write(toFile: unacknowledged, atomically: true, encoding: .utf8)
        let log = try await Peer.json(SoakReadBack.self, "peer_soak_verify.py", args: [
            "--bootstrap", noida, "--topic", topic, "--keys", "\(Self.keys)", "--per-key", "\(Self.perKey)",
            "--unacknowledged", unacknowledged,
        ], timeout: 1200)

        // The group: every acknowledged message read, duplicates from the killed member counted.
        let readByGroup = try await Self.waitForTheGroup(folder: folder, expected: sent.acknowledged)
        for member in members { await member.stop() }
        let tally = try Self.tally(outputs: (try FileManager.default.contentsOfDirectory(atPath: folder))
            .filter { $0.hasPrefix("member-") && $0.hasSuffix(".txt") }.sorted().map { "\(folder)/\($0)" },
            killed: "member-1.txt", replacement: "member-1-again.txt")
        let bound = events.rereadBound
        let restarts = events.restarts

        let report = """
            soak: \(Self.messages) produced, \(sent.acknowledged) acknowledged, \(sent.unacknowledged.count) failed \
            (\(sent.firstError ?? "none")) in \(produceTime); faults: \(faults.cuts) cuts, \(faults.delays) delays, \
            \(faults.stalls) stalls, \(restarts) noida restarts, 1 member killed; \(retries) retries, \(repaired) acknowledged messages written again after noida lost them, \
            \(lostByBroker) lost by noida beyond repair; report offsets went back \(sent.outOfOrder) times; read back (librdkafka): \(log.read) read, \
            \(log.distinct) distinct, \(log.missing) missing, \(log.duplicated) duplicated, \(log.reordered) reordered per key; \
            group: \(tally.read) read, \(tally.missing(of: Self.messages, unacknowledged: Set(sent.unacknowledged))) missing, \
            \(tally.duplicated) re-read: \(tally.rereadAfterTheKill) by the killed member's replacement (one commit \
            interval of the killed member: \(bound)), \(tally.duplicated - tally.rereadAfterTheKill) after noida restarts \
            (\(tally.rereadByTheSameMember) by the member that had read them, the rest by members the re-formed group \
            gave the partitions to: noida forgets the latest commits when it stops); \
            waited for the group \(readByGroup)
            """
        print(report)
        try report.write(toFile: folder + "/report.txt", atomically: true, encoding: .utf8)
        #expect(sent.acknowledged + sent.unacknowledged.count == Self.messages)
        #expect(log.missing == 0, "acknowledged but not in the log: \(log.missingExamples)")
        #expect(log.duplicated == 0, "written twice: \(log.duplicatedExamples)")
        #expect(log.reordered == 0, "out of order per key: \(log.reorderedExamples)")
        #expect(tally.missing(of: Self.messages, unacknowledged: Set(sent.unacknowledged)) == 0, "the group missed messages")
        #expect(tally.rereadAfterTheKill <= bound,
                "the replacement re-read \(tally.rereadAfterTheKill) after the kill, more than one commit interval (\(bound))")
        if !SoakEvents.restartsWanted {
            #expect(tally.duplicated == tally.rereadAfterTheKill, "re-reads without a restart or kill behind them")
        }
        #expect(faults.cuts > 0 && faults.stalls > 0 && faults.delays > 0 && restarts == (SoakEvents.restartsWanted ? 2 : 0))
    }

    /// Sends every message: key "k<i>", value "<i>:<seq>", seq by seq over all keys, each to the
    /// partition murmur2 gives its key (named, so the ledger knows where its report comes from).
    static func produce(connector: KafkaProducer, topic: String, ledger: SoakLedger) async throws {
        let partitionOf = (0..<keys).map { key in Array("k\(key)".utf8).withUnsafeBytes { Murmur2.partition(forKey: $0, partitionCount: Int32(partitions)) } }
        for seq in 0..<perKey {
            for key in 0..<keys {
                let id = Int32(key * perKey + seq)
                let partition = partitionOf[key]
                let value = Array("\(key):\(seq)".utf8)
                let keyBytes = Array("k\(key)".utf8)
                while true {
                    ledger.sending(id, to: partition)
                    let status = connector.send(topic: topic, value: value, key: keyBytes, partition: partition)
                    if status != .queueFull { break }
                    ledger.notSent(to: partition)
                    await connector.waitForRoom(bytes: value.count + keyBytes.count)
                }
            }
        }
    }

    /// Before anything depends on it, the proxy carries librdkafka's produce and consume intact.
    static func proveProxy(_ proxy: KafkaProxy) async throws {
        let topic = uniqueTopicName("soak-proof")
        try await ServerUnderTest.noida.createTopic(topic, partitions: 2)
        let records = (0..<100).map { PeerRecord(partition: Int32($0 % 2), key: Data("k\($0)".utf8), value: Data("proof \($0)".utf8)) }
        let produced = try await Peer.produce(records, topic: topic, address: proxy.bootstrap)
        try #require(produced.errors.isEmpty && produced.delivered.count == 100, "librdkafka through the proxy: \(produced.errors)")
        let read = try await Peer.jsonLines(ConsumedRecord.self, "peer_consume.py", args: [
            "--client", "confluent", "--bootstrap", proxy.bootstrap, "--topic", topic, "--from-beginning", "--count", "100",
        ])
        try #require(Set(read.compactMap(\.value)) == Set(records.compactMap(\.value)), "librdkafka read back through the proxy")
        try #require(proxy.stats.rewritten > 0, "the proxy kept librdkafka behind it")
    }

    /// Waits until the group's members (the killed one too) have printed at least `expected` lines
    /// (duplicates only add), at most 10 minutes.
    static func waitForTheGroup(folder: String, expected: Int) async throws -> Duration {
        let started = ContinuousClock.now
        var previous = -1
        var still = 0
        while ContinuousClock.now - started < .seconds(600) {
            let outputs = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            let printed = outputs.filter { $0.hasPrefix("member-") && $0.hasSuffix(".txt") }.reduce(0) { count, name in
                count + fileBytes(folder + "/" + name).reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            }
            still = printed == previous ? still + 1 : 0
            // Everything read, and nothing new for a few seconds (a re-read may be under way).
            if printed >= expected && still >= 3 { break }
            previous = printed
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
        return ContinuousClock.now - started
    }

    struct GroupTally {
        var read = 0
        /// How many times each message was printed, over every member's output.
        var copies: [UInt8]
        /// Which outputs printed each message: bit 0 the killed member's, bit 1 its replacement's.
        var printedBy: [UInt8]
        /// Lines a member printed again for an offset it had printed before (after a rejoin that
        /// found older commits: noida loses the last commits when it shuts down).
        var rereadByTheSameMember = 0
        var duplicated: Int { copies.reduce(0) { $0 + max(Int($1) - 1, 0) } }
        /// Messages both the killed member and its replacement printed: what the kill cost.
        var rereadAfterTheKill: Int { printedBy.reduce(0) { $0 + ($1 == 0b11 ? 1 : 0) } }

        func missing(of total: Int, unacknowledged: Set<Int32>) -> Int {
            copies.indices.reduce(0) { $0 + (copies[$1] == 0 && !unacknowledged.contains(Int32($1)) ? 1 : 0) }
        }
    }

    /// Counts every "<key>:<seq> <partition> <offset>" line of the members' outputs; `killed` and
    /// `replacement` name the outputs of the member killed and of the one started in its place.
    static func tally(outputs: [String], killed: String, replacement: String) throws -> GroupTally {
        var tally = GroupTally(copies: Array(repeating: 0, count: messages), printedBy: Array(repeating: 0, count: messages))
        for path in outputs {
            let data = fileBytes(path)
            let name = URL(fileURLWithPath: path).lastPathComponent
            let bit: UInt8 = name == killed ? 0b01 : name == replacement ? 0b10 : 0
            var highest: [Int: Int] = [:]
            for line in data.split(separator: 0x0A) {
                let fields = line.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
                guard fields.count == 3, let colon = fields[0].firstIndex(of: ":"),
                      let key = Int(fields[0][..<colon]), let seq = Int(fields[0][fields[0].index(after: colon)...]),
                      let partition = Int(fields[1]), let offset = Int(fields[2]) else { continue }
                tally.read += 1
                if let before = highest[partition], offset <= before { tally.rereadByTheSameMember += 1 }
                highest[partition] = max(highest[partition] ?? -1, offset)
                let id = key * perKey + seq
                guard tally.copies.indices.contains(id) else { continue }
                if tally.copies[id] < 255 { tally.copies[id] += 1 }
                tally.printedBy[id] |= bit
            }
        }
        return tally
    }
}

/// What peer_soak_verify.py prints.
struct SoakReadBack: Decodable {
    var read: Int
    var distinct: Int
    var missing: Int
    var duplicated: Int
    var reordered: Int
    var missingExamples: [String]
    var duplicatedExamples: [String]
    var reorderedExamples: [String]

    enum CodingKeys: String, CodingKey {
        case read, distinct, missing, duplicated, reordered
        case missingExamples = "missing_examples", duplicatedExamples = "duplicated_examples", reorderedExamples = "reordered_examples"
    }
}

/// The proxy's faults while the soak produces: every connection cut every 3 s, answers delayed
/// by 300 ms for 2 s out of every 7, one connection stalled (its answers withheld until the
/// client's request timeout gives up on it) every 13 s.
final class FaultSchedule: @unchecked Sendable {
    let proxy: KafkaProxy
    private let lock = NSLock()
    private var counts = (cuts: 0, delays: 0, stalls: 0)

    init(proxy: KafkaProxy) { self.proxy = proxy }

    var cuts: Int { lock.withLock { counts.cuts } }
    var delays: Int { lock.withLock { counts.delays } }
    var stalls: Int { lock.withLock { counts.stalls } }

    func run() async {
        var second = 0
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: 1_000_000_000)
            second += 1
            if second % 3 == 0 {
                proxy.cutAll()
                lock.withLock { counts.cuts += 1 }
            }
            if second % 7 == 0 {
                proxy.delayAnswers(by: .milliseconds(300))
                lock.withLock { counts.delays += 1 }
            } else if second % 7 == 2 {
                proxy.delayAnswers(by: .zero)
            }
            if second % 13 == 0, proxy.stallOneConnection() { lock.withLock { counts.stalls += 1 } }
        }
        proxy.delayAnswers(by: .zero)
    }
}

/// The soak's events, each once the producer has got that far: noida restarted (SIGTERM) at 25%
/// and 60% acknowledged, the second group member killed (SIGKILL) at 40% and started again. The
/// killed member's output is sampled until then, for the messages it printed within one commit
/// interval before it died: what its partitions' next owners may read again.
final class SoakEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var current: [SoakConsumer]
    private let restart: @Sendable (SoakConsumer) throws -> SoakConsumer
    private var restartCount = 0
    private var bound = 0

    init(members: [SoakConsumer], restart: @escaping @Sendable (SoakConsumer) throws -> SoakConsumer) {
        current = members
        self.restart = restart
    }

    /// KAFKA_FAST_SOAK_RESTARTS=0 leaves noida alone (to tell its restarts' effects from the rest).
    static var restartsWanted: Bool { ProcessInfo.processInfo.environment["KAFKA_FAST_SOAK_RESTARTS"] != "0" }

    var members: [SoakConsumer] { lock.withLock { current } }
    var restarts: Int { lock.withLock { restartCount } }
    var rereadBound: Int { lock.withLock { bound } }

    func run(progress: @Sendable () -> Double) async {
        var done: Set<String> = []
        var samples: [(at: ContinuousClock.Instant, lines: Int)] = []
        while done.count < 3 {
            let reached = progress()
            if reached >= 0.25, done.insert("restart 1").inserted, Self.restartsWanted, (try? await TestBrokers.noidaRestart()) != nil {
                lock.withLock { restartCount += 1 }
            }
            if reached >= 0.40, done.insert("kill").inserted {
                let victim = members[1]
                let now = ContinuousClock.now
                let lines = victim.lines
                let interval = Duration.milliseconds(SoakConsumer.commitIntervalMs) + .seconds(1)
                let earlier = samples.last { now - $0.at >= interval }?.lines ?? 0
                victim.kill()
                let replacement = try? restart(victim)
                lock.withLock {
                    bound = lines - earlier
                    if let replacement { current[1] = replacement }
                }
            }
            if reached >= 0.60, done.insert("restart 2").inserted, Self.restartsWanted, (try? await TestBrokers.noidaRestart()) != nil {
                lock.withLock { restartCount += 1 }
            }
            if !done.contains("kill") { samples.append((.now, members[1].lines)) }
            try? await Task.sleep(nanoseconds: 500_000_000)
        }
    }
}

extension SoakConsumer {
    /// A new member in place of a killed one, writing to `output`.
    static func replacing(_: SoakConsumer, bootstrap: String, topic: String, group: String, output: String) throws -> SoakConsumer {
        try SoakConsumer(bootstrap: bootstrap, topic: topic, group: group, instance: 1, output: output)
    }
}
