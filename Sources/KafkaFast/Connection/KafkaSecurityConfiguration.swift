/// How connections are secured: `security.protocol`, the TLS (`ssl.*`) and SASL (`sasl.*`)
/// properties under librdkafka's names and defaults.
///
/// Every connection (bootstrap, leaders, coordinator, each produce connection) makes the TLS
/// handshake and logs in before it carries a request. Secrets are held as ``Secret``, so
/// printing or logging the configuration never shows them. TLS is swift-nio-ssl's BoringSSL:
/// no OpenSSL or Cyrus SASL from the system. GSSAPI (Kerberos) is not supported.
public struct KafkaSecurityConfiguration: Sendable, Equatable {
    /// `security.protocol` (case-insensitive, as librdkafka takes it): whether connections use
    /// TLS, SASL, both or neither. It must match what the broker's listener speaks; a mismatch
    /// fails with ``KafkaError/Code-swift.struct/securityMismatch`` or a TLS error that says so.
    public enum SecurityProtocol: String, Sendable, CaseIterable {
        /// `plaintext` (the default): neither.
        case plaintext
        /// `ssl`: TLS, optionally with a client certificate (mTLS).
        case ssl
        /// `sasl_plaintext`: a SASL login over an unencrypted connection; PLAIN then sends the
        /// password in the clear.
        case saslPlaintext = "sasl_plaintext"
        /// `sasl_ssl`: a SASL login inside TLS (Confluent Cloud, MSK, Aiven).
        case saslSsl = "sasl_ssl"

        /// Whether connections make a TLS handshake.
        public var usesTLS: Bool { self == .ssl || self == .saslSsl }
        /// Whether connections log in with SASL.
        public var usesSASL: Bool { self == .saslPlaintext || self == .saslSsl }
    }

    /// `sasl.mechanisms` (alias `sasl.mechanism`): how a SASL login proves who the client is.
    public enum SASLMechanism: String, Sendable, CaseIterable {
        /// `PLAIN`: user name and password as they are (use it inside TLS only).
        case plain = "PLAIN"
        /// `SCRAM-SHA-256`: a challenge-response login; the password never crosses the wire.
        case scramSHA256 = "SCRAM-SHA-256"
        /// `SCRAM-SHA-512`: as SCRAM-SHA-256, with SHA-512.
        case scramSHA512 = "SCRAM-SHA-512"
        /// `OAUTHBEARER`: a bearer token (KIP-255), from one of the sources in ``OAuthBearerSettings``.
        case oauthBearer = "OAUTHBEARER"
    }

    /// `security.protocol` (`plaintext`): see ``SecurityProtocol``.
    public var securityProtocol: SecurityProtocol = .plaintext
    /// The `ssl.*` properties: trust store, client certificate, verification.
    public var tls = TLSSettings()
    /// `sasl.mechanisms`; nil until set. librdkafka's default, GSSAPI (Kerberos), is not
    /// supported, so a SASL protocol needs it set explicitly.
    public var mechanism: SASLMechanism?
    /// `sasl.username`: the user for PLAIN and SCRAM.
    public var username: String?
    /// `sasl.password`: the password for PLAIN and SCRAM; never printed.
    public var password: Secret?
    /// The `sasl.oauthbearer.*` properties: where OAUTHBEARER tokens come from.
    public var oauthBearer = OAuthBearerSettings()

    /// Plaintext, no TLS, no SASL.
    public init() {}

    /// Every property whose value is a secret: printouts of a configuration show `[redacted]`.
    /// Tools that echo properties back (`kfast profiles`, logs) test names against it.
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
    /// a certificate has its key), before any connection is made. Clients call it when they
    /// are made; call it yourself to report a bad configuration early.
    ///
    /// Throws ``KafkaError/Code-swift.struct/invalidConfiguration`` naming what is missing or
    /// in conflict.
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

/// The `ssl.*` properties of ``KafkaSecurityConfiguration``: whom to trust, who the client is
/// (mTLS), and what to verify. Used when `security.protocol` is `ssl` or `sasl_ssl`.
public struct TLSSettings: Sendable, Equatable {
    /// `ssl.ca.location`: a PEM file or a directory of them; nil (or `probe`) is the system trust store.
    public var caLocation: String?
    /// `ssl.ca.pem`: CA certificates as PEM text, for when there is no file to point at (a
    /// secret store); trusted as `ssl.ca.location`'s.
    public var caPEM: String?
    /// `ssl.certificate.location`: a PEM file with the client certificate (mTLS), its chain
    /// after it. Set it or ``certificatePEM``, with a key.
    public var certificateLocation: String?
    /// `ssl.certificate.pem`: the client certificate and its chain as PEM text.
    public var certificatePEM: String?
    /// `ssl.key.location`: a PEM file with the client certificate's private key, encrypted or not.
    public var keyLocation: String?
    /// `ssl.key.pem`: the private key as PEM text; never printed.
    public var keyPEM: Secret?
    /// `ssl.key.password`: decrypts an encrypted private key; never printed.
    public var keyPassword: Secret?
    /// `ssl.keystore.location`: certificate and key in one PKCS#12 file (`.p12`, `.pfx`), as
    /// Java keystores are exported; instead of the PEM properties.
    public var keystoreLocation: String?
    /// `ssl.keystore.password`: opens the PKCS#12 file; never printed.
    public var keystorePassword: Secret?
    /// `ssl.endpoint.identification.algorithm`: `https` (the default) checks that the broker's
    /// certificate names the host dialled; `none` does not.
    public var verifyHostname = true
    /// `enable.ssl.certificate.verification` (true): false accepts any certificate, which gives
    /// up protection against an impostor broker; for a test broker with a throwaway certificate only.
    public var verifyCertificate = true

    /// The system trust store, no client certificate, everything verified.
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
