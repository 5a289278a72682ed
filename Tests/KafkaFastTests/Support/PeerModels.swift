// The JSON the peer programs read and print, and typed calls for the common peer operations.
// Bytes travel as base64 (JSONEncoder/JSONDecoder's default for Data), so they stay byte-exact.

import Foundation

/// Which real client a peer program uses.
enum PeerClient: String, CaseIterable, Sendable {
    case confluent  // librdkafka 2.16 through confluent-kafka
    case kafkaPython = "kafka-python"

    /// Every server with every peer client that can talk to it. kafka-python 3.0.12 cannot
    /// bootstrap from the mock cluster: it sends ApiVersions v4 and cannot read the
    /// UNSUPPORTED_VERSION answer in the v0 layout that KIP-511 prescribes (it drops the
    /// connection and retries forever). The mock is written and read by confluent-kafka.
    static let serverPairs: [(BrokerKind, PeerClient)] = BrokerKind.allCases.flatMap { broker in
        allCases.filter { broker != .mock || $0 != .kafkaPython }.map { (broker, $0) }
    }

    /// The second peer on `broker` for tests that want two different clients: kafka-python,
    /// or confluent-kafka again on the mock cluster (see `serverPairs`).
    static func other(on broker: BrokerKind) -> PeerClient { broker == .mock ? .confluent : .kafkaPython }
}

/// Compression codec names as the peer programs take them.
enum PeerCodec: String, CaseIterable, Sendable {
    case none, gzip, snappy, lz4, zstd
}

/// A record header: `[name, value_b64 | null]` in the JSON.
struct PeerHeader: Codable, Equatable, Sendable {
    var name: String
    var value: Data?

    init(_ name: String, _ value: Data?) {
        self.name = name
        self.value = value
    }

    init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        name = try container.decode(String.self)
        value = try container.decodeIfPresent(Data.self)
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(name)
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}

/// One message for peer_produce.py (a JSON line). nil fields are left out, which the peer reads as null.
struct PeerRecord: Codable, Equatable, Sendable {
    var partition: Int32?
    var key: Data?
    var value: Data?
    var headers: [PeerHeader] = []
    var timestampMs: Int64?

    enum CodingKeys: String, CodingKey {
        case partition, key = "key_b64", value = "value_b64", headers, timestampMs = "timestamp_ms"
    }
}

/// What peer_produce.py prints.
struct ProduceReport: Decodable, Sendable {
    struct Delivery: Decodable, Equatable, Sendable { var index: Int; var partition: Int32; var offset: Int64 }
    struct Failure: Decodable, Equatable, Sendable { var index: Int; var error: String }
    var delivered: [Delivery]
    var errors: [Failure]
}

/// One line of peer_consume.py's output.
struct ConsumedRecord: Decodable, Equatable, Sendable {
    var partition: Int32
    var offset: Int64
    var key: Data?
    var value: Data?
    var headers: [PeerHeader]
    var timestampMs: Int64?
    var timestampType: String?  // "CreateTime", "LogAppendTime" or nil

    enum CodingKeys: String, CodingKey {
        case partition, offset, key = "key_b64", value = "value_b64", headers
        case timestampMs = "timestamp_ms", timestampType = "timestamp_type"
    }
}

/// One line of peer_tail.py's output.
struct TailedOffset: Decodable, Hashable, Sendable {
    var partition: Int32
    var offset: Int64
}

/// What peer_metadata.py prints, the shape `kfast topics --json` prints too.
struct ClusterMetadataReport: Codable, Equatable, Sendable {
    struct Broker: Codable, Equatable, Sendable { var id: Int32; var host: String; var port: Int32 }
    struct Partition: Codable, Equatable, Sendable {
        var partition: Int32
        var leader: Int32
        var replicas: [Int32]
        var isr: [Int32]
        var low: Int64
        var high: Int64
    }
    struct Topic: Codable, Equatable, Sendable { var name: String; var partitions: [Partition] }
    var brokers: [Broker]
    var topics: [Topic]
}

/// What `peer_group.py committed` prints (offset nil: nothing committed for that partition).
struct CommittedOffsets: Decodable, Sendable {
    struct Entry: Decodable, Equatable, Sendable { var partition: Int32; var offset: Int64? }
    var group: String
    var topic: String
    var partitions: [Entry]
}

private struct AdminReport: Decodable {}

