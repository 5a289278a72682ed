import KafkaProtocol
import NIOCore

extension BrokerConnection {
    /// An answer that is either the decoded response or, when the body does not decode, the
    /// error code it leads with.
    enum AnswerOrErrorCode<Response> {
        case response(Response)
        case errorCode(KafkaErrorCode)
    }

    /// Sends a request whose response starts with `[throttle_time_ms] error_code`, and accepts an
    /// error answer whose rest does not decode. librdkafka's mock cluster writes its JoinGroup and
    /// SyncGroup error answers with null strings and bytes where those versions have none; what
    /// matters is the error code, and the group's state machine knows what to do with it. A body
    /// that does not decode and carries no error code is still a protocol violation.
    /// - Parameter throttleFirstFrom: the first version whose response puts throttle_time_ms
    ///   before the error code.
    func sendAcceptingErrorAnswer<Request: KafkaRequestMessage>(
        _ request: Request, timeout: TimeAmount, throttleFirstFrom: Int16
    ) async throws(KafkaError) -> AnswerOrErrorCode<Request.Response> {
        let api = KafkaAPI.name(of: Request.apiKey)
        let version = try requireVersion(for: Request.self)
        let body = try await sendEncoded(request, version: version, timeout: timeout)
        var reader = body
        do {
            return .response(try Request.Response(from: &reader, version: version))
        } catch {
            let offset = body.readerIndex + (version >= throttleFirstFrom ? 4 : 0)
            if let raw = body.getInteger(at: offset, as: Int16.self), raw != 0 {
                return .errorCode(KafkaErrorCode(rawValue: raw))
            }
            throw .protocolViolation(broker: address.description, detail: "\(api) v\(version) response: \(error)")
        }
    }
}
