import KafkaProtocol
import NIOCore

/// The producer: sends messages to any topic and partition of a cluster, batched per
/// partition, with every message accounted for by a delivery report.
///
///     let producer = try KafkaProducer(config: config)
///     producer.send(topic: "orders", value: "hello", key: "user-1")     // buffered; returns at once
///     let report = try await producer.sendAndWait(topic: "orders", value: Array("hi".utf8))
///     await producer.close()                                             // flushes first
///
/// Each partition has a buffer with its own open batch and `linger.ms` timer; each broker has
/// `produce.connections.per.broker` connections, and each of them sends one request that
/// gathers the ready batch of every partition it carries. See <doc:ProducingFast>.
///
/// Thread-safe: call it from any thread or task. `send` never waits (it answers
/// ``SendStatus/queueFull`` when the buffer is at its limit); `sendAndWait` waits for the
/// broker's acknowledgement; `flush` and `close` wait for everything buffered. Put it in a
/// swift-service-lifecycle `ServiceGroup` to have it flushed on shutdown.
public final class KafkaProducer: Sendable {
    /// The client whose connections and metadata the producer uses.
    public let client: KafkaClient
    package let core: ProducerCore
    private let ownsClient: Bool
    /// For the statistics' `age`.
    let createdAt = NIODeadline.now()

    /// A producer with a client of its own, closed with it. Nothing is dialled until the first send.
    ///
    /// Throws ``KafkaError/Code-swift.struct/invalidConfiguration`` for settings that cannot
    /// work (an empty bootstrap list; idempotence without `acks=all` or with more than 5
    /// requests in flight; TLS files that cannot be read).
    public convenience init(config: KafkaConfiguration) throws(KafkaError) {
        try self.init(client: KafkaClient(config: config), ownsClient: true)
    }

    /// A producer for `bootstrap` ("host:port[,host:port]") with librdkafka-named `properties`
    /// (`linger.ms`, `acks`, ...), for code that keeps its settings as strings. Throws as
    /// ``KafkaConfiguration/init(_:)`` and ``init(config:)`` do.
    public convenience init(bootstrap: String, properties: [String: String] = [:]) throws(KafkaError) {
        var config = try KafkaConfiguration(properties)
        config.bootstrapServers = try BrokerAddress.parseList(bootstrap)
        try self.init(config: config)
    }

    /// A producer on an existing client, sharing its connections and metadata; the producer
    /// settings are the client's `config.producer`. ``close()`` leaves the client open.
    public convenience init(client: KafkaClient) throws(KafkaError) {
        try self.init(client: client, ownsClient: false)
    }

    private init(client: KafkaClient, ownsClient: Bool) throws(KafkaError) {
        self.client = client
        self.ownsClient = ownsClient
        self.core = ProducerCore(client: client, settings: try client.config.producer.validated())
    }

    /// The settings the producer runs with.
    public var settings: KafkaProducerConfiguration { core.settings }

    /// Buffers one message and returns at once: the fast path, for bytes the caller already
    /// holds (they are copied into the batch before it returns).
    ///
    /// The partition is chosen by the `partitioner` unless given; the timestamp (ms since the
    /// epoch) defaults to now. A null `key` spreads messages by the sticky partitioner; a null
    /// `value` is a tombstone on a compacted topic.
    ///
    /// - Returns: ``SendStatus/enqueued`` (the delivery report follows), ``SendStatus/queueFull``
    ///   (nothing buffered: wait with ``waitForRoom(bytes:)`` and send again), or
    ///   ``SendStatus/rejected(_:)`` for a message that can never be sent as given (larger than
    ///   `message.max.bytes`, a partition the topic lacks, a closed producer). A topic that does
    ///   not exist fails later, in its delivery report.
    @discardableResult
    public func send(
        topic: String, value: UnsafeRawBufferPointer?, key: UnsafeRawBufferPointer? = nil,
        headers: [MessageHeader] = [], partition: Int32? = nil, timestamp: Int64? = nil
    ) -> SendStatus {
        core.enqueue(topic: topic, key: key, value: value, headers: headers, partition: partition, timestamp: timestamp,
                     waiter: nil, reserved: false)
    }

