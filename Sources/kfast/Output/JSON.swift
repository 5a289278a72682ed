import KafkaFast

/// The CLI's name for the ordered JSON value the library also writes statistics with.
typealias JSON = OrderedJSON
