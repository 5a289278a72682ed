import Crypto

/// The client side of SCRAM (RFC 5802, with SHA-256/SHA-512 as in RFC 7677 and Kafka's
/// SCRAM-SHA-512): client-first, then client-final from the server-first message, then a check
/// of the server's signature, so a server that does not know the password cannot pose as one
/// that does. Pure: the nonce is given, no I/O, so RFC 7677's known answer can be checked.
struct ScramClient {
    enum Hash: Sendable {
        case sha256, sha512
    }

    /// Kafka stores SCRAM credentials with at least 4096 iterations (its minimum); far more than
    /// any deployment uses would make a hostile server burn the client's CPU.
    static let iterationRange = 4_096...1_000_000

    let hash: Hash
    let username: String
    private let password: Secret
    let clientNonce: String
    private var expectedServerSignature: [UInt8]?

    init(hash: Hash, username: String, password: Secret, clientNonce: String) {
        self.hash = hash
        self.username = username
        self.password = password
        self.clientNonce = clientNonce
    }

    /// A nonce of 24 random bytes, base64: printable and without commas, as the RFC requires.
    static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64.encode((0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// `n=user,r=nonce`, the part of client-first that the signatures cover.
    var clientFirstBare: String { "n=\(Self.escape(username)),r=\(clientNonce)" }

    /// No channel binding (`n,,`), as Kafka clients send it.
    var clientFirstMessage: String { "n,," + clientFirstBare }

    /// client-final for `serverFirst`: `c=biws,r=<the whole server nonce>,p=<proof>`.
    mutating func clientFinalMessage(serverFirst: String) throws(ScramError) -> String {
        let fields = try Self.fields(serverFirst)
        if let error = fields["e"] { throw .serverError(error) }
        guard let nonce = fields["r"], let saltText = fields["s"], let iterationText = fields["i"] else {
            throw .malformed("server-first message lacks r=, s= or i=")
        }
        guard nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count else {
            throw .malformed("server nonce does not extend the client's nonce")
        }
        guard let salt = Base64.decode(saltText), !salt.isEmpty else { throw .malformed("salt is not base64") }
        guard let iterations = Int(iterationText), Self.iterationRange.contains(iterations) else {
            throw .malformed("iteration count \(iterationText) is outside \(Self.iterationRange.lowerBound)...\(Self.iterationRange.upperBound)")
        }
        let withoutProof = "c=biws,r=\(nonce)"
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let salted = Self.pbkdf2(hash, password: Array(password.reveal().utf8), salt: salt, iterations: iterations)
        let clientKey = Self.hmac(hash, key: salted, Array("Client Key".utf8))
        let storedKey = Self.digest(hash, clientKey)
        let clientSignature = Self.hmac(hash, key: storedKey, authMessage)
        let proof = zip(clientKey, clientSignature).map { $0 ^ $1 }
        let serverKey = Self.hmac(hash, key: salted, Array("Server Key".utf8))
        expectedServerSignature = Self.hmac(hash, key: serverKey, authMessage)
        return "\(withoutProof),p=\(Base64.encode(proof))"
    }

    /// Checks server-final (`v=signature`); `e=reason` is the server's refusal.
    func verifyServerFinal(_ message: String) throws(ScramError) {
        let fields = try Self.fields(message)
        if let error = fields["e"] { throw .serverError(error) }
        guard let expected = expectedServerSignature else { throw .malformed("server-final before server-first") }
        guard let signature = fields["v"].flatMap(Base64.decode) else { throw .malformed("server-final lacks v=") }
        // Constant time: the comparison must not tell how much of a forged signature was right.
        guard signature.count == expected.count, zip(signature, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw .badServerSignature
        }
    }

    /// `=` and `,` in a user name are written `=3D` and `=2C` (RFC 5802 section 5.1).
    static func escape(_ name: String) -> String {
        name.replacing("=", with: "=3D").replacing(",", with: "=2C")
    }

    private static func fields(_ message: String) throws(ScramError) -> [String: String] {
        var result: [String: String] = [:]
        for part in message.split(separator: ",", omittingEmptySubsequences: false) {
            guard part.count >= 2, part.dropFirst().first == "=" else { continue }  // extensions and empty parts
            result[String(part.prefix(1))] = String(part.dropFirst(2))
        }
        guard !result.isEmpty else { throw .malformed("not a SCRAM message") }
        return result
    }

    /// PBKDF2 (RFC 8018) with HMAC as its PRF, one block: SCRAM's key is exactly one hash long.
    static func pbkdf2(_ hash: Hash, password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        switch hash {
        case .sha256: return pbkdf2(SHA256.self, password: password, salt: salt, iterations: iterations)
        case .sha512: return pbkdf2(SHA512.self, password: password, salt: salt, iterations: iterations)
        }
    }

    private static func pbkdf2<H: HashFunction>(_: H.Type, password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        // The keyed state is made once and copied for each round, rather than keyed again each time.
        let keyed = HMAC<H>(key: SymmetricKey(data: password))
        var round = keyed
        round.update(data: salt + [0, 0, 0, 1])
        var block = Array(round.finalize())
        var result = block
        for _ in 1..<max(iterations, 1) {
            round = keyed
            round.update(data: block)
            block = Array(round.finalize())
            for index in result.indices { result[index] ^= block[index] }
        }
        return result
    }

    static func hmac(_ hash: Hash, key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: key)
        switch hash {
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
        case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: data, using: key))
        }
    }

    static func digest(_ hash: Hash, _ data: [UInt8]) -> [UInt8] {
        switch hash {
        case .sha256: return Array(SHA256.hash(data: data))
        case .sha512: return Array(SHA512.hash(data: data))
        }
    }
}

/// Why a SCRAM exchange stopped on the client's side.
enum ScramError: Error, CustomStringConvertible {
    case malformed(String)
    /// The server's `e=` attribute (RFC 5802 section 7), such as `unknown-user` or `invalid-proof`.
    case serverError(String)
    case badServerSignature

    var description: String {
        switch self {
        case .malformed(let why): return "invalid SCRAM message from the broker: \(why)"
        case .serverError(let reason): return "the broker answered e=\(reason)"
        case .badServerSignature:
            return "the broker's SCRAM signature is wrong: it does not know the password (not the real broker?)"
        }
    }
}
