import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import KafkaFast

/// Fetch answers are checked where they enter (`FetchEngine.scan`, `AnswerCheck`): a bad
/// watermark or batch offset is the reader's protocol error naming the broker and the field, and
/// the group consumer passes a partition's error on instead of dropping it.
@Suite struct HostileFetchTests {
    /// Flips a byte inside the first record of every batch a Fetch answer carries: the batch's
    /// CRC no longer matches.
    /// Flips a byte inside the first record of a batch: the batch's CRC no longer matches.
    static func corruptRecords(_ partition: inout FetchResponse.PartitionData) {
        guard var records = partition.records, records.readableBytes > 64 else { return }
        let at = records.readerIndex + 63
        records.setInteger(records.getInteger(at: at, as: UInt8.self)! ^ 0x5A, at: at)
        partition.records = records
    }

    /// Changes every partition of every Fetch answer through the proxy.
    static func rewriteFetchPartitions(_ proxy: KafkaProxy, _ change: @escaping @Sendable (inout FetchResponse.PartitionData) -> Void) {
        proxy.onAnswer { answer in
            answer.rewrite(FetchResponse.self, apiKey: FetchRequest.apiKey) { response in
                for topic in response.responses.indices {
                    for partition in response.responses[topic].partitions.indices { change(&response.responses[topic].partitions[partition]) }
                }
            }
            return .forward
        }
    }

    static func produce(_ lines: String, to topic: String, on bootstrap: String) async throws {
        let result = try await Kfast.run(["produce", "-b", bootstrap, "-t", topic, "-p", "0"], stdin: lines)
        try #require(result.status == 0, "\(result.stderr)")
    }

    /// The group consumer dropped a partition's fetch errors and went on fetching the same bad
    /// batch, silently, forever. Now `kfast consume -g` ends with the error, exit 1.
    @Test(arguments: BrokerKind.allCases)
    func aGroupConsumerSaysWhyAPartitionFailed(_ broker: BrokerKind) async throws {
        let server = ServerUnderTest(rawValue: broker.rawValue)!
        let topic = uniqueTopicName("group-corrupt")
        try await server.createTopic(topic, partitions: 1)
        try await Self.produce("one\ntwo\nthree\n", to: topic, on: try server.bootstrap())
        let proxy = try await KafkaProxy.start(bootstrap: try server.bootstrap())
        defer { proxy.stop() }
        Self.rewriteFetchPartitions(proxy, Self.corruptRecords)
        let result = try await Kfast.run(
            ["consume", "-b", proxy.bootstrap, "-t", topic, "-g", uniqueTopicName("group"), "-c", "3",
             "-X", "session.timeout.ms=6000", "-X", "auto.offset.reset=earliest"], timeout: 45)
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        // A slow join on a loaded machine is said in warnings (every session timeout) before it;
        // the failure itself is one line, the last.
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.filter { !$0.hasPrefix("kfast: warning: group ") }.count == 1, "\(result.stderr)")
        #expect(lines.last?.contains("sent an invalid response: Fetch v") == true, "\(result.stderr)")
        #expect(result.stderr.contains("failed its CRC check"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// The library's `messages` throws the partition's error too.
    @Test func groupMessagesThrowAPartitionsError() async throws {
        let topic = uniqueTopicName("group-messages-corrupt")
        try await ServerUnderTest.noida.createTopic(topic, partitions: 1)
        try await Self.produce("one\n", to: topic, on: try TestBrokers.address(.noida))
        let proxy = try await KafkaProxy.start(bootstrap: try TestBrokers.address(.noida))
        defer { proxy.stop() }
        Self.rewriteFetchPartitions(proxy, Self.corruptRecords)
        var config = try KafkaConfiguration(["auto.offset.reset": "earliest", "session.timeout.ms": "6000"])
        config.bootstrapServers = try BrokerAddress.parseList(proxy.bootstrap)
        let consumer = try KafkaGroupConsumer(group: uniqueTopicName("group"), topics: [topic], config: config)
        let thrown = try await withinSeconds(40, "the partition's error") { () async -> String in
            do {
                for try await _ in consumer.messages {}
                return "the messages ended without an error"
            } catch {
                return "\(error)"
            }
        }
        #expect(thrown.contains("failed its CRC check"), "\(thrown)")
        await consumer.close()
    }

    /// A high watermark that is no offset ends `consume -e` with one line naming it.
    @Test(arguments: ServerUnderTest.allCases)
    func aWatermarkThatIsNoOffsetIsNamed(_ server: ServerUnderTest) async throws {
        let topic = uniqueTopicName("bad-watermark")
        try await server.createTopic(topic, partitions: 1)
        try await Self.produce("one\n", to: topic, on: try server.bootstrap())
        let proxy = try await KafkaProxy.start(bootstrap: try server.bootstrap())
        defer { proxy.stop() }
        Self.rewriteFetchPartitions(proxy) { $0.highWatermark = -7 }
        let result = try await Kfast.run(["consume", "-b", proxy.bootstrap, "-t", topic, "-e"], timeout: 45)
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("highWatermark of \(topic)/0 is -7, not an offset"), "\(result.stderr)")
    }

    /// A batch whose base offset (which no CRC covers) is out of place: going back behind the
    /// batch before it, the consumer would hand out records twice; at or past the high watermark,
    /// it would skip what lies between. It says so instead. Tansu and noida answer with both
    /// batches at once, so the second one is moved back; the mock cluster sends one batch per
    /// answer, so its batch is moved to the high watermark.
    @Test(arguments: BrokerKind.allCases)
    func aBatchOffsetOutOfPlaceIsNamed(_ broker: BrokerKind) async throws {
        let server = ServerUnderTest(rawValue: broker.rawValue)!
        let topic = uniqueTopicName("offset-back")
        try await server.createTopic(topic, partitions: 1)
        // Two sends, two batches.
        try await Self.produce("one\n", to: topic, on: try server.bootstrap())
        try await Self.produce("two\n", to: topic, on: try server.bootstrap())
        let proxy = try await KafkaProxy.start(bootstrap: try server.bootstrap())
        defer { proxy.stop() }
        let onePerAnswer = broker == .mock
        Self.rewriteFetchPartitions(proxy) { partition in
            guard var records = partition.records, let (batches, _) = try? RecordBatchReader.readAll(records), !batches.isEmpty else { return }
            if onePerAnswer {
                records.setInteger(partition.highWatermark, at: records.readerIndex)
            } else {
                guard batches.count >= 2 else { return }
                // The second batch starts where the first one did.
                records.setInteger(batches[0].baseOffset, at: records.readerIndex + Int(batches[0].batchLength) + 12)
            }
            partition.records = records
        }
        let result = try await Kfast.run(["consume", "-b", proxy.bootstrap, "-t", topic, "-e"], timeout: 45)
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        let named = onePerAnswer ? "is at or past the high watermark 2" : "starts before the batch before it ends (1)"
        #expect(result.stderr.contains(named), "\(result.stderr)")
    }
}
