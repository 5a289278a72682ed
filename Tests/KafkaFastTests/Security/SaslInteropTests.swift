import Foundation
import NIOCore
import Testing

@testable import KafkaFast

/// SASL with every mechanism. The SASL front (Tests/Harness/sasl_front.py) is ours, so each test
/// first has the peers prove it: librdkafka 2.16 (confluent-kafka) and librdkafka 2.0.2 (Debian's
/// kcat) log in through it and are refused with a wrong password. Only then is our client judged
/// by it: it and confluent-kafka produce through sasl_ssl and read each other's messages byte-exact.
@Suite struct SaslInteropTests {
    @Test(arguments: SaslLogin.allCases)
    func peersProveTheFrontThenOurClientAndLibrdkafkaReadEachOther(_ login: SaslLogin) async throws {
        // 1. The front, proved by librdkafka: on Tansu (confluent-kafka) and on the 3-broker mock (kcat).
        let good = try await Peer.authenticate(SecureServers.properties(.saslSslTansu, login))
        #expect(good.ok, "confluent-kafka could not log in with \(login): \(good.error ?? "")")
        let bad = try await Peer.authenticate(SecureServers.properties(.saslSslTansu, login, wrong: true))
        #expect(!bad.ok && (bad.error ?? "").contains("Authentication failed"), "\(bad.error ?? "logged in")")
        let kcat = try await Peer.kcatList(SecureServers.properties(.saslSslMock, login))
        #expect(kcat.status == 0 && kcat.stdout.contains(" 3 brokers:"), "kcat: \(kcat.stderr)")
        let kcatBad = try await Peer.kcatList(SecureServers.properties(.saslSslMock, login, wrong: true))
        #expect(kcatBad.status != 0 && kcatBad.stderr.contains("Authentication failed"), "kcat: \(kcatBad.stderr)")
        try #require(good.ok && !bad.ok, "the SASL front is not proved: our client is not judged by it")

        // 2. Our client and librdkafka through sasl_ssl, each reading what the other wrote.
        let properties = try SecureServers.properties(.saslSslTansu, login)
        let topic = uniqueTopicName("sasl-\(login)")
        let client = try KafkaClient(config: SecureServers.config(properties))
        defer { client.close() }
        try await client.createTopic(topic, partitions: 2)
        let ours = Self.records(tag: "ours-\(login)")
        try await Self.produceWithOurClient(ours, topic: topic, client: client)
        let readByPeer = try await Peer.consume(topic: topic, count: ours.count, properties: properties)
        #expect(Self.normalized(readByPeer) == Self.normalized(ours))

        let theirs = Self.records(tag: "librdkafka-\(login)")
        let report = try await Peer.produce(theirs, topic: topic, properties: properties)
        #expect(report.errors.isEmpty && report.delivered.count == theirs.count, "\(report.errors)")
        let readByUs = try await Self.consumeWithOurClient(topic: topic, client: client)
        #expect(Self.normalized(readByUs) == Self.normalized(ours + theirs))
    }

    /// Three brokers behind TLS and the front: every connection (bootstrap, leaders) logs in.
    @Test func scramOnAThreeBrokerClusterThroughTLS() async throws {
        let properties = try SecureServers.properties(.saslSslMock, .scram512, user: "bob")
        let topic = uniqueTopicName("sasl-mock")
        try await MockCluster.createTopicLedByEveryBroker(topic, environment: "KAFKA_FAST_SASL_SSL_MOCK_CONTROL")
        let client = try KafkaClient(config: SecureServers.config(properties))
        defer { client.close() }
        let records = Self.records(tag: "mock", count: 60)
        try await Self.produceWithOurClient(records, topic: topic, client: client)
        let leaders = Set(try await client.metadata(topics: [topic], refresh: true).topics[topic]?.partitions.map(\.leader) ?? [])
        #expect(leaders.count == 3, "leaders \(leaders)")
        let read = try await Peer.consume(topic: topic, count: records.count, properties: properties)
        #expect(Self.normalized(read) == Self.normalized(records))
        #expect(Self.normalized(try await Self.consumeWithOurClient(topic: topic, client: client)) == Self.normalized(records))
    }

