import Foundation
import KafkaCompression
import KafkaProtocol
import NIOCore
import Testing
@testable import KafkaFast

/// Captures the fuzz targets' seed corpora from real brokers: every API the codecs know, at
/// every version both the broker and the codec speak, answered by Tansu, noida and the mock
/// cluster; record batches in every codec written by librdkafka and by us; the consumer
/// protocol's payloads as a live group's DescribeGroups shows them; `kfast consume -J` lines.
///
/// Runs only from Tests/Fuzz/capture-corpus.sh (which sets KAFKA_FAST_FUZZ_CORPUS_OUT); the
/// corpus it writes is committed, so neither `make test` nor `make fuzz` needs a broker for it.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["KAFKA_FAST_FUZZ_CORPUS_OUT"] != nil,
                             "captures fuzz seeds: run Tests/Fuzz/capture-corpus.sh"))
struct FuzzCorpusCapture {
    let folder = ProcessInfo.processInfo.environment["KAFKA_FAST_FUZZ_CORPUS_OUT"] ?? ""

    /// Writes one seed, named by where it came from and a hash of its bytes (no duplicates).
    func save(_ bytes: [UInt8], target: String, name: String) throws {
        let directory = folder + "/" + target
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let hash = bytes.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        try Data(bytes).write(to: URL(fileURLWithPath: "\(directory)/\(name)-\(String(hash, radix: 16).prefix(8))"))
    }

    @Test(arguments: ServerUnderTest.allCases)
    func everyAnswerAtEveryVersion(_ server: ServerUnderTest) async throws {
        let client = try KafkaClient(bootstrap: try server.bootstrap())
        defer { client.close() }
        let topic = uniqueTopicName("corpus")
        try await server.createTopic(topic, partitions: 2)
        for codec in PeerCodec.allCases {
            let records = (0..<3).map { PeerRecord(partition: 0, key: Data("key".utf8), value: Data("value \($0) \(codec)".utf8),
                                                   headers: [PeerHeader("h", Data("v".utf8))]) }
            _ = try await Peer.produce(records, topic: topic, address: try server.bootstrap(), codec: codec)
        }
        let connection = try await client.anyConnection()
        for type in allKafkaRequestTypes {
            try await capture(type, on: connection, server: server, topic: topic)
        }
        try await captureRecordBatches(client: client, topic: topic, server: server)
        try await captureEnvelopes(topic: topic, server: server)
        if server != .mock { try await captureGroupPayloads(client: client, topic: topic, server: server) }
    }

    /// A live group's member subscription and assignment, as DescribeGroups returns them.
    func captureGroupPayloads(client: KafkaClient, topic: String, server: ServerUnderTest) async throws {
        var config = try KafkaConfiguration(["session.timeout.ms": "6000"])
        config.bootstrapServers = try BrokerAddress.parseList(try server.bootstrap())
        let group = uniqueTopicName("corpus-group")
        let member = try KafkaGroupConsumer(group: group, topics: [topic], config: config)
        defer { Task { await member.close() } }
        try await waitUntil("the group assigned its member", seconds: 60) { !member.assignment.isEmpty }
        let coordinator = try await client.findGroupCoordinator(group)
        let connection = try await client.groupConnection(coordinator)
        let described = try await connection.send(DescribeGroupsRequest(groups: [group]))
        for (index, entry) in (described.groups.first?.members ?? []).enumerated() {
            try save(Array(entry.memberMetadata.readableBytesView), target: "consumer-subscription", name: "\(server)-\(index)")
            try save(Array(entry.memberAssignment.readableBytesView), target: "consumer-assignment", name: "\(server)-\(index)")
        }
    }