extension Peer {
    static func createTopic(_ name: String, partitions: Int = 1, on broker: BrokerKind) async throws {
        if broker == .mock { return try await MockCluster.createTopic(name, partitions: partitions) }
        _ = try await json(AdminReport.self, "peer_admin.py", args: [
            "create-topic", name, "--bootstrap", TestBrokers.address(broker), "--partitions", "\(partitions)",
        ])
    }

    static func deleteTopic(_ name: String, on broker: BrokerKind) async throws {
        if broker == .mock { try await MockCluster.control("delete_topic", ["topic": name]); return }
        _ = try await json(AdminReport.self, "peer_admin.py", args: [
            "delete-topic", name, "--bootstrap", TestBrokers.address(broker),
        ])
    }

    /// Produces `records` in order and waits for every delivery. Per-message failures come back in
    /// `errors` (the peer's exit status 2); anything else throws.
    static func produce(_ records: [PeerRecord], topic: String, to broker: BrokerKind,
                        client: PeerClient = .confluent, codec: PeerCodec = .none,
                        acks: String = "all") async throws -> ProduceReport {
        try await produce(records, topic: topic, address: TestBrokers.address(broker), client: client, codec: codec, acks: acks)
    }

    /// The same, to a broker given by address (a `PrivateBroker`).
    static func produce(_ records: [PeerRecord], topic: String, address: String,
                        client: PeerClient = .confluent, codec: PeerCodec = .none,
                        acks: String = "all", flushEach: Bool = false) async throws -> ProduceReport {
        let encoder = JSONEncoder()
        let lines = try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        return try await json(ProduceReport.self, "peer_produce.py", args: [
            "--client", client.rawValue, "--bootstrap", address, "--topic", topic,
            "--codec", codec.rawValue, "--acks", acks, "--messages", "-",
        ] + (flushEach ? ["--flush-each"] : []), stdin: lines.joined(separator: "\n") + "\n", acceptedStatuses: [0, 2])
    }

    /// Consumes from the beginning until `count` messages arrived or, without a count, until every
    /// partition reached the end it had when the peer started.
    static func consume(topic: String, from broker: BrokerKind, client: PeerClient = .confluent,
                        partition: Int32? = nil, count: Int? = nil, group: String? = nil,
                        timeout: TimeInterval = 30) async throws -> [ConsumedRecord] {
        try await consume(topic: topic, address: TestBrokers.address(broker), client: client, partition: partition,
                          count: count, group: group, timeout: timeout)
    }

    /// The same, from brokers given by address (a `PrivateBroker`'s `bootstrap`).
    static func consume(topic: String, address: String, client: PeerClient = .confluent,
                        partition: Int32? = nil, count: Int? = nil, group: String? = nil,
                        timeout: TimeInterval = 30) async throws -> [ConsumedRecord] {
        var args = ["--client", client.rawValue, "--bootstrap", address,
                    "--topic", topic, "--from-beginning", "--timeout", "\(timeout)"]
        if let partition { args += ["--partition", "\(partition)"] }
        if let count { args += ["--count", "\(count)"] }
        if let group { args += ["--group", group] }
        return try await jsonLines(ConsumedRecord.self, "peer_consume.py", args: args, timeout: timeout + 30)
    }

    /// Where `kcat -C -e -o spec` reads, as librdkafka does it (peer_tail.py): (partition, offset) in order received.
    static func tail(topic: String, on broker: BrokerKind, offset spec: String, partition: Int32? = nil,
                     timeout: TimeInterval = 30) async throws -> [TailedOffset] {
        var args = ["--bootstrap", try TestBrokers.address(broker), "--topic", topic, "--offset", spec, "--timeout", "\(timeout)"]
        if let partition { args += ["--partition", "\(partition)"] }
        return try await jsonLines(TailedOffset.self, "peer_tail.py", args: args, timeout: timeout + 30)
    }

    static func metadata(of broker: BrokerKind, topic: String? = nil) async throws -> ClusterMetadataReport {
        var args = ["--bootstrap", try TestBrokers.address(broker)]
        if let topic { args += ["--topic", topic] }
        return try await json(ClusterMetadataReport.self, "peer_metadata.py", args: args)
    }

    static func committedOffsets(group: String, topic: String, on broker: BrokerKind) async throws -> CommittedOffsets {
        try await committedOffsets(group: group, topic: topic, address: TestBrokers.address(broker))
    }

    /// librdkafka's `committed()` for every partition of `topic`.
    static func committedOffsets(group: String, topic: String, address: String) async throws -> CommittedOffsets {
        try await json(CommittedOffsets.self, "peer_group.py", args: [
            "committed", "--bootstrap", address, "--group", group, "--topic", topic,
        ])
    }
}
