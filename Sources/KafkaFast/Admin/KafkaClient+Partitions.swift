import KafkaProtocol

extension KafkaClient {
    /// Raises `topic` to `totalCount` partitions (CreatePartitions at the controller) and waits until
    /// the new ones have leaders. Kafka can only add partitions: a count not above the current one is
    /// refused here, before anything is sent. `validateOnly` asks the broker to check without doing it.
    /// Returns the partition count before the change.
    @discardableResult
    public func createPartitions(
        topic: String, totalCount: Int32, validateOnly: Bool = false, timeoutMs: Int32 = 30_000
    ) async throws(KafkaError) -> Int {
        try Self.validateTopicName(topic)
        let metadata = try await metadata(topics: [topic], refresh: true)
        guard let current = metadata.topics[topic], current.error != .unknownTopicOrPartition else {
            throw .unknownTopic(topic)
        }
        guard Int(totalCount) > current.partitions.count else {
            throw .invalidConfiguration(
                "topic '\(topic)' has \(current.partitions.count) partitions: the new count must be larger (Kafka cannot remove partitions)")
        }
        let connection = try await controllerConnection()
        let request = CreatePartitionsRequest(
            topics: [.init(name: topic, count: totalCount, assignments: nil)], timeoutMs: timeoutMs, validateOnly: validateOnly)
        let response = try await connection.send(request)
        guard let result = response.results.first(where: { $0.name == topic }) else {
            throw .protocolViolation(broker: connection.address.description, detail: "CreatePartitions response does not name '\(topic)'")
        }
        let code = KafkaErrorCode(rawValue: result.errorCode)
        guard code == .none else {
            throw .broker(code: code, context: "cannot add partitions to topic '\(topic)'", message: result.errorMessage)
        }
        if !validateOnly { try await waitForLeaders(topic: topic, partitions: Int(totalCount), timeoutMs: Int(timeoutMs)) }
        return current.partitions.count
    }
}
