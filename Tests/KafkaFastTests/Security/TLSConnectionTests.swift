import Foundation
import Testing

@testable import KafkaFast

/// TLS through stunnel4: server verification with SNI and host names, mTLS on three brokers,
/// the ways of giving keys and CAs, and one clear line for each way a handshake fails.
@Suite struct TLSConnectionTests {
    @Test func tlsToTansuByHostNameAndLibrdkafkaReadsIt() async throws {
        let properties = try SecureServers.properties(.tlsTansu)
        let client = try KafkaClient(config: SecureServers.config(properties))
        defer { client.close() }
        let metadata = try await client.metadata(refresh: true)
        #expect(metadata.brokers.values.map(\.address.host) == ["localhost"])
        let topic = uniqueTopicName("tls")
        try await client.createTopic(topic, partitions: 2)
        let records = SaslInteropTests.records(tag: "tls", count: 10)
        try await SaslInteropTests.produceWithOurClient(records, topic: topic, client: client)
        let read = try await Peer.consume(topic: topic, count: records.count, properties: properties)
        #expect(SaslInteropTests.normalized(read) == SaslInteropTests.normalized(records))
    }

    /// Every broker of the mock behind mTLS; the key given four ways librdkafka takes it.
    @Test func mutualTLSOnThreeBrokersWithEveryKeyForm() async throws {
        let base = try SecureServers.properties(.mtlsMock)
        let topic = uniqueTopicName("mtls")
        try await MockCluster.createTopicLedByEveryBroker(topic, environment: "KAFKA_FAST_MTLS_MOCK_CONTROL")
        let client = try KafkaClient(config: SecureServers.config(base))
        defer { client.close() }
        let records = SaslInteropTests.records(tag: "mtls", count: 30)
        try await SaslInteropTests.produceWithOurClient(records, topic: topic, client: client)
        let read = try await Peer.consume(topic: topic, count: records.count, properties: base)
        #expect(SaslInteropTests.normalized(read) == SaslInteropTests.normalized(records))

        let certs = try SecureServers.certificates()
        let pem = { (name: String) in try String(contentsOfFile: certs + "/" + name, encoding: .utf8) }
        var encrypted = base
        encrypted["ssl.key.location"] = certs + "/client-enc.key"
        encrypted["ssl.key.password"] = "key-secret"
        var keystore = base.filter { !$0.key.hasPrefix("ssl.certificate") && !$0.key.hasPrefix("ssl.key") }
        keystore["ssl.keystore.location"] = certs + "/client.p12"
        keystore["ssl.keystore.password"] = "store-secret"
        var inline = base.filter { !$0.key.hasPrefix("ssl.") }
        inline["ssl.ca.pem"] = try pem("ca.pem")
        inline["ssl.certificate.pem"] = try pem("client.pem")
        inline["ssl.key.pem"] = try pem("client.key")
        var directory = base
        directory["ssl.ca.location"] = certs
        for properties in [encrypted, keystore, inline, directory] {
            let other = try KafkaClient(config: SecureServers.config(properties))
            defer { other.close() }
            #expect(try await other.metadata(refresh: true).brokers.count == 3)
        }
    }

    struct FailureCase: Sendable, CustomStringConvertible {
        var description: String
        var properties: @Sendable () throws -> [String: String]
        /// What the one line must say (after "TLS handshake with broker HOST:PORT failed: " where TLS failed).
        var expected: @Sendable () throws -> String
    }