    /// Every version of `Request` the broker and the codec both speak, answered.
    func capture<Request: KafkaRequestMessage>(_: Request.Type, on connection: BrokerConnection, server: ServerUnderTest, topic: String) async throws {
        guard let offered = connection.versions.ranges[Request.apiKey] else { return }
        let api = KafkaAPI.name(of: Request.apiKey)
        let low = max(offered.lowerBound, Request.validVersions.lowerBound)
        let high = min(offered.upperBound, Request.validVersions.upperBound)
        guard low <= high else { return }
        for version in low...high {
            guard let request = CorpusRequests.make(Request.self, version: version, topic: topic) else { continue }
            // Each on a fresh connection: some answers (SASL, a refused version) close it.
            guard let fresh = try? await BrokerConnection.connect(to: connection.address, config: KafkaConfiguration()) else { continue }
            defer { fresh.close() }
            guard var body = try? await fresh.sendEncoded(request, version: version, timeout: .seconds(10)) else { continue }
            let bytes = Array(body.readBytes(length: body.readableBytes) ?? [])
            guard bytes.count <= 64 * 1024 else { continue }
            let versionByte = UInt8(version - Request.validVersions.lowerBound)
            try save([versionByte] + bytes, target: "response-\(api)", name: "\(server)-v\(version)")
            // The frame as it came: one pending request, correlation id 1, header v0 or v1.
            let flexible = Request.responseHeaderVersion(version) >= 1
            var frame: [UInt8] = flexible ? [0x09] : [0x01]
            let size = UInt32(4 + (flexible ? 1 : 0) + bytes.count)
            frame += [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF), 0, 0, 0, 1]
            frame += (flexible ? [0] : []) + bytes
            if version == high { try save(frame, target: "frame", name: "\(server)-\(api)-v\(version)") }
            switch Request.apiKey {
            case MetadataRequest.apiKey: try save([versionByte] + bytes, target: "client-metadata", name: "\(server)-v\(version)")
            case ProduceRequest.apiKey: try save([versionByte, 0] + bytes, target: "client-produce", name: "\(server)-v\(version)")
            case FetchRequest.apiKey: try save([versionByte, 1, 0, 0] + bytes, target: "client-fetch", name: "\(server)-v\(version)")
            default: break
            }
        }
    }

    /// Each codec's batches as the broker hands them out (librdkafka's and ours), and their
    /// compressed sections for the decompressors.
    func captureRecordBatches(client: KafkaClient, topic: String, server: ServerUnderTest) async throws {
        let connector = try KafkaProducer(client: client)
        for codec in CompressionCodec.allCases {
            var config = client.config
            try config.set("compression.codec", "\(codec)")
            let ours = try KafkaProducer(config: config)
            for index in 0..<3 {
                _ = try await ours.sendAndWait(topic: topic, value: Array("ours \(index) \(codec)".utf8), key: [1, 2],
                                               headers: [MessageHeader("h", [0, 1])], partition: 1)
            }
            await ours.close()
        }
        await connector.close()
        for partition: Int32 in [0, 1] {
            var offset: Int64 = 0
            while true {
                let fetched = try await client.fetch(topic: topic, partition: partition, offset: offset, maxBytes: 4096, maxWaitMs: 100)
                guard let raw = fetched.rawRecords, raw.readableBytes > 0 else { break }
                var reader = RecordBatchReader(raw)
                while let batch = try reader.next() {
                    guard let codec = batch.compression else { continue }
                    var single = ByteBuffer()
                    try single.writeKafkaBatch(of: raw, at: batch)
                    try save([0] + Array(single.readableBytesView), target: "record-batch-\(codec)", name: "\(server)-p\(partition)")
                    if codec != .none {
                        try save(Array(batch.storedRecords.readableBytesView), target: "decompress-\(codec)", name: "\(server)-p\(partition)")
                    }
                }
                guard fetched.nextOffset > offset else { break }
                offset = fetched.nextOffset
            }
        }
    }

    /// `kfast consume -J` lines, the envelopes `produce --json` reads back.
    func captureEnvelopes(topic: String, server: ServerUnderTest) async throws {
        let result = try await Kfast.run(["consume", "-b", try server.bootstrap(), "-t", topic, "-e", "-J"])
        for (index, line) in result.stdout.split(separator: "\n").prefix(6).enumerated() {
            try save(Array(line.utf8), target: "produce-json", name: "\(server)-\(index)")
        }
    }
}

extension ByteBuffer {
    /// Appends the bytes of `batch` as they lie in `records` (the batch found there by offset).
    mutating func writeKafkaBatch(of records: ByteBuffer, at batch: RecordBatch) throws {
        var at = records.readerIndex
        while let base = records.getInteger(at: at, as: Int64.self), let length = records.getInteger(at: at + 8, as: Int32.self) {
            let total = 12 + Int(length)
            guard at + total <= records.writerIndex else { break }
            if base == batch.baseOffset {
                writeImmutableBuffer(records.getSlice(at: at, length: total)!)
                return
            }
            at += total
        }
        throw TestEnvironmentError(description: "batch at offset \(batch.baseOffset) not found")
    }
}
