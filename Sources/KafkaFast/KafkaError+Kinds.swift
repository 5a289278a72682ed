import KafkaProtocol

// The errors the client makes, one function each, so a throw reads as what happened:
// `throw .connectionFailed(broker: name, reason: "connection refused")`. Public so that code
// wrapping the client can make the same errors, with the same one-line descriptions.
extension KafkaError {
    /// A property or argument refused before anything is sent: `what` says which and why.
    public static func invalidConfiguration(_ what: String) -> KafkaError {
        KafkaError(code: .invalidConfiguration, description: "invalid configuration: \(what)")
    }

    /// An address that cannot be a broker's `host:port`.
    public static func invalidBrokerAddress(_ address: String, reason: String) -> KafkaError {
        KafkaError(code: .invalidBrokerAddress, description: "invalid broker address '\(address)': \(reason)")
    }

    /// Dialling `broker` failed; `reason` is what the system said (refused, unreachable, timed out).
    public static func connectionFailed(broker: String, reason: String) -> KafkaError {
        KafkaError(code: .connectionFailed, description: "cannot connect to broker \(broker): \(reason)", broker: broker)
    }

    /// The connection to `broker` closed while a request waited for its answer.
    public static func connectionClosed(broker: String) -> KafkaError {
        KafkaError(code: .connectionClosed, description: "connection to broker \(broker) was closed", broker: broker)
    }

    /// `broker` did not answer an `api` request within `milliseconds` (`request.timeout.ms`).
    public static func requestTimedOut(broker: String, api: String, milliseconds: Int64) -> KafkaError {
        KafkaError(code: .requestTimedOut, description: "\(api) request to broker \(broker) timed out after \(milliseconds) ms",
                   broker: broker)
    }

    /// `broker` sent bytes that are not a valid answer; `detail` names the field.
    public static func protocolViolation(broker: String, detail: String) -> KafkaError {
        KafkaError(code: .protocolViolation, description: "broker \(broker) sent an invalid response: \(detail)", broker: broker)
    }

    /// A response frame of `bytes`, over `limit` (`receive.message.max.bytes`, `KafkaConfiguration.maxResponseBytes`).
    public static func responseTooLarge(broker: String, bytes: Int, limit: Int) -> KafkaError {
        KafkaError(code: .responseTooLarge, description: "broker \(broker) sent a response of \(bytes) bytes, over receive.message.max.bytes "
            + "(\(limit)): raise that property to at least \(bytes) to accept it", broker: broker)
    }

    /// `broker` has no version of `api` the client speaks.
    public static func unsupportedApi(broker: String, api: String, detail: String) -> KafkaError {
        KafkaError(code: .unsupportedApi, description: "broker \(broker) does not support \(api): \(detail)", broker: broker)
    }

    /// The broker answered with an error code: "`context`: NAME [code] (message)".
    public static func broker(code: KafkaErrorCode, context: String, message: String?) -> KafkaError {
        let suffix = message.map { $0.isEmpty ? "" : " (\($0))" } ?? ""
        return KafkaError(code: .brokerError, description: "\(context): \(code.name) [\(code.rawValue)]\(suffix)", kafkaErrorCode: code)
    }

    /// `topic` does not exist on the cluster.
    public static func unknownTopic(_ topic: String) -> KafkaError {
        KafkaError(code: .unknownTopic, description: "unknown topic '\(topic)': it does not exist on the cluster",
                   kafkaErrorCode: .unknownTopicOrPartition, topic: topic)
    }

    /// `topic` has no partition `partition`.
    public static func unknownPartition(topic: String, partition: Int32) -> KafkaError {
        KafkaError(code: .unknownPartition, description: "unknown partition \(partition) of topic '\(topic)'",
                   kafkaErrorCode: .unknownTopicOrPartition, topic: topic, partition: partition)
    }

    /// No consumer group `group` exists: no members, no committed offsets.
    public static func unknownGroup(_ group: String) -> KafkaError {
        KafkaError(code: .unknownGroup, description: "unknown group '\(group)': no consumer group of that name exists on the cluster")
    }