    /// noida answers PLAIN for real (any password); Tansu --authentication runs SCRAM to its
    /// unknown-user answer; noida offers only PLAIN, so SCRAM there names what it offers.
    @Test func realServersPlainSuccessScramRefusalAndMechanismNotEnabled() async throws {
        let noida = try TestBrokers.address(.noida)
        let plain = try KafkaClient(config: KafkaConfiguration([
            "bootstrap.servers": noida, "security.protocol": "sasl_plaintext", "sasl.mechanisms": "PLAIN",
            "sasl.username": "alice", "sasl.password": "anything",
        ]))
        defer { plain.close() }
        #expect(try await plain.metadata(refresh: true).brokers.count == 1)

        let scram = try KafkaClient(config: KafkaConfiguration([
            "bootstrap.servers": try TestEnvironment.value("KAFKA_FAST_SCRAM_TANSU"), "security.protocol": "sasl_plaintext",
            "sasl.mechanisms": "SCRAM-SHA-512", "sasl.username": "alice", "sasl.password": "alice-secret",
        ]))
        defer { scram.close() }
        await #expect(throws: KafkaError.self) { try await scram.metadata(refresh: true) }
        do {
            _ = try await scram.metadata(refresh: true)
        } catch {
            #expect(error.description.hasPrefix("authentication failed for user 'alice' with SCRAM-SHA-512: the broker answered e=unknown-user"),
                    "\(error)")
        }

