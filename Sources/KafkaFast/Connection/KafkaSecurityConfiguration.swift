/// How connections are secured: `security.protocol`, the TLS (`ssl.*`) and SASL (`sasl.*`)
/// properties under librdkafka's names and defaults. Secrets are held as `Secret`, so printing
/// the settings never shows them.
public struct KafkaSecurityConfiguration: Sendable, Equatable {
    /// `security.protocol`.
    public enum SecurityProtocol: String, Sendable, CaseIterable {
        case plaintext
        case ssl
        case saslPlaintext = "sasl_plaintext"
        case saslSsl = "sasl_ssl"

        public var usesTLS: Bool { self == .ssl || self == .saslSsl }
        public var usesSASL: Bool { self == .saslPlaintext || self == .saslSsl }
    }

    /// `sasl.mechanisms`.
    public enum SASLMechanism: String, Sendable, CaseIterable {
        case plain = "PLAIN"
        case scramSHA256 = "SCRAM-SHA-256"
        case scramSHA512 = "SCRAM-SHA-512"
        case oauthBearer = "OAUTHBEARER"
    }

    public var securityProtocol: SecurityProtocol = .plaintext
    public var tls = TLSSettings()
    /// Nil until set: librdkafka's default, GSSAPI (Kerberos), is not supported.
    public var mechanism: SASLMechanism?
    /// `sasl.username`.
    public var username: String?
    /// `sasl.password`.
    public var password: Secret?
    public var oauthBearer = OAuthBearerSettings()

    public init() {}

    /// Every property whose value is a secret: printouts of a configuration show `[redacted]`.
    public static let secretProperties: Set<String> = [
        "sasl.password", "ssl.key.password", "ssl.key.pem", "ssl.keystore.password",
        "sasl.oauthbearer.client.secret", "sasl.oauthbearer.token",
    ]

