import Logging
import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// The security of one client's connections, prepared once and shared by all of them: the TLS
/// context (certificates and keys loaded and checked) and the OAUTHBEARER token source.
final class ConnectionSecurity: Sendable {
    let settings: KafkaSecurityConfiguration
    let tlsContext: NIOSSLContext?
    let tokenSource: OAuthBearerTokenSource?

    /// Checks the settings and loads every certificate and key they name.
    init(config: KafkaConfiguration) throws(KafkaError) {
        let settings = config.security
        try settings.validate()
        self.settings = settings
        tlsContext = settings.securityProtocol.usesTLS ? try TLSContextFactory.makeContext(settings.tls) : nil
        if settings.securityProtocol.usesSASL && settings.mechanism == .oauthBearer {
            tokenSource = OAuthBearerTokenSource(
                settings: settings.oauthBearer, endpointTLS: settings.tls, timeoutMs: config.requestTimeoutMs, logger: config.logger)
        } else {
            tokenSource = nil
        }
        if settings.securityProtocol != .plaintext {
            config.logger.debug("connection security", metadata: ["settings": "\(summary)"])
        }
    }

    /// One line for logs and screens: protocol, trust, client certificate, mechanism and user;
    /// never a secret.
    var summary: String {
        var parts = ["security.protocol=\(settings.securityProtocol.rawValue)"]
        if settings.securityProtocol.usesTLS {
            parts.append("trust: \(trustStore)")
            if settings.tls.hasClientCertificate { parts.append("client certificate") }
            if !settings.tls.verifyHostname { parts.append("no host name check") }
            if !settings.tls.verifyCertificate { parts.append("NO certificate verification") }
        }
        if settings.securityProtocol.usesSASL, let mechanism = settings.mechanism {
            parts.append("sasl \(mechanism.rawValue) as '\(settings.principalDescription ?? "")'")
        }
        return parts.joined(separator: ", ")
    }

    /// Where the broker's CA must be, in the words of the properties.
    var trustStore: String {
        if let location = settings.tls.caLocation { return "ssl.ca.location=\(location)" }
        if settings.tls.caPEM != nil { return "ssl.ca.pem" }
        return "the system trust store (set ssl.ca.location for a private CA)"
    }

    /// Puts TLS at the head of a new connection's pipeline. `host` is what is dialled, the
    /// broker's advertised host: SNI carries it (unless an IP address) and the certificate must name it.
    func addTLS(
        to pipeline: ChannelPipeline.SynchronousOperations, host: String, brokerName: String, handshake: EventLoopPromise<Void>
    ) throws {
        guard let tlsContext else { return }
        let sni = Self.isIPAddress(host) ? nil : host
        try pipeline.addHandler(try NIOSSLClientHandler(context: tlsContext, serverHostname: sni))
        let situation = TLSFailureDescription.Situation(
            host: host, trustStore: trustStore, hasClientCertificate: settings.tls.hasClientCertificate)
        try pipeline.addHandler(TLSSessionWatcher(brokerName: brokerName, situation: situation, handshake: handshake))
    }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
