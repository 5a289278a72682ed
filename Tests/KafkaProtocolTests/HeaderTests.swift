import KafkaProtocol
import NIOCore
import Testing

@Suite struct HeaderTests {
    @Test func requestHeaderV1() throws {
        let header = RequestHeader(apiKey: 18, apiVersion: 3, correlationId: 7, clientId: "kfast")
        var buffer = ByteBuffer()
        try header.encode(into: &buffer, headerVersion: 1)
        #expect(buffer.hex == compactHex("0012 0003 00000007 0005 6b66617374"))
        #expect(try RequestHeader(from: &buffer, headerVersion: 1) == header)
    }

    @Test func requestHeaderV2KeepsClassicClientIdAndAddsTaggedFields() throws {
        let header = RequestHeader(apiKey: 3, apiVersion: 12, correlationId: -1, clientId: "kfast")
        var buffer = ByteBuffer()
        try header.encode(into: &buffer, headerVersion: 2)
        #expect(buffer.hex == compactHex("0003 000c ffffffff 0005 6b66617374 00"))
        #expect(try RequestHeader(from: &buffer, headerVersion: 2) == header)
    }

    @Test func requestHeaderNullClientId() throws {
        var buffer = ByteBuffer()
        try RequestHeader(apiKey: 0, apiVersion: 9, correlationId: 1, clientId: nil).encode(into: &buffer, headerVersion: 2)
        #expect(buffer.hex == compactHex("0000 0009 00000001 ffff 00"))
    }

    @Test func responseHeaders() throws {
        var v0 = ByteBuffer(hex: "0000002a")
        #expect(try ResponseHeader(from: &v0, headerVersion: 0).correlationId == 42)
        // v1: an unknown tagged field must be skipped, leaving the body untouched.
        var v1 = ByteBuffer(hex: "0000002a 01 05 02 abcd 99")
        #expect(try ResponseHeader(from: &v1, headerVersion: 1).correlationId == 42)
        #expect(v1.hex == "99")
        var out = ByteBuffer()
        try ResponseHeader(correlationId: 42).encode(into: &out, headerVersion: 1)
        #expect(out.hex == "0000002a00")
        var truncated = ByteBuffer(hex: "0000002a")
        #expect(throws: KafkaWireError.self) { try ResponseHeader(from: &truncated, headerVersion: 1) }
    }

    @Test func flexibleRequestFrame() throws {
        let request = ApiVersionsRequest(clientSoftwareName: "kfast", clientSoftwareVersion: "0.1")
        let frame = try request.requestFrame(version: 3, correlationId: 1, clientId: "kfast")
        // size 27 = header v2 (16) + body (11)
        let expected = "0000001b  0012 0003 00000001 0005 6b66617374 00  06 6b66617374 04 302e31 00"
        #expect(frame.hex == compactHex(expected))
    }

    @Test func classicRequestFrame() throws {
        var buffer = ByteBuffer(hex: "aa")
        try ApiVersionsRequest().encodeRequestFrame(into: &buffer, version: 0, correlationId: 1, clientId: "kfast")
        #expect(buffer.hex == compactHex("aa 0000000f 0012 0000 00000001 0005 6b66617374"))
    }

    @Test func failedFrameLeavesBufferUntouched() {
        var buffer = ByteBuffer(hex: "aa")
        // validateOnly cannot be expressed at v0, and Kafka refuses to drop it silently.
        let request = CreateTopicsRequest(validateOnly: true)
        #expect(throws: KafkaWireError.unsupportedVersion(api: 19, version: 0)) {
            try request.encodeRequestFrame(into: &buffer, version: 0, correlationId: 1, clientId: nil)
        }
        #expect(throws: KafkaWireError.unsupportedVersion(api: 19, version: 99)) {
            try request.encodeRequestFrame(into: &buffer, version: 99, correlationId: 1, clientId: nil)
        }
        #expect(buffer.hex == "aa")
    }

    @Test func headerVersionsFollowFlexibility() {
        #expect(MetadataRequest.requestHeaderVersion(8) == 1)
        #expect(MetadataRequest.requestHeaderVersion(9) == 2)
        #expect(MetadataRequest.responseHeaderVersion(9) == 1)
        #expect(ApiVersionsRequest.responseHeaderVersion(3) == 0)
        #expect(SaslHandshakeRequest.requestHeaderVersion(1) == 1)
    }

    @Test func responseFrameDecode() throws {
        // Metadata v9 response frame body: header v1 (correlation id 5, no tags), then a minimal body.
        var buffer = ByteBuffer(hex: "00000005 00  00000000 01 00 ffffffff 01 80000000 00")
        let (header, response) = try MetadataRequest.decodeResponseFrame(&buffer, version: 9)
        #expect(header.correlationId == 5)
        #expect(response.controllerId == -1)
        #expect(response.brokers.isEmpty && response.topics.isEmpty)
    }
}