    /// Sets one security property; false for a name that is not one.
    mutating func set(_ name: String, _ value: String) throws(KafkaError) -> Bool {
        switch name {
        case "security.protocol":
            guard let parsed = SecurityProtocol(rawValue: value.lowercased()) else {
                throw .invalidConfiguration(
                    "security.protocol=\(value): expected \(SecurityProtocol.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            securityProtocol = parsed
        case "sasl.mechanisms", "sasl.mechanism":
            let upper = value.trimmingWhitespace().uppercased()
            guard let parsed = SASLMechanism(rawValue: upper) else {
                let known = SASLMechanism.allCases.map(\.rawValue).joined(separator: ", ")
                let why = upper == "GSSAPI" ? "GSSAPI (Kerberos) is not supported" : "unknown mechanism"
                throw .invalidConfiguration("\(name)=\(value): \(why); expected one of \(known)")
            }
            mechanism = parsed
        case "sasl.username":
            username = value
        case "sasl.password":
            password = Secret(value)
        default:
            if try tls.set(name, value) { return true }
            return try oauthBearer.set(name, value)
        }
        return true
    }

    /// Checks that the settings fit together (a SASL protocol has a mechanism and what it needs,
    /// a certificate has its key), before any connection is made.
    public func validate() throws(KafkaError) {
        try tls.validate()
        guard securityProtocol.usesSASL else { return }
        guard let mechanism else {
            throw .invalidConfiguration(
                "security.protocol=\(securityProtocol.rawValue) needs sasl.mechanisms (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or"
                    + " OAUTHBEARER); librdkafka's default GSSAPI (Kerberos) is not supported")
        }
        switch mechanism {
        case .plain, .scramSHA256, .scramSHA512:
            guard let username, !username.isEmpty else {
                throw .invalidConfiguration("sasl.mechanisms=\(mechanism.rawValue) needs sasl.username and sasl.password")
            }
            guard password != nil else {
                throw .invalidConfiguration("sasl.mechanisms=\(mechanism.rawValue) needs sasl.password (for user '\(username)')")
            }
        case .oauthBearer:
            try oauthBearer.validate()
        }
    }

    /// The name a SASL login is made as, for messages: the user, or the OAUTHBEARER principal.
    public var principalDescription: String? {
        guard securityProtocol.usesSASL, let mechanism else { return nil }
        switch mechanism {
        case .plain, .scramSHA256, .scramSHA512: return username
        case .oauthBearer: return oauthBearer.principalDescription
        }
    }
}

/// The `ssl.*` properties.
public struct TLSSettings: Sendable, Equatable {
    /// `ssl.ca.location`: a PEM file or a directory of them; nil (or `probe`) is the system trust store.
    public var caLocation: String?
    /// `ssl.ca.pem`: CA certificates as PEM text.
    public var caPEM: String?
    /// `ssl.certificate.location` / `ssl.certificate.pem`: the client certificate (mTLS), with its chain.
    public var certificateLocation: String?
    public var certificatePEM: String?
    /// `ssl.key.location` / `ssl.key.pem`: the client certificate's private key; `ssl.key.password` decrypts it.
    public var keyLocation: String?
    public var keyPEM: Secret?
    public var keyPassword: Secret?
    /// `ssl.keystore.location` / `ssl.keystore.password`: certificate and key in one PKCS#12 file.
    public var keystoreLocation: String?
    public var keystorePassword: Secret?
    /// `ssl.endpoint.identification.algorithm`: `https` (the default) checks that the broker's
    /// certificate names the host dialled; `none` does not.
    public var verifyHostname = true
    /// `enable.ssl.certificate.verification`: false accepts any certificate (never in production).
    public var verifyCertificate = true

    public init() {}

    mutating func set(_ name: String, _ value: String) throws(KafkaError) -> Bool {
        let text: String? = value.isEmpty ? nil : value
        switch name {
        case "ssl.ca.location": caLocation = value == "probe" ? nil : text
        case "ssl.ca.pem": caPEM = text
        case "ssl.certificate.location": certificateLocation = text
        case "ssl.certificate.pem": certificatePEM = text
        case "ssl.key.location": keyLocation = text
        case "ssl.key.pem": keyPEM = text.map(Secret.init)
        case "ssl.key.password": keyPassword = text.map(Secret.init)
        case "ssl.keystore.location": keystoreLocation = text
        case "ssl.keystore.password": keystorePassword = text.map(Secret.init)
        case "ssl.endpoint.identification.algorithm":
            switch value.lowercased() {
            case "https": verifyHostname = true
            case "none", "": verifyHostname = false
            default: throw .invalidConfiguration("\(name)=\(value): expected https or none")
            }
        case "enable.ssl.certificate.verification":
            verifyCertificate = try Self.boolean(name, value)
        default:
            return false
        }
        return true
    }

    func validate() throws(KafkaError) {
        if certificateLocation != nil && certificatePEM != nil {
            throw .invalidConfiguration("set ssl.certificate.location or ssl.certificate.pem, not both")
        }
        if keyLocation != nil && keyPEM != nil {
            throw .invalidConfiguration("set ssl.key.location or ssl.key.pem, not both")
        }
        let hasCertificate = certificateLocation != nil || certificatePEM != nil
        let hasKey = keyLocation != nil || keyPEM != nil
        if hasCertificate != hasKey {
            throw .invalidConfiguration(hasCertificate
                ? "ssl.certificate.* is set without ssl.key.location or ssl.key.pem (the client certificate needs its key)"
                : "ssl.key.* is set without ssl.certificate.location or ssl.certificate.pem")
        }
        if keystoreLocation != nil && hasCertificate {
            throw .invalidConfiguration("set ssl.keystore.location or ssl.certificate.*/ssl.key.*, not both")
        }
    }

    /// Whether a client certificate is configured (mTLS).
    public var hasClientCertificate: Bool { certificateLocation != nil || certificatePEM != nil || keystoreLocation != nil }

    static func boolean(_ name: String, _ value: String) throws(KafkaError) -> Bool {
        switch value.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw .invalidConfiguration("\(name)=\(value): expected true or false")
        }
    }
}
