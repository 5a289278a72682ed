import KafkaProtocol
import NIOCore

/// kafka-fast's multi-producer: one buffer per topic-partition, each with its own linger
/// timer and byte limit, one sink per broker, every message accounted for by a delivery report.
///
/// Thread-safe: call it from any thread or task. `send` never waits; `sendAndWait` waits for
/// the broker's acknowledgement; `flush` and `close` wait for everything buffered.
public final class KafkaProducer: Sendable {
    public let client: KafkaClient
    package let core: ProducerCore
    private let ownsClient: Bool
    /// For the statistics' `age`.
    let createdAt = NIODeadline.now()

    /// A connector with its own client, configured with librdkafka property names.
    public convenience init(config: KafkaConfiguration) throws(KafkaError) {
        try self.init(client: KafkaClient(config: config), ownsClient: true)
    }

    /// A connector for `bootstrap` ("host:port[,host:port]") with `properties` (`linger.ms`, ...).
    public convenience init(bootstrap: String, properties: [String: String] = [:]) throws(KafkaError) {
        var config = try KafkaConfiguration(properties)
        config.bootstrapServers = try BrokerAddress.parseList(bootstrap)
        try self.init(config: config)
    }

    /// A connector sharing an existing client's connections and metadata.
    public convenience init(client: KafkaClient) throws(KafkaError) {
        try self.init(client: client, ownsClient: false)
    }

    private init(client: KafkaClient, ownsClient: Bool) throws(KafkaError) {
        self.client = client
        self.ownsClient = ownsClient
        self.core = ProducerCore(client: client, settings: try client.config.producer.validated())
    }

    public var settings: KafkaProducerConfiguration { core.settings }

    /// Buffers one message and returns at once. The partition is chosen by the partitioner
    /// unless given; the timestamp defaults to now (ms since the epoch).
    @discardableResult
    public func send(
        topic: String, value: UnsafeRawBufferPointer?, key: UnsafeRawBufferPointer? = nil,
        headers: [MessageHeader] = [], partition: Int32? = nil, timestamp: Int64? = nil
    ) -> SendStatus {
        core.enqueue(topic: topic, key: key, value: value, headers: headers, partition: partition, timestamp: timestamp,
                     waiter: nil, reserved: false)
    }

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

    /// Sends one message and waits for its acknowledgement: returns where it landed, throws
    /// `KafkaError` when it failed. Waits for buffer space when the buffer is full.
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

    /// Delivery reports for every message sent from now on, one consumer. Reading them is
    /// part of the flow: unread reports hold buffer space (see `DeliveryReports`).
    public func deliveryReports() -> DeliveryReports { core.enableReports() }

    /// Sends every open batch now and returns once everything buffered is acknowledged or failed.
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

    /// Flushes, then releases the connections (when the connector owns its client).
    public func close() async {
        await flush()
        core.close()
        if ownsClient { client.close() }
    }

    /// The first message that failed since the connector started, and why; nil while none has.
    public var firstFailure: KafkaError? { core.firstFailure }

    /// Messages delivered and failed since the connector started.
    public var deliveredCount: Int { core.delivered.load(ordering: .relaxed) }
    public var failedCount: Int { core.failed.load(ordering: .relaxed) }
}

private func withUTF8Bytes<R>(of text: inout String?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard text != nil else { return body(nil) }
    return text!.withUTF8 { body(UnsafeRawBufferPointer($0)) }
}
