// What the dashboard asks the application to do. The app (or the client adapter) carries these out
// and answers with the input types in DashboardInput.swift.

/// Compression codec for a test message or the load generator.
public enum CompressionCodec: String, CaseIterable, Sendable, Equatable {
    case none, gzip, snappy, lz4, zstd
}

/// One test message from the send pane.
public struct SendRequest: Sendable, Equatable {
    /// Echoed in the `SendResult` so a late answer is matched to the right request.
    public var id: Int
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [ConsumedMessage.Header]
    /// Nil lets the producer's partitioner choose.
    public var partition: Int32?
    public var codec: CompressionCodec

    public init(
        id: Int, topic: String, key: [UInt8]?, value: [UInt8]?, headers: [ConsumedMessage.Header] = [],
        partition: Int32? = nil, codec: CompressionCodec = .none
    ) {
        self.id = id
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
        self.codec = codec
    }
}

/// Where a test message landed, or why it did not.
public struct SendResult: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case delivered(partition: Int32, offset: Int64)
        /// The Kafka error name (e.g. `MESSAGE_TOO_LARGE`) or a short client-side reason.
        case failed(errorName: String)
    }

    public var requestID: Int
    public var outcome: Outcome
    public var latencyMillis: Double?

    public init(requestID: Int, outcome: Outcome, latencyMillis: Double? = nil) {
        self.requestID = requestID
        self.outcome = outcome
        self.latencyMillis = latencyMillis
    }
}

/// The load generator's settings; the app stops it when it receives nil.
public struct LoadGeneratorSettings: Sendable, Equatable {
    public var topic: String
    public var messagesPerSecond: Int
    public var messageSize: Int
    public var codec: CompressionCodec

    public init(topic: String, messagesPerSecond: Int, messageSize: Int, codec: CompressionCodec = .none) {
        self.topic = topic
        self.messagesPerSecond = messagesPerSecond
        self.messageSize = messageSize
        self.codec = codec
    }
}

/// Where the tail consumer starts reading.
public enum TailStart: Sendable, Equatable {
    case end
    case beginning
    case offset(Int64)
    case timestamp(millis: Int64)
}

/// A request to follow a topic (all partitions, or one).
public struct TailRequest: Sendable, Equatable {
    /// Increases with every request, so batches from a tail that was replaced can be dropped.
    public var generation: Int
    public var topic: String
    public var partition: Int32?
    public var start: TailStart
    /// Most rows a second the pane shows before it samples (`DashboardOptions.tailDisplayBudgetPerSecond`).
    public var messagesPerSecond: Int

    public init(
        generation: Int, topic: String, partition: Int32? = nil, start: TailStart = .end, messagesPerSecond: Int = 500
    ) {
        self.generation = generation
        self.topic = topic
        self.partition = partition
        self.start = start
        self.messagesPerSecond = messagesPerSecond
    }
}
