// The secured servers `make test` starts beside the plaintext ones (Tests/Harness/secure-servers.sh):
// stunnel4 TLS and mTLS fronts, the SASL front of our own (sasl_front.py, proved by the peers in
// SaslInteropTests before our client is judged by it), Tansu with --authentication, and the
// certificates made by openssl for this run.

import Foundation

@testable import KafkaFast

/// One way in, with the client properties it takes.
enum SecureListener: String, CaseIterable, Sendable, CustomStringConvertible {
    /// stunnel TLS -> Tansu, advertised as localhost (SNI, DNS SAN).
    case tlsTansu = "KAFKA_FAST_TLS_TANSU"
    /// stunnel mTLS -> each broker of a 3-broker mock cluster, advertised as 127.0.0.1 (IP SAN).
    case mtlsMock = "KAFKA_FAST_MTLS_MOCK"
    /// sasl_front.py -> Tansu, with 6 s SASL sessions (KIP-368 re-authentication).
    case saslTansu = "KAFKA_FAST_SASL_TANSU"
    /// stunnel TLS -> sasl_front.py -> Tansu.
    case saslSslTansu = "KAFKA_FAST_SASL_SSL_TANSU"
    /// stunnel TLS -> sasl_front.py -> each broker of a 3-broker mock cluster.
    case saslSslMock = "KAFKA_FAST_SASL_SSL_MOCK"

    var description: String { rawValue }
    func bootstrap() throws -> String { try TestEnvironment.value(rawValue) }
}

/// A SASL login for the tests: the mechanism and the credentials the front knows (or not).
enum SaslLogin: String, CaseIterable, Sendable, CustomStringConvertible {
    case plain = "PLAIN"
    case scram256 = "SCRAM-SHA-256"
    case scram512 = "SCRAM-SHA-512"
    case oauthBearer = "OAUTHBEARER"

    var description: String { rawValue }
}

enum SecureServers {
    static func certificates() throws -> String { try TestEnvironment.value("KAFKA_FAST_CERTS") }
    static func certificate(_ name: String) throws -> String { try certificates() + "/" + name }

    /// TLS trusting the test CA (and, with `client`, presenting the client certificate).
    static func tls(client: Bool = false) throws -> [String: String] {
        var properties = ["ssl.ca.location": try certificate("ca.pem")]
        if client {
            properties["ssl.certificate.location"] = try certificate("client.pem")
            properties["ssl.key.location"] = try certificate("client.key")
        }
        return properties
    }

    /// The properties of a login as `user` (the front knows alice and bob); `wrong` gives a bad
    /// password, or a principal the front does not accept for OAUTHBEARER.
    static func sasl(_ login: SaslLogin, user: String = "alice", wrong: Bool = false) -> [String: String] {
        switch login {
        case .oauthBearer:
            return ["sasl.mechanisms": "OAUTHBEARER", "enable.sasl.oauthbearer.unsecure.jwt": "true",
                    "sasl.oauthbearer.config": "principal=\(wrong ? "mallory" : user)"]
        default:
            return ["sasl.mechanisms": login.rawValue, "sasl.username": user,
                    "sasl.password": wrong ? "not-\(user)-secret" : "\(user)-secret"]
        }
    }

    /// Everything a listener needs besides the login.
    static func properties(_ listener: SecureListener, _ login: SaslLogin? = nil, user: String = "alice",
                           wrong: Bool = false) throws -> [String: String] {
        var properties = ["bootstrap.servers": try listener.bootstrap()]
        switch listener {
        case .tlsTansu: properties["security.protocol"] = "ssl"; properties.merge(try tls()) { $1 }
        case .mtlsMock: properties["security.protocol"] = "ssl"; properties.merge(try tls(client: true)) { $1 }
        case .saslTansu: properties["security.protocol"] = "sasl_plaintext"
        case .saslSslTansu, .saslSslMock: properties["security.protocol"] = "sasl_ssl"; properties.merge(try tls()) { $1 }
        }
        if let login { properties.merge(sasl(login, user: user, wrong: wrong)) { $1 } }
        return properties
    }

    static func config(_ properties: [String: String]) throws -> KafkaConfiguration { try KafkaConfiguration(properties) }

    /// `-X name=value` arguments for kfast, kcat and the peers.
    static func arguments(_ properties: [String: String]) -> [String] {
        properties.sorted { $0.key < $1.key }.filter { $0.key != "bootstrap.servers" }.flatMap { ["-X", "\($0.key)=\($0.value)"] }
    }

    /// The front's login counters: "MECHANISM user" -> ok / failed / reauthenticated.
    static func frontStatistics() throws -> [String: [String: Int]] {
        let path = try TestEnvironment.value("KAFKA_FAST_SASL_FRONT_STATS")
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return (try? JSONDecoder().decode([String: [String: Int]].self, from: data)) ?? [:]
    }
}

/// What peer_auth.py prints.
struct PeerAuthReport: Decodable, Sendable {
    var ok: Bool
    var error: String?
    var brokers: [[PeerAuthBrokerField]]?
}

enum PeerAuthBrokerField: Decodable, Sendable {
    case id(Int)
    case address(String)

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let id = try? container.decode(Int.self) { self = .id(id) } else { self = .address(try container.decode(String.self)) }
    }
}

extension Peer {
    /// librdkafka logs in with `properties` and lists the brokers (peer_auth.py).
    static func authenticate(_ properties: [String: String], timeout: TimeInterval = 15) async throws -> PeerAuthReport {
        try await json(PeerAuthReport.self, "peer_auth.py", args: [
            "--bootstrap", properties["bootstrap.servers"] ?? "", "--timeout", "\(timeout)",
        ] + SecureServers.arguments(properties), timeout: timeout + 30)
    }

    /// peer_produce.py with confluent-kafka and the given client properties.
    static func produce(_ records: [PeerRecord], topic: String, properties: [String: String]) async throws -> ProduceReport {
        let encoder = JSONEncoder()
        let lines = try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        return try await json(ProduceReport.self, "peer_produce.py", args: [
            "--client", "confluent", "--bootstrap", properties["bootstrap.servers"] ?? "", "--topic", topic, "--messages", "-",
        ] + SecureServers.arguments(properties), stdin: lines.joined(separator: "\n") + "\n", acceptedStatuses: [0, 2])
    }

    /// peer_consume.py with confluent-kafka from the beginning until `count` messages arrived.
    static func consume(topic: String, count: Int, properties: [String: String], timeout: TimeInterval = 30) async throws -> [ConsumedRecord] {
        try await jsonLines(ConsumedRecord.self, "peer_consume.py", args: [
            "--client", "confluent", "--bootstrap", properties["bootstrap.servers"] ?? "", "--topic", topic,
            "--from-beginning", "--count", "\(count)", "--timeout", "\(timeout)",
        ] + SecureServers.arguments(properties), timeout: timeout + 30)
    }

    /// Debian's kcat (librdkafka 2.0.2) lists the cluster's brokers with `properties`.
    static func kcatList(_ properties: [String: String]) async throws -> Output {
        try await execute("/usr/bin/kcat", arguments: ["-L", "-m", "5", "-b", properties["bootstrap.servers"] ?? ""]
            + SecureServers.arguments(properties), stdin: nil, timeout: 30)
    }
}
