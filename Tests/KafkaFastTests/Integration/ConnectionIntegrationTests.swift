import KafkaProtocol
import NIOCore
import NIOPosix
import Testing
@testable import KafkaFast

/// The connection layer against the real brokers `make test` starts.
@Suite struct ConnectionIntegrationTests {
    @Test(arguments: BrokerKind.allCases)
    func negotiatesVersionsAndReadsMetadata(_ broker: BrokerKind) async throws {
        let address = try BrokerAddress(parsing: TestBrokers.address(broker))
        let connection = try await BrokerConnection.connect(to: address, config: KafkaConfiguration())
        defer { connection.close() }
        // Both brokers advertise Metadata up to v12: flexible versions must be in use.
        #expect(connection.version(for: MetadataRequest.self) == 12)
        #expect(connection.version(for: ProduceRequest.self).map { $0 >= 9 } == true)
        let metadata = try await connection.send(MetadataRequest(topics: nil, allowAutoTopicCreation: false))
        #expect(metadata.brokers.count == 1)
        #expect(metadata.brokers.first?.port == Int32(address.port))
    }

    @Test(arguments: BrokerKind.allCases)
    func pipelinesManyRequestsOnOneConnection(_ broker: BrokerKind) async throws {
        let address = try BrokerAddress(parsing: TestBrokers.address(broker))
        let connection = try await BrokerConnection.connect(to: address, config: KafkaConfiguration())
        defer { connection.close() }
        let before = connection.stats.snapshot().requests
        let responses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<200 {
                group.addTask { try await connection.send(MetadataRequest(topics: [])).brokers.count }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(responses.count == 200)
        #expect(responses.allSatisfy { $0 == 1 })
        #expect(connection.stats.snapshot().requests - before == 200)
        #expect(connection.stats.snapshot().inFlight == 0)
    }

    @Test(arguments: [12, 9, 4, 1] as [Int16])
    func everyMetadataVersionDecodesFromARealBroker(_ version: Int16) async throws {
        for broker in BrokerKind.allCases {
            let address = try BrokerAddress(parsing: TestBrokers.address(broker))
            let connection = try await BrokerConnection.connect(to: address, config: KafkaConfiguration())
            defer { connection.close() }
            let response = try await connection.send(MetadataRequest(topics: nil), version: version)
            #expect(response.brokers.first?.host == address.host, "\(broker) Metadata v\(version)")
        }
    }

    /// The timing tests get an event loop of their own: the shared ones also carry the rest of
    /// the suite (thirty 100,000-message producers at once), whose queueing is not the client's.
    let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    @Test func aDeadBrokerFailsFastWithOneLine() async throws {
        defer { loop.shutdownGracefully { _ in } }
        let port = try TestPorts.unusedPort()
        let config = KafkaConfiguration()
        let start = ContinuousClock.now
        do {
            _ = try await BrokerConnection.connect(to: BrokerAddress(host: "127.0.0.1", port: port), config: config, group: loop)
            Issue.record("connected to a port nobody listens on")
        } catch {
            #expect(error.description == "cannot connect to broker 127.0.0.1:\(port): connection refused")
        }
        // The promise is "within the connect timeout" (a refusal is normally instant; a saturated
        // 2-core machine running the whole suite once took 7 s).
        #expect(ContinuousClock.now - start < .milliseconds(config.connectTimeoutMs))
    }

    @Test func aBrokerThatNeverAnswersTimesOut() async throws {
        defer { loop.shutdownGracefully { _ in } }
        let silent = try await SilentServer.start()
        defer { silent.stop() }
        var config = KafkaConfiguration()
        config.requestTimeoutMs = 300
        let start = ContinuousClock.now
        do {
            _ = try await BrokerConnection.connect(to: BrokerAddress(host: "127.0.0.1", port: silent.port), config: config, group: loop)
            Issue.record("a silent server passed version negotiation")
        } catch {
            #expect(error.description == "ApiVersions request to broker 127.0.0.1:\(silent.port) timed out after 300 ms")
        }
        // Bounded by what the client promises (dial, then the request timeout); the message above
        // shows the 300 ms timer fired. A saturated 2-core run once needed 5 s end to end.
        #expect(ContinuousClock.now - start < .milliseconds(config.connectTimeoutMs + config.requestTimeoutMs))
    }
}
