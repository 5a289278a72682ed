import Testing

@testable import KafkaFast

/// The `security.protocol`, `ssl.*` and `sasl.*` properties: names, defaults, checks, and that no
/// printout of a configuration shows a secret.
@Suite struct SecuritySettingsTests {
    @Test func librdkafkaNamesAndDefaults() throws {
        let defaults = KafkaConfiguration().security
        #expect(defaults.securityProtocol == .plaintext)
        #expect(defaults.tls.verifyHostname)
        #expect(defaults.tls.verifyCertificate)
        #expect(defaults.tls.caLocation == nil)
        let config = try KafkaConfiguration([
            "security.protocol": "SASL_SSL", "sasl.mechanism": "scram-sha-512", "sasl.username": "alice",
            "sasl.password": "pw", "ssl.ca.location": "/etc/ca.pem", "ssl.endpoint.identification.algorithm": "none",
        ])
        #expect(config.security.securityProtocol == .saslSsl)
        #expect(config.security.mechanism == .scramSHA512)
        #expect(config.security.tls.caLocation == "/etc/ca.pem")
        #expect(!config.security.tls.verifyHostname)
        try config.security.validate()
    }

    @Test func wrongValuesNameTheProperty() {
        #expect(throws: KafkaError.self) { try KafkaConfiguration(["security.protocol": "tls"]) }
        do {
            _ = try KafkaConfiguration(["sasl.mechanisms": "GSSAPI"])
            Issue.record("GSSAPI was accepted")
        } catch {
            #expect(error.description.contains("GSSAPI (Kerberos) is not supported"))
        }
        #expect(throws: KafkaError.self) { try KafkaConfiguration(["ssl.endpoint.identification.algorithm": "ldap"]) }
    }

    @Test func incompleteSettingsFailBeforeDialling() throws {
        func failure(_ properties: [String: String]) throws -> String {
            let config = try KafkaConfiguration(properties)
            do {
                try config.security.validate()
                return ""
            } catch {
                return error.description
            }
        }
        #expect(try failure(["security.protocol": "sasl_ssl"]).contains("needs sasl.mechanisms"))
        #expect(try failure(["security.protocol": "sasl_plaintext", "sasl.mechanisms": "PLAIN"]).contains("needs sasl.username"))
        #expect(try failure(["security.protocol": "sasl_plaintext", "sasl.mechanisms": "PLAIN", "sasl.username": "a"])
            .contains("needs sasl.password"))
        #expect(try failure(["security.protocol": "sasl_ssl", "sasl.mechanisms": "OAUTHBEARER"]).contains("needs a token"))
        #expect(try failure(["security.protocol": "sasl_ssl", "sasl.mechanisms": "OAUTHBEARER", "sasl.oauthbearer.method": "oidc"])
            .contains("sasl.oauthbearer.client.id"))
        #expect(try failure(["security.protocol": "ssl", "ssl.certificate.location": "/c.pem"]).contains("needs its key"))
        #expect(try failure(["security.protocol": "ssl", "ssl.ca.location": "/no/such/file"]) == "")
        #expect(throws: KafkaError.self) { try KafkaClient(config: KafkaConfiguration(["bootstrap.servers": "h:1", "security.protocol": "ssl", "ssl.ca.location": "/no/such/file"])) }
    }

    @Test func secretsNeverPrint() throws {
        let password = "hunter2-\(Int.random(in: 1000...9999))"
        let token = "tok-\(Int.random(in: 1000...9999))"
        let config = try KafkaConfiguration([
            "security.protocol": "sasl_ssl", "sasl.mechanisms": "PLAIN", "sasl.username": "alice", "sasl.password": password,
            "ssl.key.password": password, "sasl.oauthbearer.token": token, "sasl.oauthbearer.client.secret": password,
            "ssl.key.pem": "-----BEGIN PRIVATE KEY-----\(password)",
        ])
        var dumped = ""
        dump(config.security, to: &dumped)
        for text in ["\(config.security)", String(reflecting: config.security), dumped, "\(config)"] {
            #expect(!text.contains(password))
            #expect(!text.contains(token))
        }
        #expect("\(Secret(password))" == "[redacted]")
        #expect(Secret(password).reveal() == password)
    }

    @Test func unsecuredJWTCarriesThePrincipalAndExpiry() throws {
        let jwt = OAuthBearerTokenSource.unsecuredJWT(principal: "alice", scopes: ["read"], issuedAt: 1_000, lifeSeconds: 60)
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3 && parts[2].isEmpty)
        let claims = try #require(FlatJSONObject.parse(Base64.decode(parts[1]) ?? []))
        #expect(claims["sub"] == .string("alice"))
        #expect(claims["exp"] == .number(1_060))
        #expect(OAuthBearerTokenSource.expiry(of: jwt) == 1_060_000)
        #expect(OAuthBearerTokenSource.expiry(of: "opaque-token") == nil)
    }

    @Test func tokensAreRefreshedAfterEightyPercentOfTheirLife() {
        let token = OAuthBearerToken(value: Secret("t"), expiresAtMs: 11_000, obtainedAtMs: 1_000)
        #expect(!OAuthBearerTokenSource.needsRefresh(token, now: 8_999))
        #expect(OAuthBearerTokenSource.needsRefresh(token, now: 9_000))
        #expect(!OAuthBearerTokenSource.needsRefresh(OAuthBearerToken(value: Secret("t"), expiresAtMs: nil, obtainedAtMs: 0), now: .max))
    }

    @Test func tokenCommandOutputIsTheToken() async throws {
        let token = try await TokenCommand.run("printf 'abc.def.ghi\\n'", timeoutMs: 5_000)
        #expect(token == "abc.def.ghi")
        await #expect(throws: KafkaError.self) { try await TokenCommand.run("echo oops >&2; exit 3", timeoutMs: 5_000) }
        do {
            _ = try await TokenCommand.run("sleep 5", timeoutMs: 200)
            Issue.record("a command past its deadline was waited for")
        } catch {
            #expect(error.description.contains("did not finish within 200 ms"))
        }
    }

    @Test func oidcEndpointURLsParse() {
        #expect(OIDCTokenRequest.Endpoint("https://login.example.com/oauth2/token")
            == .init(secure: true, host: "login.example.com", port: 443, path: "/oauth2/token"))
        #expect(OIDCTokenRequest.Endpoint("http://127.0.0.1:8080/t?x=1")
            == .init(secure: false, host: "127.0.0.1", port: 8080, path: "/t?x=1"))
        #expect(OIDCTokenRequest.Endpoint("ftp://x") == nil)
        #expect(OIDCTokenRequest.formEncode("a b&c=d/é") == "a+b%26c%3Dd%2F%C3%A9")
    }
}
