import KafkaProtocol
import NIOCore

extension BrokerConnection {
    /// The newest ApiVersions request version the client sends first.
    static let apiVersionsFirstTry: Int16 = 3

    /// ApiVersions on a new connection. A broker that does not know our version answers
    /// UNSUPPORTED_VERSION in the v0 layout, naming its own maximum for ApiVersions: retry
    /// once with that, strictly lower, so the exchange cannot loop.
    static func negotiateVersions(
        channel: any Channel, address: BrokerAddress, config: KafkaConfiguration
    ) async throws(KafkaError) -> ApiVersionTable {
        var version = min(apiVersionsFirstTry, config.apiVersionMax[ApiVersionsRequest.apiKey] ?? apiVersionsFirstTry)
        for _ in 0..<2 {
            let request = ApiVersionsRequest(clientSoftwareName: "kafka-fast", clientSoftwareVersion: KafkaFastVersion.string)
            let frame = try encodeFrame(request, version: version, allocator: channel.allocator, clientId: config.clientId)
            let answered = enqueue(frame, of: ApiVersionsRequest.self, version: version, on: channel,
                                   timeout: .milliseconds(Int64(config.requestTimeoutMs)))
            let body: ByteBuffer
            do {
                body = try await answered.get()
            } catch {
                throw explainEarlyClose(kafkaError(error, broker: address.description), address: address, config: config)
            }
            let errorCode = body.getInteger(at: body.readerIndex, as: Int16.self)
            if errorCode == KafkaErrorCode.unsupportedVersion.rawValue {
                var v0 = body
                let fallback = (try? ApiVersionsResponse(from: &v0, version: 0))?
                    .apiKeys.first(where: { $0.apiKey == ApiVersionsRequest.apiKey })?.maxVersion ?? 0
                guard fallback < version else { break }
                version = fallback
                continue
            }
            var reader = body
            let response: ApiVersionsResponse
            do {
                response = try ApiVersionsResponse(from: &reader, version: version)
            } catch {
                throw .protocolViolation(broker: address.description, detail: "ApiVersions v\(version) response: \(error)")
            }
            guard response.errorCode == 0 else {
                throw .broker(code: KafkaErrorCode(rawValue: response.errorCode), context: "ApiVersions to \(address)", message: nil)
            }
            return ApiVersionTable(response)
        }
        throw .unsupportedApi(broker: address.description, api: "ApiVersions", detail: "no version in common")
    }
}

extension BrokerConnection {
    /// A connection closed before the first answer most often means a security mismatch: a TLS
    /// port that got plaintext resets it (stunnel), and a broker that wants a client certificate
    /// refuses a TLS 1.3 client only after the client's side of the handshake, with an alert the
    /// close can overtake. Still a connection failure (a restarting broker looks the same), with
    /// the likely cause in its reason.
    static func explainEarlyClose(_ failure: KafkaError, address: BrokerAddress, config: KafkaConfiguration) -> KafkaError {
        guard failure.code == .connectionClosed || failure.code == .connectionFailed else { return failure }
        let security = config.security
        if !security.securityProtocol.usesTLS {
            return .connectionFailed(
                broker: address.description,
                reason: "the connection was closed before the broker answered ApiVersions (if this port expects TLS,"
                    + " set security.protocol=ssl or sasl_ssl)")
        }
        guard !security.tls.hasClientCertificate else { return failure }
        return .connectionFailed(
            broker: address.description,
            reason: "the broker closed the connection right after the TLS handshake: it may require a client certificate"
                + " (mTLS): set ssl.certificate.location and ssl.key.location")
    }
}

/// The library's version.
public enum KafkaFastVersion {
    /// The version as text, as the client reports its software version to brokers (ApiVersions v3+).
    public static let string = "0.1.0"
}
