import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// Turns the `ssl.*` properties into one `NIOSSLContext`, made once per client and shared by
/// every connection. Each file is read here, so a missing file, a file that holds no PEM
/// certificate, a wrong key password or an expired client certificate is one line naming the
/// property before any broker is dialled.
enum TLSContextFactory {
    static func makeContext(_ settings: TLSSettings, now: time_t = time(nil)) throws(KafkaError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification =
            !settings.verifyCertificate ? .none : settings.verifyHostname ? .fullVerification : .noHostnameVerification

        var authorities: [NIOSSLCertificate] = []
        if let location = settings.caLocation {
            authorities += try certificates(atLocation: location, property: "ssl.ca.location")
        }
        if let pem = settings.caPEM {
            authorities += try certificates(pem: Array(pem.utf8), property: "ssl.ca.pem")
        }
        if !authorities.isEmpty { configuration.trustRoots = .certificates(authorities) }

        if let keystore = settings.keystoreLocation {
            let bytes = try read(keystore, property: "ssl.keystore.location")
            let bundle: NIOSSLPKCS12Bundle
            do {
                bundle = try NIOSSLPKCS12Bundle(buffer: bytes, passphrase: settings.keystorePassword.map { Array($0.reveal().utf8) })
            } catch {
                throw .invalidConfiguration(
                    "ssl.keystore.location=\(keystore): not a PKCS#12 file, or ssl.keystore.password does not open it")
            }
            try checkValidity(bundle.certificateChain.first, property: "ssl.keystore.location=\(keystore)", now: now)
            configuration.certificateChain = bundle.certificateChain.map { .certificate($0) }
            configuration.privateKey = .privateKey(bundle.privateKey)
        }
        if settings.certificateLocation != nil || settings.certificatePEM != nil {
            let (chain, property) = try clientCertificate(settings)
            try checkValidity(chain.first, property: property, now: now)
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(try privateKey(settings))
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .invalidConfiguration("cannot set up TLS with the ssl.* properties: \(error)")
        }
    }

    /// For the OIDC token endpoint: the system's CAs plus any `ssl.ca.*`, and always a full check
    /// of the endpoint's certificate and host name (the client secret goes there).
    static func endpointContext(_ settings: TLSSettings) throws(KafkaError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        var authorities: [NIOSSLCertificate] = []
        if let location = settings.caLocation {
            authorities += try certificates(atLocation: location, property: "ssl.ca.location")
        }
        if let pem = settings.caPEM { authorities += try certificates(pem: Array(pem.utf8), property: "ssl.ca.pem") }
        if !authorities.isEmpty { configuration.additionalTrustRoots = [.certificates(authorities)] }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .invalidConfiguration("cannot set up TLS for the OIDC token endpoint: \(error)")
        }
    }

    /// A PEM file, or every PEM file in a directory (no hashed names needed, unlike OpenSSL's CApath).
    private static func certificates(atLocation location: String, property: String) throws(KafkaError) -> [NIOSSLCertificate] {
        var status = stat()
        guard stat(location, &status) == 0 else {
            throw .invalidConfiguration("\(property)=\(location): \(String(cString: strerror(errno)).lowercased())")
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            return try certificates(pem: read(location, property: property), property: "\(property)=\(location)")
        }
        var found: [NIOSSLCertificate] = []
        for name in directoryEntries(location).sorted() {
            let path = location.hasSuffix("/") ? location + name : location + "/" + name
            guard let bytes = try? read(path, property: property),
                  let parsed = try? NIOSSLCertificate.fromPEMBytes(bytes) else { continue }
            found += parsed
        }
        guard !found.isEmpty else {
            throw .invalidConfiguration("\(property)=\(location): the directory holds no PEM certificate")
        }
        return found
    }

    private static func certificates(pem: [UInt8], property: String) throws(KafkaError) -> [NIOSSLCertificate] {
        let parsed = try? NIOSSLCertificate.fromPEMBytes(pem)
        guard let parsed, !parsed.isEmpty else {
            throw .invalidConfiguration("\(property): holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        return parsed
    }

    private static func clientCertificate(_ settings: TLSSettings) throws(KafkaError) -> ([NIOSSLCertificate], String) {
        if let location = settings.certificateLocation {
            let property = "ssl.certificate.location=\(location)"
            return (try certificates(pem: read(location, property: "ssl.certificate.location"), property: property), property)
        }
        let pem = settings.certificatePEM ?? ""
        return (try certificates(pem: Array(pem.utf8), property: "ssl.certificate.pem"), "ssl.certificate.pem")
    }

    private static func privateKey(_ settings: TLSSettings) throws(KafkaError) -> NIOSSLPrivateKey {
        let bytes: [UInt8]
        let property: String
        if let location = settings.keyLocation {
            bytes = try read(location, property: "ssl.key.location")
            property = "ssl.key.location=\(location)"
        } else {
            bytes = Array((settings.keyPEM?.reveal() ?? "").utf8)
            property = "ssl.key.pem"
        }
        // Without a password callback BoringSSL would prompt on the terminal for an encrypted key.
        let password = Array((settings.keyPassword?.reveal() ?? "").utf8)
        do {
            return try NIOSSLPrivateKey(bytes: bytes, format: .pem) { (setter: ([UInt8]) -> Void) in setter(password) }
        } catch {
            let why = settings.keyPassword == nil
                ? "not a PEM private key, or it is encrypted and ssl.key.password is not set"
                : "not a PEM private key, or ssl.key.password does not decrypt it"
            throw .invalidConfiguration("\(property): \(why)")
        }
    }

    /// A client certificate outside its validity period is refused by every broker; say so here,
    /// with the date, rather than as a handshake alert.
    private static func checkValidity(_ certificate: NIOSSLCertificate?, property: String, now: time_t) throws(KafkaError) {
        guard let certificate else { return }
        if certificate.notValidAfter < now {
            throw .invalidConfiguration(
                "\(property): the client certificate expired on \(TLSFailureDescription.date(certificate.notValidAfter))")
        }
        if certificate.notValidBefore > now {
            throw .invalidConfiguration(
                "\(property): the client certificate is not valid before \(TLSFailureDescription.date(certificate.notValidBefore))")
        }
    }

    static func read(_ path: String, property: String) throws(KafkaError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw .invalidConfiguration("\(property)=\(path): \(String(cString: strerror(errno)).lowercased())")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { bytes += chunk[0..<count] }
            if count < chunk.count { break }
            guard bytes.count <= 16 << 20 else { throw .invalidConfiguration("\(property)=\(path): larger than 16 MB") }
        }
        return bytes
    }

    private static func directoryEntries(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names
    }
}
