import Foundation
import Testing

@testable import KafkaFast

/// `kfast` against secured clusters with the settings given three ways (-X, -F, a profile),
/// its one-line failures, its config files and that no output ever shows a secret.
@Suite struct CLISecurityTests {
    enum Source: String, CaseIterable, Sendable { case commandLine = "-X", file = "-F", profile = "--profile" }

    struct Setup: Sendable, CustomStringConvertible {
        var description: String
        var listener: SecureListener
        var properties: @Sendable () throws -> [String: String]
        /// The mock lacks ListGroups: `kfast groups` runs on the Tansu setups.
        var hasGroups: Bool { listener != .mtlsMock && listener != .saslSslMock }
    }

    static let setups: [Setup] = [
        Setup(description: "ssl", listener: .tlsTansu) { try SecureServers.properties(.tlsTansu) },
        Setup(description: "mTLS, 3 brokers", listener: .mtlsMock) { try SecureServers.properties(.mtlsMock) },
        Setup(description: "sasl_plaintext PLAIN", listener: .saslTansu) { try SecureServers.properties(.saslTansu, .plain) },
        Setup(description: "sasl_ssl SCRAM-SHA-256", listener: .saslSslTansu) { try SecureServers.properties(.saslSslTansu, .scram256) },
        Setup(description: "sasl_ssl SCRAM-SHA-512, 3 brokers", listener: .saslSslMock) {
            try SecureServers.properties(.saslSslMock, .scram512)
        },
        Setup(description: "sasl_ssl OAUTHBEARER OIDC over https", listener: .saslSslTansu) {
            var p = try SecureServers.properties(.saslSslTansu)
            p["sasl.mechanisms"] = "OAUTHBEARER"
            p["sasl.oauthbearer.method"] = "oidc"
            p["sasl.oauthbearer.client.id"] = "kfast-client"
            p["sasl.oauthbearer.client.secret"] = "oidc-secret"
            p["sasl.oauthbearer.token.endpoint.url"] = try TestEnvironment.value("KAFKA_FAST_OIDC_HTTPS")
            return p
        },
        Setup(description: "sasl_ssl OAUTHBEARER token command, 3 brokers", listener: .saslSslMock) {
            var p = try SecureServers.properties(.saslSslMock)
            let now = Int64(Date().timeIntervalSince1970)
            let token = OAuthBearerTokenSource.unsecuredJWT(principal: "alice", scopes: [], issuedAt: now, lifeSeconds: 3600)
            p["sasl.mechanisms"] = "OAUTHBEARER"
            p["sasl.oauthbearer.token.command"] = "echo \(token)"
            return p
        },
    ]

    static var cases: [(Setup, Source)] { setups.flatMap { setup in Source.allCases.map { (setup, $0) } } }

    @Test(arguments: cases)
    func everyCommandWorksWithTheSettingsFromEachSource(_ setup: Setup, _ source: Source) async throws {
        let properties = try setup.properties()
        let (arguments, environment) = try Self.connect(properties, via: source, name: "\(setup)-\(source)")
        let topic = uniqueTopicName("cli-sec")
        if setup.listener == .mtlsMock || setup.listener == .saslSslMock {
            let control = setup.listener == .mtlsMock ? "KAFKA_FAST_MTLS_MOCK_CONTROL" : "KAFKA_FAST_SASL_SSL_MOCK_CONTROL"
            try await MockCluster.control("create_topic", ["topic": topic, "partitions": 3, "replication": 3], environment: control)
        } else {
            let created = try await Kfast.run(["create-topic", topic, "-p", "2"] + arguments, environment: environment)
            try #require(created.status == 0, "\(created.stderr)")
        }
        let topics = try await Kfast.run(["topics", "-t", topic] + arguments, environment: environment)
        #expect(topics.status == 0 && topics.stdout.contains(topic), "\(topics.stderr)")
        let produced = try await Kfast.run(["produce", "-t", topic] + arguments, environment: environment, stdin: "one\ntwo\nthree\n")
        #expect(produced.status == 0 && produced.stderr == "delivered 3 messages to \(topic)\n", "\(produced.stderr)")
        let consumed = try await Kfast.run(["consume", "-t", topic, "-e"] + arguments, environment: environment)
        #expect(consumed.status == 0, "\(consumed.stderr)")
        #expect(consumed.stdout.split(separator: "\n").sorted() == ["one", "three", "two"])
        let offsets = try await Kfast.run(["offsets", "-t", topic, "--json"] + arguments, environment: environment)
        #expect(offsets.status == 0 && offsets.stdout.contains("\"topic\":\"\(topic)\""), "\(offsets.stderr)")
        if setup.hasGroups {
            let groups = try await Kfast.run(["groups"] + arguments, environment: environment)
            #expect(groups.status == 0, "\(groups.stderr)")
        }
    }

