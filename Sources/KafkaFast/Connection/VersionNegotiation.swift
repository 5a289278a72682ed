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
                throw kafkaError(error, broker: address.description)
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

public enum KafkaFastVersion {
    public static let string = "0.1.0"
}
