import Testing
@testable import KafkaFast

@Suite struct KafkaConfigTests {
    @Test func setsPropertiesByLibrdkafkaName() throws {
        let config = try KafkaConfiguration([
            "bootstrap.servers": "a:1,b:2", "client.id": "me", "request.timeout.ms": "1500",
            "api.version.max": "Produce=7,Metadata=9",
        ])
        #expect(config.bootstrapServers.count == 2)
        #expect(config.clientId == "me")
        #expect(config.requestTimeoutMs == 1500)
        #expect(config.apiVersionMax == [0: 7, 3: 9])
    }

    @Test func producerConnectionsPerBrokerDefaultsToFourAndIsBounded() throws {
        #expect(KafkaConfiguration().producer.connectionsPerBroker == 4)
        #expect(try KafkaConfiguration(["produce.connections.per.broker": "1"]).producer.connectionsPerBroker == 1)
        for bad in ["0", "17", "two"] {
            #expect(throws: KafkaError.self) { _ = try KafkaConfiguration(["produce.connections.per.broker": bad]) }
        }
    }

    @Test func fetchConnectionsPerBrokerDefaultsToTwoAndIsBounded() throws {
        #expect(KafkaConfiguration().consumer.connectionsPerBroker == 2)
        #expect(try KafkaConfiguration(["fetch.connections.per.broker": "1"]).consumer.connectionsPerBroker == 1)
        for bad in ["0", "17", "two"] {
            #expect(throws: KafkaError.self) { _ = try KafkaConfiguration(["fetch.connections.per.broker": bad]) }
        }
    }

    @Test func rejectsUnknownPropertiesByName() {
        do {
            _ = try KafkaConfiguration(["lingr.ms": "5"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "invalid configuration: unknown property 'lingr.ms': did you mean 'linger.ms'?")
        }
    }

    @Test(arguments: [("request.timeout.ms", "soon"), ("request.timeout.ms", "0"), ("api.version.max", "Produce"), ("api.version.max", "Nope=3")])
    func rejectsMalformedValues(_ entry: (String, String)) {
        #expect(throws: KafkaError.self) { _ = try KafkaConfiguration([entry.0: entry.1]) }
    }
}
