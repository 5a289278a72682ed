import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// An OAUTHBEARER token and when it stops being valid.
struct OAuthBearerToken: Sendable {
    var value: Secret
    /// Unix milliseconds; nil when the token does not say (not a JWT, or no `exp`).
    var expiresAtMs: Int64?
    var obtainedAtMs: Int64
}

/// Gives every connection of a client the same token, and a fresh one once 80% of its life has
/// passed (a static token is used as it is). A token command is run, or the OIDC endpoint asked,
/// at most once at a time however many connections need a token at once.
final class OAuthBearerTokenSource: Sendable {
    private struct State {
        var token: OAuthBearerToken?
        var refresh: Task<OAuthBearerToken, any Error>?
    }

    /// A token without an expiry from a command or an endpoint is fetched again after this long.
    static let unknownLifetimeMs: Int64 = 300_000

    private let settings: OAuthBearerSettings
    private let endpointTLS: TLSSettings
    private let timeoutMs: Int
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    init(settings: OAuthBearerSettings, endpointTLS: TLSSettings, timeoutMs: Int, logger: Logger) {
        self.settings = settings
        self.endpointTLS = endpointTLS
        self.timeoutMs = timeoutMs
        self.logger = logger
    }

    func token() async throws(KafkaError) -> OAuthBearerToken {
        let now = Self.nowMs()
        let task = state.withLockedValue { state -> Task<OAuthBearerToken, any Error>? in
            if let token = state.token, !Self.needsRefresh(token, now: now) { return nil }
            if let running = state.refresh { return running }
            let task = Task { try await self.fetch() }
            state.refresh = task
            return task
        }
        guard let task else { return state.withLockedValue { $0.token! } }
        do {
            let token = try await task.value
            state.withLockedValue {
                $0.token = token
                $0.refresh = nil
            }
            return token
        } catch {
            state.withLockedValue { $0.refresh = nil }
            throw (error as? KafkaError) ?? .invalidConfiguration("OAUTHBEARER token: \(error)")
        }
    }

    static func needsRefresh(_ token: OAuthBearerToken, now: Int64) -> Bool {
        guard let expires = token.expiresAtMs else { return false }
        return now >= token.obtainedAtMs + (expires - token.obtainedAtMs) * 8 / 10
    }

    private func fetch() async throws(KafkaError) -> OAuthBearerToken {
        let now = Self.nowMs()
        if let token = settings.token {
            return OAuthBearerToken(value: token, expiresAtMs: Self.expiry(of: token.reveal()), obtainedAtMs: now)
        }
        if let command = settings.tokenCommand {
            logger.debug("running sasl.oauthbearer.token.command for a new token")
            let text = try await TokenCommand.run(command, timeoutMs: timeoutMs)
            return OAuthBearerToken(
                value: Secret(text), expiresAtMs: Self.expiry(of: text) ?? now + Self.unknownLifetimeMs, obtainedAtMs: now)
        }
        if settings.method == .oidc {
            logger.debug("asking the OIDC token endpoint for a token", metadata: ["url": "\(settings.tokenEndpointURL ?? "")"])
            let (text, expiresIn) = try await OIDCTokenRequest.fetch(settings, tls: endpointTLS, timeoutMs: timeoutMs)
            let expiry = expiresIn.map { now + $0 * 1_000 } ?? Self.expiry(of: text) ?? now + Self.unknownLifetimeMs
            return OAuthBearerToken(value: Secret(text), expiresAtMs: expiry, obtainedAtMs: now)
        }
        let claims = try settings.unsecuredClaims()
        let text = Self.unsecuredJWT(principal: claims.principal, scopes: claims.scopes, issuedAt: now / 1_000, lifeSeconds: claims.lifeSeconds)
        return OAuthBearerToken(value: Secret(text), expiresAtMs: now + Int64(claims.lifeSeconds) * 1_000, obtainedAtMs: now)
    }

    /// librdkafka's development token: an unsigned JWT (`alg: none`) naming the principal.
    static func unsecuredJWT(principal: String, scopes: [String], issuedAt: Int64, lifeSeconds: Int) -> String {
        let header = Base64.encode(Array(#"{"alg":"none"}"#.utf8), urlSafe: true)
        var claims = #"{"sub":"\#(jsonEscape(principal))","iat":\#(issuedAt),"exp":\#(issuedAt + Int64(lifeSeconds))"#
        if !scopes.isEmpty { claims += #","scope":[\#(scopes.map { "\"\(jsonEscape($0))\"" }.joined(separator: ","))]"# }
        claims += "}"
        return header + "." + Base64.encode(Array(claims.utf8), urlSafe: true) + "."
    }

    /// The `exp` claim of a JWT, in Unix milliseconds; nil for anything else.
    static func expiry(of token: String) -> Int64? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64.decode(parts[1]), let claims = FlatJSONObject.parse(payload),
              case .number(let exp)? = claims["exp"], exp > 0, exp < 1e11
        else { return nil }
        return Int64(exp * 1_000)
    }

    static func jsonEscape(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case _ where scalar.value < 0x20: output += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    static func nowMs() -> Int64 { WallClock.milliseconds() }
}
