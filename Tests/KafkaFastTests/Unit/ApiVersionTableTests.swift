import KafkaProtocol
import Testing
@testable import KafkaFast

@Suite struct ApiVersionTableTests {
    let table = ApiVersionTable(ranges: [0: 0...9, 1: 0...17, 3: 0...12, 18: 0...3, 2: 0...8])

    @Test func picksTheLowerOfBothMaxima() {
        #expect(table.negotiate(apiKey: 3, codec: 0...12) == 12)
        #expect(table.negotiate(apiKey: 0, codec: 0...11) == 9)
        #expect(table.negotiate(apiKey: 18, codec: 0...4) == 3)
    }

    @Test func honoursAConfiguredCeiling() {
        #expect(table.negotiate(apiKey: 3, codec: 0...12, clientMax: 9) == 9)
    }

    @Test func capsFetchBelowTopicIds() {
        #expect(table.negotiate(apiKey: 1, codec: 0...17) == 12)
    }

    @Test func refusesVersionsBelowTheRecordBatchFloor() {
        #expect(table.negotiate(apiKey: 0, codec: 0...11, clientMax: 2) == nil)
        #expect(table.negotiate(apiKey: 0, codec: 0...11, clientMax: 3) == 3)
    }

    @Test func refusesWhenRangesDoNotOverlap() {
        let old = ApiVersionTable(ranges: [3: 0...0])
        #expect(old.negotiate(apiKey: 3, codec: 1...12) == nil)
        #expect(old.negotiate(apiKey: 19, codec: 0...7) == nil)
    }
}
