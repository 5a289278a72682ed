import KafkaProtocol
import NIOConcurrencyHelpers
import Synchronization

/// The partition consumer: reads partitions directly, from a position the caller chooses,
/// without a consumer group: nothing is committed and no other reader shares the work. What
/// kcat's `-C` does, for tools, replays and readers that keep their own positions.
///
///     let consumer = try KafkaPartitionConsumer(config: config)
///     for try await message in consumer.tail(topic: "events", from: .fromEnd(10)) { ... }
///     consumer.close()
///
/// Each `tail` runs its own ``FetchEngine``: one pipelined Fetch per leader broker, and a
/// leader that moves is followed. Leaving the loop (or cancelling its task) stops it and
/// releases what it buffered. `close()` stops every tail and, when the consumer made its own
/// client, closes the client. Thread-safe; each tail is read from one task.
public final class KafkaPartitionConsumer: Sendable {
    /// The client whose connections and metadata the tails use.
    public let client: KafkaClient
    /// What every tail of this consumer fetches with.
    public let settings: KafkaConsumerConfiguration
    private let ownsClient: Bool
    private let engines = NIOLockedValueBox<(closed: Bool, running: [WeakEngine])>((false, []))

    private struct WeakEngine: Sendable {
        weak let engine: FetchEngine?
    }

    /// A consumer with a client of its own, reading with `config.consumer`. Nothing is dialled
    /// until a tail starts. Throws as ``KafkaClient/init(config:group:)`` does.
    public init(config: KafkaConfiguration) throws(KafkaError) {
        client = try KafkaClient(config: config)
        settings = config.consumer
        ownsClient = true
    }

    /// A consumer on a shared client, which `close()` leaves open. `settings` replace the
    /// client's consumer settings (its `KafkaConfiguration.consumer`) for this consumer's tails: a
    /// dashboard fetches small amounts and skips ahead, where the client's other readers do not.
    public init(client: KafkaClient, settings: KafkaConsumerConfiguration? = nil) {
        self.client = client
        self.settings = settings ?? client.config.consumer
        ownsClient = false
    }

    /// The messages of `topic` (every partition, or `partitions`) from `start` on, in offset
    /// order per partition. With `untilEnd`, the sequence finishes once every partition has
    /// been read up to the high watermark it had when reached (kcat's `-e`).
    ///
    /// Throws when it starts for an unknown topic or partition, and later for a partition
    /// error the engine cannot handle (an offset out of range with `auto.offset.reset=error`,
    /// or `StartPosition.offset(_, strict: true)`, the topic deleted).
    public func tail(
        topic: String, partitions: [Int32]? = nil, from start: StartPosition = .end, untilEnd: Bool = false
    ) -> ConsumerMessages {
        ConsumerMessages(consumer: self, topic: topic, partitions: partitions, start: start, untilEnd: untilEnd)
    }

    /// Ends every running tail and closes the client if this consumer created it.
    public func close() {
        let running = engines.withLockedValue { state -> [WeakEngine] in
            state.closed = true
            defer { state.running.removeAll() }
            return state.running
        }
        running.forEach { $0.engine?.close() }
        if ownsClient { client.close() }
    }

    /// A new engine for a tail; false when the consumer is already closed.
    func register(_ engine: FetchEngine) -> Bool {
        engines.withLockedValue { state in
            guard !state.closed else { return false }
            state.running.removeAll { $0.engine == nil }
            state.running.append(WeakEngine(engine: engine))
            return true
        }
    }
}

/// The messages of one `tail`, one by one; `chunks` gives them as fetched, a partition's
/// batch at a time, for callers that handle many at once.
public struct ConsumerMessages: AsyncSequence, Sendable {
    /// Each element is one message.
    public typealias Element = ConsumedMessage

    let consumer: KafkaPartitionConsumer
    let topic: String
    let partitions: [Int32]?
    let start: StartPosition
    let untilEnd: Bool

    /// Starts the tail: each iterator is a tail of its own, fetching from `start` again.
    public func makeAsyncIterator() -> Iterator {
        Iterator(chunks: chunks.makeAsyncIterator())
    }

    /// The same tail as fetched: consecutive messages of one partition at a time, never empty.
    public var chunks: ConsumerChunks {
        ConsumerChunks(consumer: consumer, topic: topic, partitions: partitions, start: start, untilEnd: untilEnd)
    }

    /// Hands out the tail's messages one by one; stops the tail when it goes away.
    public struct Iterator: AsyncIteratorProtocol {
        @usableFromInline var chunks: ConsumerChunks.Iterator
        /// The current chunk's messages not handed out yet, the next one last: `popLast()` moves
        /// it out, where taking one from the front left a placeholder behind, copied in for every
        /// message and destroyed with the array (a tenth of the tail's own work per message).
        @usableFromInline var remaining: [ConsumedMessage] = []

        init(chunks: ConsumerChunks.Iterator) {
            self.chunks = chunks
        }

