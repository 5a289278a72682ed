/// Where OAUTHBEARER tokens come from (`sasl.oauthbearer.*`). Exactly one source is used, in
/// this order: a static token, a token command, the OIDC client-credentials flow
/// (`sasl.oauthbearer.method=oidc`), or librdkafka's unsecured JWT for development brokers.
public struct OAuthBearerSettings: Sendable, Equatable {
    /// `sasl.oauthbearer.method`: whether tokens come from the OIDC client-credentials flow.
    public enum Method: String, Sendable {
        /// `default`: a static token, a token command, or the unsecured development token.
        case `default`
        /// `oidc`: tokens from an OAuth token endpoint with a client id and secret.
        case oidc
    }

    /// `sasl.oauthbearer.method` (`default`): see ``Method``.
    public var method: Method = .default
    /// `sasl.oauthbearer.token`: a token used as it is (ours; librdkafka needs code for this).
    public var token: Secret?
    /// `sasl.oauthbearer.token.command`: a shell command whose standard output is the token; run
    /// again before the token's `exp` (ours).
    public var tokenCommand: String?
    /// `sasl.oauthbearer.client.id`: the OAuth client the OIDC flow logs in as.
    public var clientId: String?
    /// `sasl.oauthbearer.client.secret`: the OAuth client's secret; never printed.
    public var clientSecret: Secret?
    /// `sasl.oauthbearer.token.endpoint.url`: the identity provider's token endpoint, an
    /// `https://` (or `http://`) URL. A token is fetched again before the last one expires.
    public var tokenEndpointURL: String?
    /// `sasl.oauthbearer.scope`: the scope asked for in the OIDC flow, when the provider wants one.
    public var scope: String?
    /// `sasl.oauthbearer.extensions`: `key=value,...` sent with the token (KIP-342).
    public var extensions: [(key: String, value: String)] = []
    /// `sasl.oauthbearer.config` with `enable.sasl.oauthbearer.unsecure.jwt=true`: librdkafka's
    /// unsigned development token, `principal=NAME [scope=A,B] [lifeSeconds=N]`.
    public var unsecuredConfig: String?
    /// `enable.sasl.oauthbearer.unsecure.jwt` (false): make an unsigned token from
    /// ``unsecuredConfig``, which only a development broker accepts.
    public var unsecuredJWT = false

    /// No token source: OAUTHBEARER needs one set.
    public init() {}

    /// Equal when every setting is, the secrets compared by value.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.method == rhs.method && lhs.token == rhs.token && lhs.tokenCommand == rhs.tokenCommand
            && lhs.clientId == rhs.clientId && lhs.clientSecret == rhs.clientSecret
            && lhs.tokenEndpointURL == rhs.tokenEndpointURL && lhs.scope == rhs.scope
            && lhs.extensions.elementsEqual(rhs.extensions, by: { $0 == $1 })
            && lhs.unsecuredConfig == rhs.unsecuredConfig && lhs.unsecuredJWT == rhs.unsecuredJWT
    }

    mutating func set(_ name: String, _ value: String) throws(KafkaError) -> Bool {
        let text: String? = value.isEmpty ? nil : value
        switch name {
        case "sasl.oauthbearer.method":
            guard let parsed = Method(rawValue: value.lowercased()) else {
                throw .invalidConfiguration("\(name)=\(value): expected default or oidc")
            }
            method = parsed
        case "sasl.oauthbearer.token": token = text.map(Secret.init)
        case "sasl.oauthbearer.token.command": tokenCommand = text
        case "sasl.oauthbearer.client.id": clientId = text
        case "sasl.oauthbearer.client.secret": clientSecret = text.map(Secret.init)
        case "sasl.oauthbearer.token.endpoint.url": tokenEndpointURL = text
        case "sasl.oauthbearer.scope": scope = text
        case "sasl.oauthbearer.extensions": extensions = try Self.pairs(name, value, separator: ",")
        case "sasl.oauthbearer.config": unsecuredConfig = text
        case "enable.sasl.oauthbearer.unsecure.jwt": unsecuredJWT = try TLSSettings.boolean(name, value)
        default: return false
        }
        return true
    }

    func validate() throws(KafkaError) {
        if method == .oidc {
            var missing: [String] = []
            if clientId == nil { missing.append("sasl.oauthbearer.client.id") }
            if clientSecret == nil { missing.append("sasl.oauthbearer.client.secret") }
            if tokenEndpointURL == nil { missing.append("sasl.oauthbearer.token.endpoint.url") }
            guard missing.isEmpty else {
                throw .invalidConfiguration("sasl.oauthbearer.method=oidc needs \(missing.joined(separator: ", "))")
            }
            guard let url = tokenEndpointURL, url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw .invalidConfiguration("sasl.oauthbearer.token.endpoint.url must be an http:// or https:// URL")
            }
            return
        }
        if token != nil || tokenCommand != nil { return }
        if unsecuredJWT {
            _ = try unsecuredClaims()
            return
        }
        throw .invalidConfiguration(
            "sasl.mechanisms=OAUTHBEARER needs a token: sasl.oauthbearer.token, sasl.oauthbearer.token.command,"
                + " sasl.oauthbearer.method=oidc with its client.id, client.secret and token.endpoint.url, or"
                + " enable.sasl.oauthbearer.unsecure.jwt=true with sasl.oauthbearer.config=principal=NAME")
    }

    /// The claims of librdkafka's unsecured token: principal, scopes and lifetime.
    func unsecuredClaims() throws(KafkaError) -> (principal: String, scopes: [String], lifeSeconds: Int) {
        let pairs = try Self.pairs("sasl.oauthbearer.config", unsecuredConfig ?? "", separator: " ")
        var principal: String?
        var scopes: [String] = []
        var life = 3600
        for (key, value) in pairs {
            switch key {
            case "principal": principal = value
            case "scope": scopes = value.split(separator: ",").map(String.init)
            case "lifeSeconds":
                guard let seconds = Int(value), seconds > 0 else {
                    throw .invalidConfiguration("sasl.oauthbearer.config: lifeSeconds=\(value) is not a positive number")
                }
                life = seconds
            default:
                // librdkafka's principalClaimName/scopeClaimName/extension_* are accepted and ignored.
                continue
            }
        }
        guard let principal, !principal.isEmpty else {
            throw .invalidConfiguration("enable.sasl.oauthbearer.unsecure.jwt=true needs sasl.oauthbearer.config=principal=NAME")
        }
        return (principal, scopes, life)
    }

    /// Who logs in, for display: the OIDC client, the unsecured principal, or "token".
    var principalDescription: String {
        if method == .oidc, let clientId { return clientId }
        if token == nil, tokenCommand == nil, unsecuredJWT, let claims = try? unsecuredClaims() { return claims.principal }
        return "token"
    }

    static func pairs(_ name: String, _ value: String, separator: Character) throws(KafkaError) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        for part in value.split(separator: separator) {
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pieces.count == 2, !pieces[0].isEmpty else {
                throw .invalidConfiguration("\(name): '\(part)' is not key=value")
            }
            result.append((pieces[0], pieces[1]))
        }
        return result
    }
}
