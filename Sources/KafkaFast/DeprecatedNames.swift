// The names before issue 15's: kept so code written against them still compiles, with a warning
// that says the new name.

/// The multi-partition producer.
@available(*, deprecated, renamed: "KafkaProducer")
public typealias KafkaConnector = KafkaProducer

/// The single-connection producer with explicit partitions.
@available(*, deprecated, renamed: "KafkaSingleConnectionProducer")
public typealias Producer = KafkaSingleConnectionProducer

/// The partition consumer (no group).
@available(*, deprecated, renamed: "KafkaPartitionConsumer")
public typealias KafkaConsumer = KafkaPartitionConsumer

/// The client configuration.
@available(*, deprecated, renamed: "KafkaConfiguration")
public typealias KafkaConfig = KafkaConfiguration

/// The producer's configuration.
@available(*, deprecated, renamed: "KafkaProducerConfiguration")
public typealias ProducerSettings = KafkaProducerConfiguration

/// The consumer's configuration.
@available(*, deprecated, renamed: "KafkaConsumerConfiguration")
public typealias ConsumerSettings = KafkaConsumerConfiguration

/// The security part of the configuration.
@available(*, deprecated, renamed: "KafkaSecurityConfiguration")
public typealias SecuritySettings = KafkaSecurityConfiguration

/// Delivery failures are `KafkaError`s (code `.deliveryFailed` or `.deliveryTimedOut`).
@available(*, deprecated, renamed: "KafkaError")
public typealias DeliveryError = KafkaError
