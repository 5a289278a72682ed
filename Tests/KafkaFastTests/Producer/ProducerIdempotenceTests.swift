import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import KafkaFast

/// `enable.idempotence=true`: resends after a lost connection or a broker restart never write
/// a message twice, and every message the connector acknowledged is in the log.
@Suite(.serialized) struct ProducerIdempotenceTests {
    static let count = 20_000
    static let partitions: Int32 = 4
    static let properties = [
        "enable.idempotence": "true", "linger.ms": "5", "retry.backoff.ms": "50", "retry.backoff.max.ms": "500",
        "request.timeout.ms": "3000", "socket.connection.setup.timeout.ms": "2000",
    ]

    /// noida keeps its data and its producer state over a SIGTERM restart, except what it
    /// acknowledges while shutting down: that it loses, and the connector writes it again. The
    /// faster the traffic, the more it loses. (Tansu keeps its log in memory: a restart loses it,
    /// so Tansu gets the cut-connection test instead.)
    @Test(arguments: [IdempotentRun.Pace.steady, .flatOut])
    func aBrokerRestartWritesNothingTwice(_ pace: IdempotentRun.Pace) async throws {
        let broker = try await PrivateBroker.start(.noida)
        defer { broker.stop() }
        let run = try await IdempotentRun.start(address: broker.address, pace: pace)
        // Stop the broker once the first messages are acknowledged, while most are still to come.
        try await run.waitForFirstDeliveries()
        let deliveredBeforeStop = run.connector.deliveredCount
        await broker.shutDown()
        try await Task.sleep(nanoseconds: 1_000_000_000)
        try await broker.start()
        let outcome = try await run.finish()
        #expect(deliveredBeforeStop < Self.count, "the broker stopped in the middle: \(deliveredBeforeStop) delivered before")
        try await outcome.verify(address: broker.address)
    }

    /// Connections cut under load: the broker took some requests whose answers never came back,
    /// so the connector resends them, and the broker must drop the copies by sequence number.
    @Test(arguments: [BrokerKind.tansu])
    func cutConnectionsWriteNothingTwice(_ kind: BrokerKind) async throws {
        let proxy = try await TCPProxy.start()
        defer { proxy.stop() }
        let broker = try await PrivateBroker.start(kind, advertisedPort: proxy.port)
        defer { broker.stop() }
        proxy.forward(to: broker.port)
        let run = try await IdempotentRun.start(address: "127.0.0.1:\(proxy.port)")
        try await run.waitForFirstDeliveries()
        for _ in 0..<3 {
            // Answers held back while requests pile up, then the connections cut: the broker
            // wrote those batches, the connector never heard, and resends them.
            proxy.holdResponses(true)
            try await Task.sleep(nanoseconds: 200_000_000)
            proxy.cutAll()
            proxy.holdResponses(false)
            try await Task.sleep(nanoseconds: 300_000_000)
        }
        let outcome = try await run.finish()
        #expect(outcome.retries > 0, "the cuts made the connector resend")
        try await outcome.verify(address: broker.address)
    }
}

extension ProducerIdempotenceTests {
    /// What the connector relies on, asked of the broker directly: a batch sent again with the
    /// same producer id, epoch and sequence is acknowledged (NONE or DUPLICATE_SEQUENCE_NUMBER)
    /// and written once; the next sequence is written after it.
    @Test(arguments: BrokerKind.allCases)
    func theBrokerDropsAResentBatchBySequence(_ kind: BrokerKind) async throws {
        let client = try KafkaClient(bootstrap: try TestBrokers.address(kind))
        defer { client.close() }
        let topic = uniqueTopicName("sequence")
        try await client.createTopic(topic, partitions: 1, replicationFactor: 1)
        let connection = try await client.anyConnection()
        let identity = try await connection.send(InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: -1))
        #expect(identity.errorCode == 0 && identity.producerId >= 0 && identity.producerEpoch >= 0)

        func produce(_ values: [String], sequence: Int32) async throws -> ProduceResponse.PartitionProduceResponse {
            var builder = RecordBatchBuilder()
            for value in values { builder.append(key: nil, value: ByteBuffer(string: value), timestamp: 1_700_000_000_000) }
            var wire = ByteBuffer()
            try builder.finish(producerId: identity.producerId, producerEpoch: identity.producerEpoch, baseSequence: sequence, into: &wire)
            let request = ProduceRequest(
                transactionalId: nil, acks: -1, timeoutMs: 5_000,
                topicData: [.init(name: topic, partitionData: [.init(index: 0, records: wire)])])
            return try #require(try await connection.send(request).responses.first?.partitionResponses.first)
        }
        let first = try await produce(["a", "b", "c"], sequence: 0)
        #expect(first.errorCode == 0 && first.baseOffset == 0)
        let again = try await produce(["a", "b", "c"], sequence: 0)
        #expect(again.errorCode == 0 || again.errorCode == KafkaErrorCode.duplicateSequenceNumber.rawValue,
                "a resent batch is acknowledged, not refused: \(KafkaErrorCode(rawValue: again.errorCode).name)")
        let next = try await produce(["d"], sequence: 3)
        #expect(next.errorCode == 0 && next.baseOffset == 3, "the next sequence follows the first copy")
        let log = try await readWholeLog(topic: topic, partitions: 1, address: try TestBrokers.address(kind), expecting: 4)
        #expect(log == ["0#0": "a", "0#1": "b", "0#2": "c", "0#3": "d"])
    }
}

/// One producer run of `ProducerIdempotenceTests.count` messages.
struct IdempotentRun {
    enum Pace: Sendable, CustomStringConvertible {
        /// Over about 2 s, so requests are in flight whenever the failure strikes.
        case steady
        /// As fast as the connector takes them.
        case flatOut

