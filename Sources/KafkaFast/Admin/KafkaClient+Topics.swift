import KafkaProtocol

extension KafkaClient {
    /// Creates a topic (CreateTopics at the controller) and waits until every partition has a
    /// leader, so a producer can send to it at once.
    /// - Parameters:
    ///   - name: the topic's name: 1 to 249 of `a-z A-Z 0-9 . _ -`, not `.` or `..`.
    ///   - partitions: -1 for the broker's default (`num.partitions`).
    ///   - replicationFactor: -1 for the broker's default (`default.replication.factor`).
    ///   - configs: topic properties such as `retention.ms` or `cleanup.policy`.
    ///   - timeoutMs: how long the controller may take, in ms.
    /// - Throws: ``KafkaError/Code-swift.struct/invalidConfiguration`` for a name Kafka refuses;
    ///   the broker's error otherwise, with its `kafkaErrorCode` (TOPIC_ALREADY_EXISTS,
    ///   POLICY_VIOLATION, ...); ``KafkaError/Code-swift.struct/unsupportedApi`` on a broker
    ///   without CreateTopics.
    public func createTopic(
        _ name: String, partitions: Int32 = -1, replicationFactor: Int16 = -1, configs: [String: String] = [:],
        timeoutMs: Int32 = 30_000
    ) async throws(KafkaError) {
        try Self.validateTopicName(name)
        let connection = try await controllerConnection()
        let request = CreateTopicsRequest(
            topics: [.init(
                name: name, numPartitions: partitions, replicationFactor: replicationFactor,
                configs: configs.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) })],
            timeoutMs: timeoutMs)
        let response = try await connection.send(request)
        guard let result = response.topics.first(where: { $0.name == name }) else {
            throw .protocolViolation(broker: connection.address.description, detail: "CreateTopics response does not name '\(name)'")
        }
        let code = KafkaErrorCode(rawValue: result.errorCode)
        guard code == .none else {
            throw .broker(code: code, context: "cannot create topic '\(name)'", message: result.errorMessage)
        }
        try await waitForLeaders(topic: name, timeoutMs: Int(timeoutMs))
    }

    /// Deletes a topic (DeleteTopics at the controller). Kafka removes its data in the
    /// background; the name can be reused once the metadata no longer lists it.
    ///
    /// Throws ``KafkaError/Code-swift.struct/unknownTopic`` when there is no such topic, and the
    /// broker's error otherwise (TOPIC_DELETION_DISABLED, ...).
    public func deleteTopic(_ name: String, timeoutMs: Int32 = 30_000) async throws(KafkaError) {
        try Self.validateTopicName(name)
        let connection = try await controllerConnection()
        let version = try connection.requireVersion(for: DeleteTopicsRequest.self)
        let request = version >= 6
            ? DeleteTopicsRequest(topics: [.init(name: name)], timeoutMs: timeoutMs)
            : DeleteTopicsRequest(topicNames: [name], timeoutMs: timeoutMs)
        let response = try await connection.send(request, version: version)
        guard let result = response.responses.first(where: { $0.name == name }) ?? response.responses.first else {
            throw .protocolViolation(broker: connection.address.description, detail: "DeleteTopics response is empty")
        }
        let code = KafkaErrorCode(rawValue: result.errorCode)
        if code == .unknownTopicOrPartition { throw .unknownTopic(name) }
        guard code == .none else {
            throw .broker(code: code, context: "cannot delete topic '\(name)'", message: result.errorMessage)
        }
        _ = try? await metadata(refresh: true)
    }

    /// Topic names Kafka accepts: 1 to 249 of [a-zA-Z0-9._-], not "." or "..".
    static func validateTopicName(_ name: String) throws(KafkaError) {
        guard !name.isEmpty, name.utf8.count <= 249, name != ".", name != "..",
              name.utf8.allSatisfy({ $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
                  || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
                  || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else {
            throw .invalidConfiguration("invalid topic name '\(name)': use 1 to 249 of the characters a-z A-Z 0-9 . _ -")
        }
    }

    func controllerConnection() async throws(KafkaError) -> BrokerConnection {
        let metadata = try await metadata(refresh: metadataCache.current == nil)
        if let controller = metadata.controllerId, metadata.brokers[controller] != nil {
            return try await connection(toNode: controller)
        }
        return try await anyConnection()
    }

    /// Waits until metadata shows at least `minimum` partitions of `topic`, every one with a leader.
    func waitForLeaders(topic: String, partitions minimum: Int = 1, timeoutMs: Int) async throws(KafkaError) {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        while ContinuousClock.now < deadline {
            if let metadata = try? await metadata(topics: [topic], refresh: true),
               let topicMetadata = metadata.topics[topic], topicMetadata.error == .none,
               topicMetadata.partitions.count >= max(1, minimum), topicMetadata.partitions.allSatisfy({ $0.leader >= 0 }) {
                return
            }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        throw .broker(code: .leaderNotAvailable, context: "topic '\(topic)' has no leaders for all its partitions yet", message: nil)
    }
}