    /// Buffers one message of bytes and returns at once, as the `UnsafeRawBufferPointer`
    /// variant does (what it returns is said there).
    @discardableResult
    public func send(
        topic: String, value: [UInt8]?, key: [UInt8]? = nil, headers: [MessageHeader] = [],
        partition: Int32? = nil, timestamp: Int64? = nil
    ) -> SendStatus {
        withOptionalBytes(key) { key in
            withOptionalBytes(value) { value in
                send(topic: topic, value: value, key: key, headers: headers, partition: partition, timestamp: timestamp)
            }
        }
    }

    /// `send` again for a message that was answered `.queueFull` at `waitingSince` (and waited
    /// for room since): its `delivery.timeout.ms` counts from then, not from now, so a sender
    /// that waits out a full buffer never gives its messages a fresh timeout.
    @discardableResult
    public func send(
        topic: String, value: UnsafeRawBufferPointer?, key: UnsafeRawBufferPointer? = nil, headers: [MessageHeader] = [],
        partition: Int32? = nil, timestamp: Int64? = nil, waitingSince: ContinuousClock.Instant
    ) -> SendStatus {
        let waited = ContinuousClock.now - waitingSince
        let since = NIODeadline.now() - .nanoseconds(max(waited.components.seconds, 0) * 1_000_000_000 + waited.components.attoseconds / 1_000_000_000)
        return core.enqueue(topic: topic, key: key, value: value, headers: headers, partition: partition, timestamp: timestamp,
                            waiter: nil, reserved: false, waitingSince: since)
    }

    /// The byte-array form of `send(topic:value:key:headers:partition:timestamp:waitingSince:)`.
    @discardableResult
    public func send(
        topic: String, value: [UInt8]?, key: [UInt8]? = nil, headers: [MessageHeader] = [],
        partition: Int32? = nil, timestamp: Int64? = nil, waitingSince: ContinuousClock.Instant
    ) -> SendStatus {
        withOptionalBytes(key) { key in
            withOptionalBytes(value) { value in
                send(topic: topic, value: value, key: key, headers: headers, partition: partition, timestamp: timestamp,
                     waitingSince: waitingSince)
            }
        }
    }

    /// Buffers one message of text (its UTF-8 bytes, not copied until the batch takes them) and
    /// returns at once, as the `UnsafeRawBufferPointer` variant does (what it returns is said there).
    @discardableResult
    public func send(
        topic: String, value: String?, key: String? = nil, headers: [MessageHeader] = [],
        partition: Int32? = nil, timestamp: Int64? = nil
    ) -> SendStatus {
        // Borrow the strings' UTF-8 storage: no copy per message.
        var key = key
        var value = value
        return withUTF8Bytes(of: &key) { key in
            withUTF8Bytes(of: &value) { value in
                send(topic: topic, value: value, key: key, headers: headers, partition: partition, timestamp: timestamp)
            }
        }
    }