    /// Every failure is one line on stderr and exit 1.
    @Test func failuresAreOneLineAndExitOne() async throws {
        var checks: [(arguments: [String], expected: String)] = []
        for login in SaslLogin.allCases {
            let wrong = try SecureServers.properties(.saslSslTansu, login, wrong: true)
            let user = login == .oauthBearer ? "mallory" : "alice"
            checks.append((["-b", wrong["bootstrap.servers"]!] + SecureServers.arguments(wrong),
                           "authentication failed for user '\(user)' with \(login.rawValue): "))
        }
        let tls = try SecureServers.properties(.tlsTansu)
        checks.append((["-b", tls["bootstrap.servers"]!, "-X", "security.protocol=ssl"], "is not signed by a CA in the system trust store"))
        checks.append((["-b", try TestEnvironment.value("KAFKA_FAST_TLS_WRONGHOST")] + SecureServers.arguments(tls),
                       "does not name host '127.0.0.1': it names DNS:wrong.example.com"))
        let mtls = try SecureServers.properties(.mtlsMock)
        checks.append((["-b", mtls["bootstrap.servers"]!, "-X", "security.protocol=ssl", "-X", "ssl.ca.location=\(mtls["ssl.ca.location"]!)"],
                       "client certificate (mTLS): set ssl.certificate.location and ssl.key.location"))
        checks.append((["-b", mtls["bootstrap.servers"]!] + SecureServers.arguments(mtls) + [
            "-X", "ssl.certificate.location=\(try SecureServers.certificate("client-expired.pem"))",
            "-X", "ssl.key.location=\(try SecureServers.certificate("client-expired.key"))",
        ], "the client certificate expired on 2020-02-01 00:00 UTC"))
        checks.append((["-b", try TestEnvironment.value("KAFKA_FAST_SCRAM_TANSU")] + SecureServers.arguments(tls)
                       + ["-X", "socket.connection.setup.timeout.ms=1500"], "no TLS answer within 1500 ms"))
        checks.append((["-b", tls["bootstrap.servers"]!], "if this port expects TLS, set security.protocol=ssl or sasl_ssl"))
        checks.append((["-b", try TestBrokers.address(.noida), "-X", "security.protocol=sasl_plaintext", "-X", "sasl.mechanisms=SCRAM-SHA-512",
                        "-X", "sasl.username=a", "-X", "sasl.password=b"], "SASL mechanism SCRAM-SHA-512 is not enabled on the broker; it offers: PLAIN"))
        for check in checks {
            let result = try await Kfast.run(["topics"] + check.arguments, environment: Self.isolated())
            #expect(result.status == 1, "\(check.expected): \(result.stderr)")
            #expect(result.stderr.hasPrefix("kfast: ") && result.stderr.contains(check.expected), "\(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        }
    }

    /// The password, the client secret and the token appear in no output of a failing or a
    /// succeeding run: errors, -vv and debug=all logs, statistics JSON, --help, profile listings.
    @Test func secretsAreNeverShown() async throws {
        let wrongPassword = "Wr0ng-\(UUID().uuidString.prefix(8))"
        let now = Int64(Date().timeIntervalSince1970)
        let token = OAuthBearerTokenSource.unsecuredJWT(principal: "alice", scopes: [], issuedAt: now, lifeSeconds: 3600)
        let secrets = ["alice-secret", wrongPassword, "oidc-secret", token, "key-secret"]
        var outputs: [String] = []
        let topic = uniqueTopicName("secrets")
        let good = try SecureServers.properties(.saslSslTansu, .scram512)
        let goodArgs = ["-b", good["bootstrap.servers"]!] + SecureServers.arguments(good)
        try #require(try await Kfast.run(["create-topic", topic, "-p", "1"] + goodArgs, environment: Self.isolated()).status == 0)
        let runs: [[String]] = [
            ["produce", "-t", topic, "-vv", "-X", "debug=all", "-X", "statistics.interval.ms=100"] + goodArgs,
            ["consume", "-t", topic, "-e", "-vv"] + goodArgs,
            ["topics", "-vv", "-X", "debug=all", "-b", good["bootstrap.servers"]!] + SecureServers.arguments(good)
                + ["-X", "sasl.password=\(wrongPassword)"],
            ["topics", "-vv", "-b", good["bootstrap.servers"]!] + SecureServers.arguments(try SecureServers.properties(.saslSslTansu))
                + ["-X", "sasl.mechanisms=OAUTHBEARER", "-X", "sasl.oauthbearer.token=\(token)"],
            ["topics", "-vv", "-b", good["bootstrap.servers"]!] + SecureServers.arguments(try SecureServers.properties(.saslSslTansu))
                + ["-X", "sasl.mechanisms=OAUTHBEARER", "-X", "sasl.oauthbearer.method=oidc", "-X", "sasl.oauthbearer.client.id=kfast-client",
                   "-X", "sasl.oauthbearer.client.secret=oidc-secret", "-X", "sasl.oauthbearer.token.endpoint.url=\(try TestEnvironment.value("KAFKA_FAST_OIDC_HTTP"))"],
            ["topics", "-vv", "-b", good["bootstrap.servers"]!] + SecureServers.arguments(try SecureServers.properties(.saslSslTansu))
                + ["-X", "sasl.mechanisms=OAUTHBEARER", "-X", "sasl.oauthbearer.method=oidc", "-X", "sasl.oauthbearer.client.id=kfast-client",
                   "-X", "sasl.oauthbearer.client.secret=\(wrongPassword)", "-X", "sasl.oauthbearer.token.endpoint.url=\(try TestEnvironment.value("KAFKA_FAST_OIDC_HTTP"))"],
            ["topics", "-vv", "-b", try TestEnvironment.value("KAFKA_FAST_MTLS_MOCK")] + SecureServers.arguments(try SecureServers.properties(.mtlsMock))
                + ["-X", "ssl.key.location=\(try SecureServers.certificate("client-enc.key"))", "-X", "ssl.key.password=key-secret"],
            ["--help"], ["topics", "--help"], ["produce", "--help"], ["dash", "--help"], ["profiles", "--help"],
        ]
        var statuses: [Int32] = []
        for arguments in runs {
            let result = try await Kfast.run(arguments, environment: Self.isolated(), stdin: arguments.first == "produce" ? "one\ntwo\n" : nil)
            statuses.append(result.status)
            outputs += [result.stdout, result.stderr]
        }
        #expect(statuses == [0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0], "\(outputs)")
        #expect(outputs[0].isEmpty && outputs[1].contains("\"brokers\""), "statistics JSON on stderr")

        let (profileArgs, profileEnvironment) = try Self.connect(
            good.merging(["ssl.key.password": "key-secret", "sasl.oauthbearer.client.secret": "oidc-secret"]) { $1 },
            via: .profile, name: "secrets", literalSecrets: true)
        for arguments in [["profiles"], ["profiles", "--properties"], ["profiles", "--json"], ["topics", "-vv"] + profileArgs] {
            let result = try await Kfast.run(arguments, environment: profileEnvironment)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            outputs += [result.stdout, result.stderr]
        }
        #expect(outputs.contains { $0.contains("sasl.password=[redacted]") })
        for output in outputs {
            for secret in secrets { #expect(!output.contains(secret), "a secret was shown: \(output)") }
        }
    }

    @Test func malformedFilesAreOneLineWithFileAndLineAndExitTwo() async throws {
        let folder = try Self.folder("malformed")
        let properties = folder + "/bad.properties"
        try "bootstrap.servers=127.0.0.1:1\njust words\n".write(toFile: properties, atomically: true, encoding: .utf8)
        let file = try await Kfast.run(["topics", "-F", properties], environment: Self.isolated())
        #expect(file.status == 2 && file.stderr == "kfast: \(properties):2: expected property=value\n", "\(file.stderr)")

        try "security.protocol=tls\n".write(toFile: properties, atomically: true, encoding: .utf8)
        let value = try await Kfast.run(["topics", "-F", properties], environment: Self.isolated())
        #expect(value.status == 2 && value.stderr.hasPrefix("kfast: \(properties):1: security.protocol=tls: expected plaintext"), "\(value.stderr)")

        let profiles = folder + "/config.toml"
        try "[profiles.a]\nbrokers = \"h:1\"\ncolor = \"pink\"\n".write(toFile: profiles, atomically: true, encoding: .utf8)
        let profile = try await Kfast.run(["topics", "--profile", "a"], environment: Self.isolated(["KFAST_CONFIG": profiles]))
        #expect(profile.status == 2 && profile.stderr.hasPrefix("kfast: \(profiles):3: color must be one of"), "\(profile.stderr)")

        try "[profiles.a]\nbrokers = \"h:1\"\n".write(toFile: profiles, atomically: true, encoding: .utf8)
        let unknown = try await Kfast.run(["topics"], environment: Self.isolated(["KFAST_CONFIG": profiles, "KFAST_PROFILE": "b"]))
        #expect(unknown.status == 2 && unknown.stderr == "kfast: unknown profile 'b' (\(profiles) has: a)\n", "\(unknown.stderr)")
        let missing = try await Kfast.run(["topics", "-F", folder + "/nope"], environment: Self.isolated())
        #expect(missing.status == 2 && missing.stderr.hasPrefix("kfast: cannot read config file \(folder)/nope: no such file"), "\(missing.stderr)")
    }

    /// defaults < file < profile < environment < -X/-b, seen through which broker a run reaches.
    @Test func precedenceFileProfileEnvironmentCommandLine() async throws {
        let tls = try SecureServers.properties(.tlsTansu)
        let dead = "127.0.0.1:\(try TestPorts.unusedPort())"
        let folder = try Self.folder("precedence")
        // The file says plaintext to a dead broker; the profile overrides both.
        let file = folder + "/kcat.conf"
        try "bootstrap.servers=\(dead)\nsecurity.protocol=plaintext\nclient.id=from-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        let profiles = folder + "/config.toml"
        try """
            [profiles.tls]
            brokers = "\(tls["bootstrap.servers"]!)"
            "security.protocol" = "ssl"
            "ssl.ca.location" = "${CA_FILE}"
            """.write(toFile: profiles, atomically: true, encoding: .utf8)
        let base = Self.isolated(["KFAST_CONFIG": profiles, "CA_FILE": tls["ssl.ca.location"]!])
        let fileOnly = try await Kfast.run(["topics", "-F", file], environment: base)
        #expect(fileOnly.status == 1 && fileOnly.stderr.contains(dead), "\(fileOnly.stderr)")
        let withProfile = try await Kfast.run(["topics", "-F", file, "--profile", "tls"], environment: base)
        #expect(withProfile.status == 0 && withProfile.stdout.contains("broker 111 at localhost:"), "\(withProfile.stderr)")
        var environment = base
        environment["KAFKA_BROKERS"] = dead
        let environmentWins = try await Kfast.run(["topics", "-F", file, "--profile", "tls"], environment: environment)
        #expect(environmentWins.status == 1 && environmentWins.stderr.contains(dead), "\(environmentWins.stderr)")
        environment["KFAST_X_SECURITY_PROTOCOL"] = "plaintext"
        let commandLineWins = try await Kfast.run(
            ["topics", "-F", file, "--profile", "tls", "-b", tls["bootstrap.servers"]!, "-X", "security.protocol=ssl"], environment: environment)
        #expect(commandLineWins.status == 0, "\(commandLineWins.stderr)")
        environment["KFAST_PROFILE"] = "tls"
        let profileFromEnvironment = try await Kfast.run(["topics", "-b", tls["bootstrap.servers"]!], environment: environment)
        #expect(profileFromEnvironment.status == 1 && profileFromEnvironment.stderr.contains("if this port expects TLS"),
                "KFAST_X_SECURITY_PROTOCOL=plaintext overrides the profile's ssl: \(profileFromEnvironment.stderr)")
    }

    /// Without -F, $KCAT_CONFIG, else ~/.config/kcat.conf, as kcat reads them.
    @Test func kcatConfigFilesAreFound() async throws {
        let tls = try SecureServers.properties(.tlsTansu)
        let folder = try Self.folder("kcat-home")
        try FileManager.default.createDirectory(atPath: folder + "/.config", withIntermediateDirectories: true)
        let lines = tls.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        try "# kcat's own file\n\(lines)\n".write(toFile: folder + "/.config/kcat.conf", atomically: true, encoding: .utf8)
        let home = try await Kfast.run(["topics"], environment: ["HOME": folder, "KAFKA_BROKERS": "", "KCAT_CONFIG": ""])
        #expect(home.status == 0 && home.stdout.contains("broker 111 at localhost:"), "\(home.stderr)")
        let other = folder + "/other.conf"
        try "bootstrap.servers=127.0.0.1:1\n".write(toFile: other, atomically: true, encoding: .utf8)
        let variable = try await Kfast.run(["topics"], environment: ["HOME": folder, "KAFKA_BROKERS": "", "KCAT_CONFIG": other])
        #expect(variable.status == 1 && variable.stderr.contains("127.0.0.1:1"), "$KCAT_CONFIG replaces kcat.conf: \(variable.stderr)")
        let explicit = try await Kfast.run(["topics", "-F", folder + "/.config/kcat.conf"], environment: ["HOME": folder, "KCAT_CONFIG": other])
        #expect(explicit.status == 0, "-F replaces $KCAT_CONFIG: \(explicit.stderr)")
    }

    @Test func profilesAreListedWithoutSecrets() async throws {
        let folder = try Self.folder("profiles-list")
        let path = folder + "/config.toml"
        try """
            default = "local"
            [profiles.local]
            brokers = "localhost:9092"
            [profiles.prod]
            brokers = "b1:9093"
            color = "red"
            read-only = true
            "security.protocol" = "SASL_SSL"
            sasl.mechanisms = "SCRAM-SHA-512"
            sasl.username = "alice"
            sasl.password = "${PROD_PASSWORD}"
            ssl.key.password = "literal-key-secret"
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let listed = try await Kfast.run(["profiles", "--properties"], environment: Self.isolated(["KFAST_CONFIG": path]))
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("local (default)") && listed.stdout.contains("sasl_ssl SCRAM-SHA-512 user alice"))
        #expect(listed.stdout.contains("sasl.password=${PROD_PASSWORD}") && listed.stdout.contains("ssl.key.password=[redacted]"))
        #expect(!listed.stdout.contains("literal-key-secret"))
        let json = try await Kfast.run(["profiles", "--json"], environment: Self.isolated(["KFAST_CONFIG": path]))
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let list = document?["profiles"] as? [[String: Any]]
        #expect(list?.map { $0["name"] as? String } == ["local", "prod"])
        #expect(list?.last?["read_only"] as? Bool == true && list?.last?["color"] as? String == "red")
    }

    // MARK: - helpers

    /// An environment without the machine's own kcat or kfast files or brokers.
    static func isolated(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ["HOME": "/nonexistent", "KCAT_CONFIG": "", "KFAST_CONFIG": "", "KFAST_PROFILE": "", "KAFKA_BROKERS": ""]
        environment.merge(extra) { $1 }
        return environment
    }

    static func folder(_ name: String) throws -> String {
        let path = try TestEnvironment.runDirectory() + "/cli-security/\(name)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// kfast arguments and environment that give `properties` from `source`. In a profile the
    /// secrets are `${VAR}` references unless `literalSecrets`.
    static func connect(
        _ properties: [String: String], via source: Source, name: String, literalSecrets: Bool = false
    ) throws -> (arguments: [String], environment: [String: String]) {
        let brokers = properties["bootstrap.servers"] ?? ""
        let rest = properties.filter { $0.key != "bootstrap.servers" }.sorted { $0.key < $1.key }
        let folder = try Self.folder(name.filter { $0.isLetter || $0.isNumber || $0 == "-" })
        switch source {
        case .commandLine:
            return (["-b", brokers] + SecureServers.arguments(properties), isolated())
        case .file:
            let path = folder + "/client.properties"
            let text = "# made by CLISecurityTests\nbootstrap.servers=\(brokers)\n" + rest.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
            try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return (["-F", path], isolated())
        case .profile:
            var environment = isolated()
            var lines = ["[profiles.test]", "brokers = \"\(brokers)\"", "color = \"cyan\""]
            for (index, (key, value)) in rest.enumerated() {
                if PropertyLayers.isSecret(key) && !literalSecrets {
                    environment["TEST_SECRET_\(index)"] = value
                    lines.append("\"\(key)\" = \"${TEST_SECRET_\(index)}\"")
                } else {
                    lines.append("\"\(key)\" = '\(value)'")
                }
            }
            let path = folder + "/config.toml"
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            environment["KFAST_CONFIG"] = path
            return (["--profile", "test"], environment)
        }
    }
}