    static let failures: [FailureCase] = [
        FailureCase(description: "untrusted CA, system store", properties: {
            try SecureServers.properties(.tlsTansu).filter { $0.key != "ssl.ca.location" }
        }, expected: {
            "the broker's certificate (localhost, issued by kafka-fast test CA) is not signed by a CA in the system trust store"
        }),
        FailureCase(description: "untrusted CA, another CA file", properties: {
            var p = try SecureServers.properties(.tlsTansu)
            p["ssl.ca.location"] = try SecureServers.certificate("other-ca.pem")
            return p
        }, expected: { "is not signed by a CA in ssl.ca.location=\(try SecureServers.certificate("other-ca.pem"))" }),
        FailureCase(description: "hostname mismatch", properties: {
            var p = try SecureServers.properties(.tlsTansu)
            p["bootstrap.servers"] = try TestEnvironment.value("KAFKA_FAST_TLS_WRONGHOST")
            return p
        }, expected: { "the broker's certificate does not name host '127.0.0.1': it names DNS:wrong.example.com, CN=wrong.example.com" }),
        FailureCase(description: "expired server certificate", properties: {
            var p = try SecureServers.properties(.tlsTansu)
            p["bootstrap.servers"] = try TestEnvironment.value("KAFKA_FAST_TLS_EXPIRED")
            return p
        }, expected: { "the broker's certificate expired on 2020-02-01 00:00 UTC" }),
        FailureCase(description: "missing client certificate", properties: {
            try SecureServers.properties(.mtlsMock).filter { !$0.key.hasPrefix("ssl.certificate") && !$0.key.hasPrefix("ssl.key") }
        }, expected: { "client certificate (mTLS): set ssl.certificate.location and ssl.key.location" }),
        FailureCase(description: "expired client certificate", properties: {
            var p = try SecureServers.properties(.mtlsMock)
            p["ssl.certificate.location"] = try SecureServers.certificate("client-expired.pem")
            p["ssl.key.location"] = try SecureServers.certificate("client-expired.key")
            return p
        }, expected: { "the client certificate expired on 2020-02-01 00:00 UTC" }),
        FailureCase(description: "TLS to a plaintext port", properties: {
            ["bootstrap.servers": try TestEnvironment.value("KAFKA_FAST_SCRAM_TANSU"), "security.protocol": "ssl",
             "ssl.ca.location": try SecureServers.certificate("ca.pem"), "socket.connection.setup.timeout.ms": "1500"]
        }, expected: { "no TLS answer within 1500 ms: the port may not speak TLS" }),
        FailureCase(description: "plaintext to a TLS port", properties: {
            ["bootstrap.servers": try TestEnvironment.value("KAFKA_FAST_TLS_TANSU")]
        }, expected: { "the connection was closed before the broker answered ApiVersions (if this port expects TLS, set security.protocol=ssl or sasl_ssl)" }),
    ]

    @Test(arguments: failures)
    func eachFailureIsOneLineThatSaysWhy(_ failure: FailureCase) async throws {
        let expected = try failure.expected()
        var line = ""
        do {
            let client = try KafkaClient(config: SecureServers.config(failure.properties()))
            defer { client.close() }
            _ = try await client.metadata(refresh: true)
            Issue.record("\(failure) connected")
        } catch {
            line = "\(error)"
        }
        #expect(line.contains(expected), "\(line)")
        #expect(!line.contains("\n"))
    }

    /// The fronts are what the tests say they are: librdkafka refuses the same certificates, and
    /// our client with the host name check off accepts the wrong-host one (still checking its CA).
    @Test func librdkafkaAgreesAndTheHostNameCheckCanBeTurnedOff() async throws {
        var wrongHost = try SecureServers.properties(.tlsTansu)
        wrongHost["bootstrap.servers"] = try TestEnvironment.value("KAFKA_FAST_TLS_WRONGHOST")
        let peer = try await Peer.authenticate(wrongHost, timeout: 8)
        #expect(!peer.ok && (peer.error ?? "").contains("certificate verify failed"), "\(peer.error ?? "accepted")")
        var expired = wrongHost
        expired["bootstrap.servers"] = try TestEnvironment.value("KAFKA_FAST_TLS_EXPIRED")
        let peerExpired = try await Peer.authenticate(expired, timeout: 8)
        #expect(!peerExpired.ok && (peerExpired.error ?? "").contains("certificate verify failed"), "\(peerExpired.error ?? "accepted")")

        wrongHost["ssl.endpoint.identification.algorithm"] = "none"
        let client = try KafkaClient(config: SecureServers.config(wrongHost))
        defer { client.close() }
        // Metadata names localhost, whose certificate is right: the point is the first, wrong-host dial.
        #expect(try await client.metadata(refresh: true).brokers.count == 1)
    }
}
