import KafkaFast

/// The three servers `make test` runs, for the reliability tests: Tansu, noida and the 3-broker
/// librdkafka mock cluster (which cannot create topics through Kafka's API, so `createTopic`
/// goes through its control channel there).
enum ServerUnderTest: String, CaseIterable, Sendable, CustomStringConvertible {
    case tansu, noida, mock

    var description: String { rawValue }

    /// The bootstrap list.
    func bootstrap() throws -> String {
        switch self {
        case .tansu: return try TestBrokers.address(.tansu)
        case .noida: return try TestBrokers.address(.noida)
        case .mock: return try MockCluster.bootstrap()
        }
    }

    /// A new topic of `partitions` partitions, each with a leader before this returns.
    func createTopic(_ name: String, partitions: Int) async throws {
        switch self {
        case .mock:
            try await MockCluster.createTopic(name, partitions: partitions)
        case .tansu, .noida:
            let client = try KafkaClient(bootstrap: try bootstrap())
            defer { client.close() }
            try await client.createTopic(name, partitions: Int32(partitions), replicationFactor: 1)
        }
    }
}