        let notEnabled = try KafkaClient(config: KafkaConfiguration([
            "bootstrap.servers": noida, "security.protocol": "sasl_plaintext", "sasl.mechanisms": "SCRAM-SHA-256",
            "sasl.username": "alice", "sasl.password": "x",
        ]))
        defer { notEnabled.close() }
        do {
            _ = try await notEnabled.metadata(refresh: true)
            Issue.record("SCRAM was accepted by noida")
        } catch {
            #expect(error.description == "SASL mechanism SCRAM-SHA-256 is not enabled on the broker; it offers: PLAIN (broker \(noida))")
        }
    }

    /// KIP-368: the front gives 6 s sessions and closes a connection used after its session, or
    /// in the middle of a re-authentication. librdkafka proves the front's re-authentication, then
    /// our client keeps one set of connections working for more than two sessions.
    @Test func reauthenticationBeforeTheSessionEnds() async throws {
        let peerProperties = try SecureServers.properties(.saslTansu, .scram256, user: "bob")
        let before = try SecureServers.frontStatistics()["SCRAM-SHA-256 bob"]?["reauthenticated"] ?? 0
        let topic = uniqueTopicName("reauth")
        let peerTopicRecords = Self.records(tag: "peer-reauth", count: 5)
        let client = try KafkaClient(config: SecureServers.config(SecureServers.properties(.saslTansu, .scram512, user: "bob")))
        defer { client.close() }
        try await client.createTopic(topic, partitions: 1)
        // A librdkafka consumer that waits ~8 s for the messages outlives its first session.
        async let peerRead = Peer.consume(topic: topic, count: peerTopicRecords.count, properties: peerProperties, timeout: 40)
        try await Task.sleep(nanoseconds: 8_000_000_000)
        _ = try await Peer.produce(peerTopicRecords, topic: topic, properties: peerProperties)
        #expect(try await peerRead.count == peerTopicRecords.count)
        let proved = (try SecureServers.frontStatistics()["SCRAM-SHA-256 bob"]?["reauthenticated"] ?? 0) - before
        try #require(proved > 0, "librdkafka did not re-authenticate through the front")

        let ours = try SecureServers.frontStatistics()["SCRAM-SHA-512 bob"]?["reauthenticated"] ?? 0
        let connector = try KafkaProducer(client: client)
        var sent = 0
        for round in 0..<13 {  // 13 s: more than two 6 s sessions on the same connections
            _ = try await connector.sendAndWait(topic: topic, value: Array("round \(round)".utf8))
            sent += 1
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
        await connector.close()
        #expect(sent == 13)
        let reauthenticated = (try SecureServers.frontStatistics()["SCRAM-SHA-512 bob"]?["reauthenticated"] ?? 0) - ours
        #expect(reauthenticated >= 2, "our connections re-authenticated \(reauthenticated) times in 13 s of 6 s sessions")
    }

    /// `sasl.oauthbearer.token.command` is run again once 80% of its token's life has passed:
    /// 8 s tokens and 6 s sessions (re-authenticated every 5 s), so the second re-authentication
    /// needs a new token.
    @Test func tokenCommandRunsAgainBeforeItsTokenExpires() async throws {
        let folder = try TestEnvironment.runDirectory() + "/token-command-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = folder + "/token.sh"
        try """
            #!/bin/sh
            echo run >> "\(folder)/runs"
            now=$(date +%s)
            part() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
            printf '%s.%s.\\n' "$(part '{"alg":"none"}')" "$(part "{\\"sub\\":\\"bob\\",\\"iat\\":$now,\\"exp\\":$((now + 8))}")"
            """.write(toFile: script, atomically: true, encoding: .utf8)
        var properties = try SecureServers.properties(.saslTansu)
        properties["sasl.mechanisms"] = "OAUTHBEARER"
        properties["sasl.oauthbearer.token.command"] = "sh \(script)"
        let client = try KafkaClient(config: SecureServers.config(properties))
        defer { client.close() }
        let before = try SecureServers.frontStatistics()["OAUTHBEARER bob"]?["reauthenticated"] ?? 0
        for _ in 0..<12 {
            _ = try await client.metadata(refresh: true)
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
        let runs = (try? String(contentsOfFile: folder + "/runs", encoding: .utf8))?.split(separator: "\n").count ?? 0
        #expect(runs >= 2, "the token command ran \(runs) times in 12 s of 8 s tokens")
        let reauthenticated = (try SecureServers.frontStatistics()["OAUTHBEARER bob"]?["reauthenticated"] ?? 0) - before
        #expect(reauthenticated >= 2, "re-authenticated \(reauthenticated) times")
    }

    // MARK: - helpers

    static func records(tag: String, count: Int = 20) -> [PeerRecord] {
        (0..<count).map { (index: Int) -> PeerRecord in
            let key: Data? = index % 5 == 0 ? nil : Data("\(tag)-key-\(index)".utf8)
            var value: [UInt8] = [0x00, 0xFF, UInt8(index & 0xFF)]
            value += Array("\(tag) value \(index) ✓".utf8)
            let headers: [PeerHeader] = index % 2 == 0 ? [PeerHeader("h", Data("\(index)".utf8)), PeerHeader("empty", nil)] : []
            return PeerRecord(partition: nil, key: key, value: Data(value), headers: headers)
        }
    }

    static func produceWithOurClient(_ records: [PeerRecord], topic: String, client: KafkaClient) async throws {
        let connector = try KafkaProducer(client: client)
        for record in records {
            _ = try await connector.sendAndWait(
                topic: topic, value: record.value.map { Array($0) }, key: record.key.map { Array($0) },
                headers: record.headers.map { MessageHeader($0.name, $0.value.map { Array($0) }) })
        }
        await connector.close()
    }

    static func consumeWithOurClient(topic: String, client: KafkaClient) async throws -> [PeerRecord] {
        let consumer = KafkaPartitionConsumer(client: client)
        defer { consumer.close() }
        var result: [PeerRecord] = []
        for try await message in consumer.tail(topic: topic, from: .beginning, untilEnd: true) {
            result.append(PeerRecord(
                partition: nil, key: message.key.map { Data($0.readableBytesView) }, value: message.value.map { Data($0.readableBytesView) },
                headers: message.headers.map { PeerHeader($0.key, $0.value.map { Data($0.readableBytesView) }) }))
        }
        return result
    }

    /// Key, value and headers, in a stable order (partitions interleave differently per reader).
    static func normalized(_ records: [PeerRecord]) -> [String] {
        func text(_ data: Data?) -> String { data?.base64EncodedString() ?? "null" }
        return records.map { record -> String in
            let headers = record.headers.map { header -> String in header.name + "=" + text(header.value) }
            return text(record.key) + "|" + text(record.value) + "|" + headers.joined(separator: ",")
        }.sorted()
    }

    static func normalized(_ records: [ConsumedRecord]) -> [String] {
        normalized(records.map { PeerRecord(partition: nil, key: $0.key, value: $0.value, headers: $0.headers) })
    }
}
