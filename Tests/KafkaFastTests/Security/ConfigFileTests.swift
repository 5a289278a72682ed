import Testing

@testable import KafkaFast

/// kcat's `-F` format, the profiles file, `${...}` references and the precedence of the layers.
@Suite struct ConfigFileTests {
    @Test func propertiesFileReadsAsKcatDoes() throws {
        let text = """
            # Confluent Cloud
              bootstrap.servers=pkc-1.example.com:9092\r
            security.protocol=SASL_SSL

            sasl.mechanisms = PLAIN
            sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="KEY" password="SE=CRET";
            client.id=a\\=b\\:c
            """
        let entries = try PropertiesFile.parse(text, path: "cc.properties")
        #expect(entries.map(\.name) == ["bootstrap.servers", "security.protocol", "sasl.mechanisms", "sasl.username", "sasl.password", "client.id"])
        #expect(entries.map(\.value).prefix(5) == ["pkc-1.example.com:9092", "SASL_SSL", "PLAIN", "KEY", "SE=CRET"])
        #expect(entries[0].line == 2 && entries[2].line == 5)
        // kcat unescapes \= before splitting, so the name ends at the first '='.
        #expect(entries[5].name == "client.id" && entries[5].value == "a=b:c")
    }

    @Test func malformedPropertiesNameFileAndLine() {
        #expect(throws: ConfigFileError(path: "x.conf", line: 2, reason: "expected property=value")) {
            try PropertiesFile.parse("a=1\njust words\n", path: "x.conf")
        }
        #expect(throws: ConfigFileError(path: "x.conf", line: 1, reason: "expected property=value")) {
            try PropertiesFile.parse("=value", path: "x.conf")
        }
    }

    static let profiles = """
        default = "local"   # when nothing else is chosen

        [profiles.local]
        brokers = "localhost:9092"

        [profiles.prod]
        brokers = "b1:9093,b2:9093"
        color = "Red"
        read-only = true
        "security.protocol" = "SASL_SSL"
        sasl.username = 'alice'
        sasl.password = "${PROD_PASSWORD}"
        request.timeout.ms = 45000

        [profiles.prod.properties]
        "sasl.mechanisms" = "SCRAM-SHA-512"
        """

    @Test func profilesFileParses() throws {
        let file = try ProfilesFile.parse(Self.profiles, path: "config.toml")
        #expect(file.defaultProfile == "local")
        #expect(file.profiles.map(\.name) == ["local", "prod"])
        let prod = try #require(file.profile(named: "prod"))
        #expect(prod.brokers == "b1:9093,b2:9093" && prod.color == "red" && prod.readOnly)
        #expect(prod.properties.map(\.name) == ["security.protocol", "sasl.username", "sasl.password", "request.timeout.ms", "sasl.mechanisms"])
        #expect(prod.properties.map(\.value) == ["SASL_SSL", "alice", "${PROD_PASSWORD}", "45000", "SCRAM-SHA-512"])
        #expect(file.profile(named: "local")?.readOnly == false)
    }

    @Test func malformedProfilesNameLineAndReason() {
        func failure(_ text: String) -> ConfigFileError? {
            do {
                _ = try ProfilesFile.parse(text, path: "p.toml")
                return nil
            } catch {
                return error
            }
        }
        #expect(failure("[profiles.a]\nbrokers = localhost:9092") == ConfigFileError(
            path: "p.toml", line: 2, reason: "'localhost' is not a value: put text in double quotes"))
        #expect(failure("[profiles.a]\ncolor = \"pink\"")?.reason.hasPrefix("color must be one of black, red") == true)
        #expect(failure("[profiles.a]\nread-only = \"yes\"")?.line == 2)
        #expect(failure("[profiles.a]\nbrokers = \"x\"\nbrokers = \"y\"")?.reason == "duplicate key 'brokers' in profile 'a'")
        #expect(failure("[clusters.a]")?.line == 1)
        #expect(failure("[profiles.a]\n[profiles.a]")?.reason == "profile 'a' is defined twice")
        #expect(failure("[profiles.a]\nsasl.password = \"open")?.reason == "the string is not closed on this line")
        #expect(failure("default = \"nope\"\n[profiles.a]")?.reason == "default profile 'nope' is not defined")
        #expect(failure("[profiles.a]\nwhatever = 1")?.reason.hasPrefix("unknown key 'whatever'") == true)
        // A quoted key's escapes can make any character; the line kfast prints stays one line
        // (found by the profiles-file fuzz target).
        let escaped = failure("[profiles.a]\n\"x\\ny\\u009b2J\" = 1")
        #expect(escaped?.line == 2)
        #expect(escaped?.description.hasPrefix("p.toml:2: unknown key 'x\\u{a}y\\u{9b}2J'") == true, "\(String(describing: escaped))")
    }

    @Test func referencesExpandFromEnvironmentAndFiles() throws {
        let environment = ["PROD_PASSWORD": "s3cret"]
        let files = ["/run/secrets/token": "abc.def.ghi\nignored second line"]
        func expand(_ value: String) throws(KafkaError) -> String {
            try ProfileValues.expand(value, property: "p", profile: "prod", environment: { environment[$0] }, readFile: { files[$0] })
        }
        #expect(try expand("${PROD_PASSWORD}") == "s3cret")
        #expect(try expand("pre-${PROD_PASSWORD}-post") == "pre-s3cret-post")
        #expect(try expand("${file:/run/secrets/token}") == "abc.def.ghi")
        #expect(try expand("no references") == "no references")
        do {
            _ = try expand("${MISSING}")
            Issue.record("an unset variable expanded")
        } catch {
            #expect(error.description == "invalid configuration: profile 'prod': p names ${MISSING}, which is not set")
        }
        #expect(throws: KafkaError.self) { try expand("${file:/nope}") }
        #expect(throws: KafkaError.self) { try expand("${UNCLOSED") }
    }

    /// defaults < file < profile < environment < -X, name by name.
    @Test func precedenceIsDefaultsFileProfileEnvironmentCommandLine() throws {
        var layers = PropertyLayers()
        layers.add("client.id", "from-file", origin: "f:1")
        layers.add("request.timeout.ms", "1000", origin: "f:2")
        layers.add("linger.ms", "7", origin: "f:3")
        layers.add("client.id", "from-profile", origin: "profile 'p'")
        layers.add("request.timeout.ms", "2000", origin: "profile 'p'")
        layers.add("metadata.broker.list", "profile:1", origin: "profile 'p'")
        for entry in PropertyLayers.environmentEntries(["KFAST_X_REQUEST_TIMEOUT_MS": "3000", "KAFKA_BROKERS": "env:2", "OTHER": "x"]) {
            layers.add(entry.name, entry.value, origin: entry.origin)
        }
        layers.add("bootstrap.servers", "cli:3", origin: "-b")
        var config = KafkaConfiguration()
        try layers.apply(to: &config)
        #expect(config.clientId == "from-profile")
        #expect(config.requestTimeoutMs == 3000)
        #expect(config.producer.lingerMs == 7)
        #expect(config.bootstrapServers == [BrokerAddress(host: "cli", port: 3)])
        #expect(config.metadataRefreshIntervalMs == KafkaConfiguration().metadataRefreshIntervalMs)

        var bad = PropertyLayers()
        bad.add("security.protocol", "tls", origin: "conf.properties:4")
        var target = KafkaConfiguration()
        do {
            try bad.apply(to: &target)
            Issue.record("a bad value was applied")
        } catch {
            #expect(error.description
                == "invalid configuration: conf.properties:4: security.protocol=tls: expected plaintext, ssl, sasl_plaintext, sasl_ssl")
        }
    }

    @Test func secretPropertyNames() {
        for name in ["sasl.password", "ssl.key.password", "ssl.keystore.password", "sasl.oauthbearer.client.secret",
                     "sasl.oauthbearer.token", "ssl.key.pem", "sasl.jaas.config"] {
            #expect(PropertyLayers.isSecret(name), "\(name)")
        }
        #expect(!PropertyLayers.isSecret("sasl.username"))
        #expect(!PropertyLayers.isSecret("sasl.oauthbearer.token.endpoint.url"))
    }
}