    /// `group` has members, and what was asked (an offset reset) needs an empty group.
    public static func groupNotEmpty(group: String, members: Int, state: String) -> KafkaError {
        KafkaError(code: .groupNotEmpty, description: "group '\(group)' has \(members) member\(members == 1 ? "" : "s") (state \(state)): "
            + "Kafka changes the offsets of an empty group only; stop its consumers first")
    }

    /// No broker could be reached; `reason` lists each one tried and why it failed.
    public static func noBrokerAvailable(_ reason: String) -> KafkaError {
        KafkaError(code: .noBrokerAvailable, description: "no broker available: \(reason)")
    }

    /// `group` did not assign this member partitions within `waitedMs`; `reason` names the step and the last problem.
    public static func groupNotFormed(group: String, waitedMs: Int64, reason: String) -> KafkaError {
        KafkaError(code: .groupNotFormed, description: "group '\(group)' did not form within \(waitedMs) ms: \(reason)")
    }

    /// The TLS handshake with `broker` failed; `reason` says why and what setting fixes it.
    public static func tlsFailed(broker: String, reason: String) -> KafkaError {
        KafkaError(code: .tlsFailed, description: "TLS handshake with broker \(broker) failed: \(reason)", broker: broker)
    }

    /// `reason` is the whole line; the broker (or the OIDC token endpoint, which fails the same
    /// way but is not a broker) follows it in parentheses.
    public static func authenticationFailed(broker: String, reason: String) -> KafkaError {
        KafkaError(code: .authenticationFailed,
                   description: "\(reason) (\(broker.hasPrefix("token endpoint") ? broker : "broker " + broker))", broker: broker)
    }

    /// `broker`'s port speaks another `security.protocol` than the one configured.
    public static func securityMismatch(broker: String, reason: String) -> KafkaError {
        KafkaError(code: .securityMismatch, description: "broker \(broker): \(reason)", broker: broker)
    }

    /// The client was closed.
    public static let clientClosed = KafkaError(code: .clientClosed, description: "the client is closed")

    // MARK: Delivery

    /// A message the broker refused: "topic/partition: NAME [code]" and the detail, if any.
    static func delivery(code: KafkaErrorCode, topic: String, partition: Int32, detail: String? = nil) -> KafkaError {
        KafkaError(code: .deliveryFailed, description: "\(topic)/\(partition): \(code.name) [\(code.rawValue)]" + (detail.map { ": \($0)" } ?? ""),
                   kafkaErrorCode: code, topic: topic, partition: partition)
    }

    /// A message not acknowledged within `delivery.timeout.ms`.
    static func deliveryTimedOut(afterMs ms: Int, topic: String, partition: Int32, lastError: String? = nil) -> KafkaError {
        KafkaError(code: .deliveryTimedOut,
                   description: "\(topic)/\(partition): not acknowledged within delivery.timeout.ms (\(ms) ms)" + (lastError.map { "; last error: \($0)" } ?? ""),
                   topic: topic, partition: partition)
    }

    /// A message that found no room in the producer's buffer within `delivery.timeout.ms`.
    static func deliveryTimedOut(noRoomWithinMs ms: Int, topic: String, lastError: String?) -> KafkaError {
        KafkaError(code: .deliveryTimedOut,
                   description: "\(topic): no room in the producer's buffer within delivery.timeout.ms (\(ms) ms)" + (lastError.map { "; first failure: \($0)" } ?? ""),
                   topic: topic)
    }

    /// A message that failed for `error`, which was not about it alone (the topic is unknown,
    /// the connection failed, the producer closed): the same line, as a delivery failure.
    static func delivery(_ error: KafkaError) -> KafkaError {
        guard error.code != .deliveryFailed, error.code != .deliveryTimedOut else { return error }
        return KafkaError(code: .deliveryFailed, description: error.description, broker: error.broker,
                          kafkaErrorCode: error.kafkaErrorCode, topic: error.topic, partition: error.partition, underlying: error)
    }
}