        /// The next message, waiting for one; nil when the tail ended (`untilEnd` reached,
        /// the consumer closed, the task cancelled). Throws as ``KafkaPartitionConsumer/tail(topic:partitions:from:untilEnd:)`` says.
        ///
        /// Inlinable so that a message of the chunk in hand is handed out in the caller's code:
        /// an async call into this module per message (its frame allocated on the task, the hop
        /// to the generic executor) cost more than the message itself. Only the next chunk waits.
        @inlinable
        public mutating func next() async throws -> ConsumedMessage? {
            if let message = remaining.popLast() { return message }
            return try await nextChunk()
        }

        /// The first message of the next chunk that has one.
        @usableFromInline
        mutating func nextChunk() async throws -> ConsumedMessage? {
            while true {
                guard var chunk = try await chunks.next() else { return nil }
                remaining.takeReversed(&chunk.messages)
                if let message = remaining.popLast() { return message }
            }
        }
    }
}

/// A tail's messages as fetched, a partition's run of consecutive messages at a time
/// (``ConsumerMessages/chunks``): for readers that handle many at once, and that want each
/// chunk's high watermark and skip count.
public struct ConsumerChunks: AsyncSequence, Sendable {
    /// Each element is one partition's chunk, never empty.
    public typealias Element = FetchChunk

    let consumer: KafkaPartitionConsumer
    let topic: String
    let partitions: [Int32]?
    let start: StartPosition
    let untilEnd: Bool

    /// Starts the tail: each iterator is a tail of its own, fetching from `start` again.
    public func makeAsyncIterator() -> Iterator {
        Iterator(session: TailSession(consumer: consumer, topic: topic, partitions: partitions, start: start, untilEnd: untilEnd))
    }

    /// Hands out the tail's chunks; stops the tail when it goes away.
    public struct Iterator: AsyncIteratorProtocol {
        let session: TailSession

        /// The next chunk, waiting for one; nil when the tail ended. Throws as
        /// ``KafkaPartitionConsumer/tail(topic:partitions:from:untilEnd:)`` says.
        public mutating func next() async throws -> FetchChunk? {
            try await session.next()
        }
    }
}

/// One running tail: its engine, and which partitions still have to reach their end. The
/// engine closes when the iterator holding this goes away.
///
/// `@unchecked Sendable` because its state is touched only by `next()`, which one task at a time
/// calls (an iterator is not shared between tasks); debug builds assert that no two calls overlap.
final class TailSession: @unchecked Sendable {
    private let consumer: KafkaPartitionConsumer
    private let topic: String
    private let requested: [Int32]?
    private let start: StartPosition
    private let untilEnd: Bool
    // Touched only by the iterating task (an iterator is not shared across tasks).
    private var engine: FetchEngine?
    private var notAtEnd: Set<Int32> = []
    /// Skips told by chunks without messages, which are not handed out: added to the partition's next one.
    private var carriedSkips: [Int32: Int64] = [:]
    private var finished = false
    #if DEBUG
    private let inNext = Atomic<Bool>(false)
    #endif

    init(consumer: KafkaPartitionConsumer, topic: String, partitions: [Int32]?, start: StartPosition, untilEnd: Bool) {
        self.consumer = consumer
        self.topic = topic
        self.requested = partitions
        self.start = start
        self.untilEnd = untilEnd
    }

    deinit { engine?.close() }

    func next() async throws(KafkaError) -> FetchChunk? {
        #if DEBUG
        assert(!inNext.exchange(true, ordering: .acquiring), "a tail's next() was called while another call was under way")
        defer { inNext.store(false, ordering: .releasing) }
        #endif
        if finished { return nil }
        if engine == nil { try await begin() }
        guard let engine else { return nil }
        while true {
            if untilEnd && notAtEnd.isEmpty { return finish() }
            let chunk: FetchChunk?
            do {
                chunk = try await engine.poll()
            } catch {
                _ = finish()
                throw error
            }
            guard var chunk else { return finish() }
            let partition = chunk.topicPartition.partition
            if untilEnd && chunk.reachedEnd { notAtEnd.remove(partition) }
            if chunk.messages.isEmpty {
                if chunk.skipped > 0 { carriedSkips[partition, default: 0] += chunk.skipped }
                continue
            }
            if let carried = carriedSkips.removeValue(forKey: partition) { chunk.skipped += carried }
            return chunk
        }
    }

    private func begin() async throws(KafkaError) {
        let metadata = try await consumer.client.metadata(topics: [topic], refresh: true)
        guard let topicMetadata = metadata.topics[topic], topicMetadata.error != .unknownTopicOrPartition else {
            throw .unknownTopic(topic)
        }
        if topicMetadata.error != .none, topicMetadata.partitions.isEmpty {
            throw .broker(code: topicMetadata.error, context: "metadata for topic '\(topic)'", message: nil)
        }
        let known = Set(topicMetadata.partitions.map(\.id))
        let partitions = requested ?? topicMetadata.partitions.map(\.id)
        for partition in partitions where !known.contains(partition) {
            throw .unknownPartition(topic: topic, partition: partition)
        }
        let engine = FetchEngine(client: consumer.client, settings: consumer.settings)
        guard consumer.register(engine) else { throw .clientClosed }
        engine.assign(Dictionary(uniqueKeysWithValues: partitions.map { (KafkaTopicPartition(topic, $0), start) }))
        notAtEnd = Set(partitions)
        self.engine = engine
    }

    private func finish() -> FetchChunk? {
        finished = true
        engine?.close()
        return nil
    }
}