        var description: String { self == .steady ? "steady" : "flat out" }
        var messagesBetweenPauses: Int { self == .steady ? 100 : 5_000 }
    }

    let connector: KafkaProducer
    let topic: String
    let producer: Task<Void, any Error>
    let collector: Task<(acked: [String: Int], failed: [String]), Never>

    static func start(address: String, pace: Pace = .steady) async throws -> IdempotentRun {
        let connector = try KafkaProducer(bootstrap: address, properties: ProducerIdempotenceTests.properties)
        let topic = uniqueTopicName("idempotent")
        try await connector.client.createTopic(topic, partitions: ProducerIdempotenceTests.partitions, replicationFactor: 1)
        let reports = connector.deliveryReports()
        let collector = Task { () -> (acked: [String: Int], failed: [String]) in
            var acked: [String: Int] = [:]
            var failed: [String] = []
            for await report in reports {
                if let error = report.error {
                    failed.append(error.description)
                } else {
                    acked["\(report.partition)#\(report.offset)", default: 0] += 1
                }
            }
            return (acked, failed)
        }
        let producer = Task {
            for i in 0..<ProducerIdempotenceTests.count {
                while connector.send(topic: topic, value: "message-\(i)", key: "key-\(i % 101)") == .queueFull {
                    try await Task.sleep(nanoseconds: 1_000_000)
                }
                if i % pace.messagesBetweenPauses == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
            }
        }
        return IdempotentRun(connector: connector, topic: topic, producer: producer, collector: collector)
    }

    func waitForFirstDeliveries() async throws {
        for _ in 0..<1_000 where connector.deliveredCount == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(connector.deliveredCount > 0, "nothing was delivered within 10 s")
    }

    struct Outcome {
        var topic: String
        var delivered: Int
        var acked: [String: Int]
        var failed: [String]
        var retries: Int
        /// Acknowledged messages the broker lost in the restart that the connector wrote again, and those it could not.
        var repaired: Int
        var lostByBroker: Int

        /// Every message exactly once in the log; every acknowledged offset holds one of them.
        func verify(address: String) async throws {
            let count = ProducerIdempotenceTests.count
            #expect(failed.isEmpty, "with the broker back within the delivery timeout nothing fails: \(failed.prefix(3))")
            #expect(lostByBroker == 0, "every acknowledged batch the broker lost was written again (\(repaired) messages were)")
            #expect(delivered == count)
            let log = try await readWholeLog(
                topic: topic, partitions: ProducerIdempotenceTests.partitions, address: address, expecting: count)
            var copies: [String: Int] = [:]
            for value in log.values { copies[value, default: 0] += 1 }
            let twice = copies.filter { $0.value > 1 }
            #expect(twice.count == 0, "\(twice.count) messages are in the log more than once, e.g. \(twice.keys.sorted().prefix(3))")
            #expect(Set(copies.keys) == Set((0..<count).map { "message-\($0)" }), "every message is in the log")
            #expect(log.count == count)
            let known = acked.keys.filter { !$0.hasSuffix("#-1") }
            let missing = known.filter { log[$0] == nil }
            #expect(missing.isEmpty, "\(missing.count) acknowledged offsets are not in the log, e.g. \(missing.prefix(3))")
            #expect(acked.filter { !$0.key.hasSuffix("#-1") && $0.value > 1 }.isEmpty, "no offset acknowledged twice")
        }
    }

    func finish() async throws -> Outcome {
        try await producer.value
        await connector.close()
        let (acked, failed) = await collector.value
        let partitions = connector.metrics().partitions
        return Outcome(topic: topic, delivered: connector.deliveredCount, acked: acked, failed: failed,
                       retries: partitions.reduce(0) { $0 + $1.retries },
                       repaired: partitions.reduce(0) { $0 + $1.repairedMessages },
                       lostByBroker: partitions.reduce(0) { $0 + $1.lostByBroker })
    }
}

/// Every record of `topic`, keyed "partition#offset", read with our own fetch. noida-db's
/// watermarks can lag just after a write, so it reads again (up to 10 s) until `expecting`
/// records are there; the caller still checks what came back.
func readWholeLog(topic: String, partitions: Int32, address: String, expecting: Int) async throws -> [String: String] {
    var stored: [String: String] = [:]
    for attempt in 0..<100 {
        // A fetch racing the watermark can also answer OFFSET_OUT_OF_RANGE: read again.
        if attempt < 99, let once = try? await readLogOnce(topic: topic, partitions: partitions, address: address) {
            stored = once
        } else if attempt == 99 {
            stored = try await readLogOnce(topic: topic, partitions: partitions, address: address)
        }
        if stored.count >= expecting { break }
        try await Task.sleep(nanoseconds: 100_000_000)
    }
    return stored
}

private func readLogOnce(topic: String, partitions: Int32, address: String) async throws -> [String: String] {
    let client = try KafkaClient(bootstrap: address)
    defer { client.close() }
    var stored: [String: String] = [:]
    let marks = try await client.watermarks(topic: topic)
    for partition in Int32(0)..<partitions {
        let mark = try #require(marks.first { $0.partition == partition })
        var offset = mark.low
        let end = mark.high
        while offset < end {
            let fetched = try await client.fetch(topic: topic, partition: partition, offset: offset, maxWaitMs: 100)
            for message in fetched.messages {
                stored["\(partition)#\(message.offset)"] = String(buffer: message.value!)
            }
            guard fetched.nextOffset > offset else { break }
            offset = fetched.nextOffset
        }
    }
    return stored
}