    /// Sends one message and waits for its acknowledgement: returns where it landed (partition
    /// and offset). Waits for buffer space when the buffer is full, so it never answers
    /// queue-full. Slower per message than `send`, since the caller waits a round trip and a
    /// linger; use it where that wait is the point (a request that must be durable before it
    /// is answered).
    ///
    /// Throws a ``KafkaError`` with code ``KafkaError/Code-swift.struct/deliveryFailed``
    /// (the broker's `kafkaErrorCode`, or what else stopped it) or
    /// ``KafkaError/Code-swift.struct/deliveryTimedOut`` (`delivery.timeout.ms`).
    public func sendAndWait(
        topic: String, value: [UInt8]?, key: [UInt8]? = nil, headers: [MessageHeader] = [],
        partition: Int32? = nil, timestamp: Int64? = nil
    ) async throws -> DeliveryReport {
        let size = (key?.count ?? 0) + (value?.count ?? 0)
        // Waiting for room counts against the message's delivery timeout.
        let started = NIODeadline.now()
        let deadline = started + .milliseconds(Int64(core.settings.deliveryTimeoutMs))
        var waited = false
        while !core.accounting.tryReserve(bytes: size) {
            waited = true
            guard await core.accounting.waitForRoom(bytes: size, deadline: deadline) else {
                throw KafkaError(noRoomWithinMs: core.settings.deliveryTimeoutMs, topic: topic, lastError: core.firstFailure?.description)
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            _ = withOptionalBytes(key) { key in
                withOptionalBytes(value) { value in
                    core.enqueue(topic: topic, key: key, value: value, headers: headers, partition: partition,
                                 timestamp: timestamp, waiter: DeliveryWaiter(continuation), reserved: true,
                                 waitingSince: waited ? started : nil)
                }
            }
        }
    }

    /// Waits until the buffer has room for a message of `bytes` bytes: what to do when `send`
    /// answered `.queueFull`, instead of polling. (Another sender may take the room first.)
    public func waitForRoom(bytes: Int = 0) async { await core.accounting.waitForRoom(bytes: bytes) }

    /// Waits at most `timeout` for room: false when there was none by then. A message that waits
    /// for room is already late: a sender that gives it `delivery.timeout.ms` in all (counting
    /// from its first `.queueFull`) ends in bounded time when the brokers are gone, instead of
    /// each message starting a fresh timeout once buffered.
    public func waitForRoom(bytes: Int = 0, timeout: Duration) async -> Bool {
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let total = nanoseconds.overflow ? Int64.max : nanoseconds.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
        return await core.accounting.waitForRoom(bytes: bytes, deadline: .now() + .nanoseconds(max(total, 0)))
    }

    /// Delivery reports for every message sent from now on, for one reader. Reading them is
    /// part of the flow: an unread report holds its message's buffer space (see ``DeliveryReports``),
    /// so once called, keep reading.
    public func deliveryReports() -> DeliveryReports { core.enableReports() }

    /// Sends every open batch now, without waiting for `linger.ms`, and returns once everything
    /// buffered is acknowledged or failed. Messages sent meanwhile are waited for too.
    /// `delivery.timeout.ms` bounds how long that can take.
    public func flush() async {
        core.flushing.wrappingIncrement(ordering: .relaxed)
        defer { core.flushing.wrappingDecrement(ordering: .relaxed) }
        for buffer in core.allPartitions() where buffer.sealOpenBatch() {
            core.startCompression(buffer)
        }
        await core.accounting.waitUntilEmpty()
        if core.settings.acks == .none { await barrierOnProduceConnections() }
    }

    /// With acks=0 a write is "done" once in the socket, yet the broker may not have read it.
    /// Brokers answer one connection's requests in order, so an answered request behind the
    /// last produce proves every earlier one was taken in before the connection may close.
    private func barrierOnProduceConnections() async {
        await withTaskGroup(of: Void.self) { group in
            for entry in client.pool.activeConnections() {
                guard case .produce = entry.purpose else { continue }
                group.addTask { _ = try? await entry.connection.send(ApiVersionsRequest(), version: 0) }
            }
        }
    }

    /// Flushes, then stops: later sends are rejected with ``KafkaError/Code-swift.struct/clientClosed``,
    /// the delivery report stream ends, and the client's connections close when the producer
    /// made the client itself.
    public func close() async {
        await flush()
        core.close()
        if ownsClient { client.close() }
    }

    /// The first message that failed since the producer was made, and why; nil while none has.
    public var firstFailure: KafkaError? { core.firstFailure }

    /// Messages acknowledged by the brokers since the producer was made.
    public var deliveredCount: Int { core.delivered.load(ordering: .relaxed) }
    /// Messages that failed since the producer was made (refused, timed out, rejected at send).
    public var failedCount: Int { core.failed.load(ordering: .relaxed) }
}

private func withUTF8Bytes<R>(of text: inout String?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard text != nil else { return body(nil) }
    return text!.withUTF8 { body(UnsafeRawBufferPointer($0)) }
}
