import KafkaProtocol

/// Where a configuration value comes from (DescribeConfigs' config source).
public enum ConfigSource: Sendable, Equatable, CustomStringConvertible {
    /// Set on the topic itself (a dynamic topic config).
    case topic
    /// Set for this broker at run time.
    case dynamicBroker
    /// Set at run time as the default of every broker.
    case dynamicDefaultBroker
    /// The broker's configuration file.
    case staticBroker
    /// Kafka's built-in default.
    case `default`
    /// A broker logger's level (Kafka's DYNAMIC_BROKER_LOGGER_CONFIG).
    case brokerLogger
    /// A source this client does not know (a newer broker), with its code.
    case other(Int8)

    init(code: Int8) {
        switch code {
        case 1: self = .topic
        case 2: self = .dynamicBroker
        case 3: self = .dynamicDefaultBroker
        case 4: self = .staticBroker
        case 5: self = .default
        case 6: self = .brokerLogger
        default: self = .other(code)
        }
    }

    /// "topic", "dynamic broker", "static broker", "default", ...
    public var description: String {
        switch self {
        case .topic: "topic"
        case .dynamicBroker: "dynamic broker"
        case .dynamicDefaultBroker: "dynamic default"
        case .staticBroker: "static broker"
        case .default: "default"
        case .brokerLogger: "broker logger"
        case .other(let code): "source \(code)"
        }
    }

    /// Kafka's default or a broker-wide setting: nothing set on the topic itself.
    public var isDefault: Bool {
        switch self {
        case .topic, .other: false
        default: true
        }
    }
}

/// One configuration entry of a topic as DescribeConfigs reports it.
public struct TopicConfigEntry: Sendable, Equatable {
    /// The property's name (`retention.ms`, `cleanup.policy`, ...).
    public var name: String
    /// Nil for a sensitive value (the broker never sends those) or a value that is not set.
    public var value: String?
    /// Where the value comes from: set on the topic, or inherited.
    public var source: ConfigSource
    /// Whether the broker treats the value as a secret (it then sends none).
    public var isSensitive: Bool
    /// Whether the broker refuses changes to it at run time.
    public var isReadOnly: Bool
}

extension KafkaClient {
    /// Every configuration entry of `topic`, sorted by name (DescribeConfigs to any broker: topic
    /// configs are cluster-wide).
    public func describeTopicConfig(_ topic: String) async throws(KafkaError) -> [TopicConfigEntry] {
        try Self.validateTopicName(topic)
        let connection = try await anyConnection()
        let broker = connection.address.description
        let topicResource: Int8 = 2
        let request = DescribeConfigsRequest(
            resources: [.init(resourceType: topicResource, resourceName: topic, configurationKeys: nil)],
            includeSynonyms: false, includeDocumentation: false)
        let version = connection.version(for: DescribeConfigsRequest.self)
        let response = try await connection.send(request, version: version)
        guard let result = response.results.first(where: { $0.resourceName == topic }) else {
            throw .protocolViolation(broker: broker, detail: "DescribeConfigs response does not name topic '\(topic)'")
        }
        let code = KafkaErrorCode(rawValue: result.errorCode)
        if code == .unknownTopicOrPartition { throw .unknownTopic(topic) }
        guard code == .none else {
            throw .broker(code: code, context: "cannot describe the configuration of topic '\(topic)'", message: result.errorMessage)
        }
        guard result.resourceType == topicResource else {
            throw .protocolViolation(broker: broker, detail: "DescribeConfigs answered resource type \(result.resourceType) for topic '\(topic)'")
        }
        var seen = Set<String>()
        var entries: [TopicConfigEntry] = []
        for config in result.configs {
            guard !config.name.isEmpty else {
                throw .protocolViolation(broker: broker, detail: "DescribeConfigs config entry without a name for topic '\(topic)'")
            }
            guard seen.insert(config.name).inserted else { continue }
            // v0 has only "is default"; later versions say where the value comes from.
            let source = (version ?? 0) == 0
                ? (config.isDefault ? ConfigSource.default : .topic) : ConfigSource(code: config.configSource)
            entries.append(TopicConfigEntry(
                name: config.name, value: config.isSensitive ? nil : config.value, source: source,
                isSensitive: config.isSensitive, isReadOnly: config.readOnly))
        }
        // Tansu answers a topic it does not have with no entries and no error.
        if entries.isEmpty, try await metadata(topics: [topic], refresh: true).topics[topic].map({ $0.error == .unknownTopicOrPartition }) ?? true {
            throw .unknownTopic(topic)
        }
        return entries.sorted { $0.name < $1.name }
    }
}
