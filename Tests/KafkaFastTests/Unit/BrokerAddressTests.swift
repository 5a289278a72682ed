import Testing
@testable import KafkaFast

@Suite struct BrokerAddressTests {
    @Test func parsesHostAndPort() throws {
        #expect(try BrokerAddress(parsing: "localhost:9093") == BrokerAddress(host: "localhost", port: 9093))
        #expect(try BrokerAddress(parsing: " 127.0.0.1:1 ") == BrokerAddress(host: "127.0.0.1", port: 1))
        #expect(try BrokerAddress(parsing: "PLAINTEXT://kafka-1:9092") == BrokerAddress(host: "kafka-1", port: 9092))
    }

    @Test func defaultsThePortTo9092() throws {
        #expect(try BrokerAddress(parsing: "kafka").port == 9092)
    }

    @Test func parsesBracketedIPv6() throws {
        let address = try BrokerAddress(parsing: "[::1]:9094")
        #expect(address.host == "::1")
        #expect(address.port == 9094)
        #expect(address.description == "[::1]:9094")
    }

    @Test func parsesLists() throws {
        let list = try BrokerAddress.parseList("a:1,b:2,,c")
        #expect(list.map(\.description) == ["a:1", "b:2", "c:9092"])
    }

    @Test(arguments: ["", ":9092", "host:", "host:0", "host:65536", "host:abc", "::1:9092", "[::1", "ho st:1", "[::1]x"])
    func rejectsMalformedAddresses(_ text: String) {
        #expect(throws: KafkaError.self) { try BrokerAddress.parseList(text) }
    }

    @Test func errorSaysWhatAndWhy() {
        do {
            _ = try BrokerAddress(parsing: "host:99999")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "invalid broker address 'host:99999': port '99999' is not a number from 1 to 65535")
        }
    }
}
