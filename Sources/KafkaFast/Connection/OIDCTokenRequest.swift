import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The OAuth 2 client-credentials grant (RFC 6749 section 4.4) that
/// `sasl.oauthbearer.method=oidc` uses: one HTTP/1.1 POST to the token endpoint with the client
/// id and secret as Basic authentication, over TLS for https URLs (system CAs plus `ssl.ca.*`).
enum OIDCTokenRequest {
    struct Endpoint: Equatable {
        init(secure: Bool, host: String, port: Int, path: String) {
            self.secure = secure
            self.host = host
            self.port = port
            self.path = path
        }

        var secure: Bool
        var host: String
        var port: Int
        var path: String

        init?(_ url: String) {
            let rest: Substring
            if url.hasPrefix("https://") {
                secure = true
                rest = url.dropFirst(8)
            } else if url.hasPrefix("http://") {
                secure = false
                rest = url.dropFirst(7)
            } else {
                return nil
            }
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            let target = rest.dropFirst(authority.count)
            path = target.isEmpty ? "/" : (target.hasPrefix("?") ? "/" + target : String(target))
            guard let address = try? BrokerAddress(parsing: String(authority)) else { return nil }
            host = address.host
            port = authority.contains(":") && !(authority.hasPrefix("[") && authority.hasSuffix("]")) ? address.port : (secure ? 443 : 80)
        }
    }

    /// The access token and its `expires_in` in seconds.
    static func fetch(
        _ settings: OAuthBearerSettings, tls: TLSSettings, timeoutMs: Int
    ) async throws(KafkaError) -> (token: String, expiresInSeconds: Int64?) {
        let url = settings.tokenEndpointURL ?? ""
        guard let endpoint = Endpoint(url) else {
            throw .invalidConfiguration("sasl.oauthbearer.token.endpoint.url=\(url): not an http:// or https:// URL")
        }
        var form = "grant_type=client_credentials"
        if let scope = settings.scope { form += "&scope=" + formEncode(scope) }
        let credentials = formEncode(settings.clientId ?? "") + ":" + formEncode(settings.clientSecret?.reveal() ?? "")
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: endpoint.path)
        head.headers.add(name: "Host", value: endpoint.host)
        head.headers.add(name: "Authorization", value: "Basic " + Base64.encode(Array(credentials.utf8)))
        head.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "Content-Length", value: "\(form.utf8.count)")
        head.headers.add(name: "Connection", value: "close")

        let (status, body) = try await exchange(endpoint, head: head, body: form, tls: tls, timeoutMs: timeoutMs, url: url)
        let fields = FlatJSONObject.parse(body) ?? [:]
        guard status == 200 else {
            var why = "HTTP \(status)"
            if case .string(let error)? = fields["error"] { why += ": \(error)" }
            if case .string(let detail)? = fields["error_description"] { why += " (\(detail))" }
            throw .authenticationFailed(broker: "token endpoint \(url)", reason: "OIDC token request for client '\(settings.clientId ?? "")' failed: \(why)")
        }
        guard case .string(let token)? = fields["access_token"], !token.isEmpty else {
            throw .authenticationFailed(broker: "token endpoint \(url)", reason: "OIDC token response has no access_token")
        }
        var expiresIn: Int64?
        if case .number(let seconds)? = fields["expires_in"], seconds > 0, seconds < 1e9 { expiresIn = Int64(seconds) }
        return (token, expiresIn)
    }

    private static func exchange(
        _ endpoint: Endpoint, head: HTTPRequestHead, body: String, tls: TLSSettings, timeoutMs: Int, url: String
    ) async throws(KafkaError) -> (UInt, [UInt8]) {
        let context = endpoint.secure ? try TLSContextFactory.endpointContext(tls) : nil
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let response = loop.makePromise(of: (UInt, [UInt8]).self)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(timeoutMs)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        let sni = endpoint.host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) ? nil : endpoint.host
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: sni))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: response))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            throw .connectionFailed(broker: "token endpoint \(url)", reason: BrokerConnection.describeConnectError(error))
        }
        let timeout = loop.scheduleTask(in: .milliseconds(Int64(timeoutMs))) {
            response.fail(KafkaError.requestTimedOut(broker: "token endpoint \(url)", api: "OIDC token", milliseconds: Int64(timeoutMs)))
        }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        defer {
            timeout.cancel()
            channel.close(promise: nil)
        }
        do {
            return try await response.futureResult.get()
        } catch let error as KafkaError {
            throw error
        } catch {
            throw .connectionFailed(broker: "token endpoint \(url)", reason: "\(error)")
        }
    }

    /// application/x-www-form-urlencoded, which RFC 6749 also asks for inside Basic credentials.
    static func formEncode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                output += "+"
            default:
                output += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return output
    }
}

/// Gathers one HTTP response: its status and up to 1 MB of body.
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<(UInt, [UInt8])>
    private var status: UInt = 0
    private var body: [UInt8] = []

    init(promise: EventLoopPromise<(UInt, [UInt8])>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status.code
        case .body(var buffer):
            guard body.count + buffer.readableBytes <= 1 << 20 else {
                promise.fail(KafkaError.invalidConfiguration("the OIDC token response is larger than 1 MB"))
                return context.close(promise: nil)
            }
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            promise.succeed((status, body))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(KafkaError.connectionClosed(broker: "OIDC token endpoint"))
    }
}
