import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// Says in one line why a TLS connection failed, in the terms of the `ssl.*` properties: which
/// side refused what, and what to change. BoringSSL's reason codes and alerts are matched by
/// name; the broker's certificate, when it arrived, adds its names and dates.
enum TLSFailureDescription {
    struct Situation {
        /// The host dialled (the advertised host): what the certificate must name.
        var host: String
        /// Where trusted CAs come from, for messages.
        var trustStore: String
        var hasClientCertificate: Bool
        var peerCertificate: NIOSSLCertificate?
    }

    static func describe(_ error: any Error, _ situation: Situation) -> String {
        let text = "\(error)"
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return hostnameMismatch(situation)
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") { return untrustedServer(situation) }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST") || text.contains("PACKET_LENGTH_TOO_LONG")
            || text.contains("RECORD_LENGTH_MISMATCH")
        {
            return "the broker's port does not speak TLS (it answered in plaintext): use security.protocol=plaintext"
                + " or sasl_plaintext for this port, or the broker's TLS port"
        }
        if text.contains("CERTIFICATE_REQUIRED") || (text.contains("HANDSHAKE_FAILURE") && !situation.hasClientCertificate) {
            return situation.hasClientCertificate
                ? "the broker refused the handshake"
                : "the broker requires a client certificate (mTLS): set ssl.certificate.location and ssl.key.location"
        }
        if text.contains("CERTIFICATE_EXPIRED") {
            return "the broker refused our client certificate: it has expired (ssl.certificate.location)"
        }
        if text.contains("UNKNOWN_CA") || text.contains("BAD_CERTIFICATE") || text.contains("CERTIFICATE_UNKNOWN")
            || text.contains("DECRYPT_ERROR")
        {
            return situation.hasClientCertificate
                ? "the broker refused our client certificate: it is not signed by a CA the broker trusts"
                : "the broker refused the handshake (alert: \(alertName(text) ?? "bad certificate"))"
        }
        if text.contains("PROTOCOL_VERSION") || text.contains("UNSUPPORTED_PROTOCOL") {
            return "the broker and the client have no TLS version in common (the client speaks TLS 1.2 and 1.3)"
        }
        if let alert = alertName(text) { return "the broker ended the handshake with the alert \(alert)" }
        if case NIOSSLError.uncleanShutdown = error { return closedDuringHandshake }
        if let channelError = error as? ChannelError, channelError == .eof || channelError == .ioOnClosedChannel {
            return closedDuringHandshake
        }
        return text
    }

    /// What a closed connection during the handshake most likely means.
    static let closedDuringHandshake =
        "the broker closed the connection during the TLS handshake: the port may not speak TLS"
        + " (use security.protocol=plaintext or sasl_plaintext), or it refused our certificate"

    /// No answer to the ClientHello: a plaintext Kafka port waits for the rest of a "request"
    /// whose size the ClientHello's first bytes seem to give.
    static func handshakeTimedOut(milliseconds: Int) -> String {
        "no TLS answer within \(milliseconds) ms: the port may not speak TLS (a plaintext Kafka port waits silently;"
            + " use security.protocol=plaintext or sasl_plaintext there)"
    }

    private static func hostnameMismatch(_ situation: Situation) -> String {
        let names = situation.peerCertificate.map(certificateNames) ?? []
        let listed = names.isEmpty ? "no names" : names.joined(separator: ", ")
        return "the broker's certificate does not name host '\(situation.host)': it names \(listed)"
            + " (set ssl.endpoint.identification.algorithm=none to skip this check)"
    }

    private static func untrustedServer(_ situation: Situation) -> String {
        guard let certificate = situation.peerCertificate else {
            return "the broker's certificate could not be verified against \(situation.trustStore)"
        }
        let now = time(nil)
        if certificate.notValidAfter < now {
            return "the broker's certificate expired on \(date(certificate.notValidAfter))"
        }
        if certificate.notValidBefore > now {
            return "the broker's certificate is not valid before \(date(certificate.notValidBefore))"
        }
        let issuer = certificate.issuerName.first(where: { $0.type == .commonName })?.value
        let subject = certificate.subjectName.first(where: { $0.type == .commonName })?.value
        var line = "the broker's certificate"
        if let subject { line += " (\(subject)" + (issuer.map { ", issued by \($0))" } ?? ")") }
        return line + " is not signed by a CA in \(situation.trustStore)"
    }

    /// DNS and IP subject alternative names, then the common name: what hostname checks compare.
    static func certificateNames(_ certificate: NIOSSLCertificate) -> [String] {
        var names: [String] = []
        for name in certificate._subjectAlternativeNames() {
            switch name.nameType {
            case .dnsName: names.append("DNS:" + String(decoding: name.contents, as: UTF8.self))
            case .ipAddress: names.append("IP:" + ipText(Array(name.contents)))
            default: continue
            }
        }
        if let common = certificate.subjectName.first(where: { $0.type == .commonName })?.value {
            names.append("CN=" + common)
        }
        return names
    }

    private static func ipText(_ bytes: [UInt8]) -> String {
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var output = [CChar](repeating: 0, count: 64)
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &output, socklen_t(output.count)) != nil }
        let text = String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return ok ? text : bytes.map { String($0, radix: 16) }.joined(separator: ":")
    }

    /// BoringSSL names alerts as SSLV3_ALERT_X or TLSV1_ALERT_X.
    private static func alertName(_ text: String) -> String? {
        for prefix in ["SSLV3_ALERT_", "TLSV1_ALERT_"] {
            guard let range = text.firstRange(of: prefix) else { continue }
            let name = text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            return name.lowercased()
        }
        return nil
    }

    /// A UTC date as YYYY-MM-DD HH:MM UTC.
    static func date(_ seconds: time_t) -> String {
        var value = seconds
        var parts = tm()
        gmtime_r(&value, &parts)
        func two(_ number: Int32) -> String { number < 10 ? "0\(number)" : "\(number)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)) UTC"
    }
}
