import NIOCore
import NIOEmbedded
import Testing
@testable import KafkaFast

/// The pipelining handler on an in-memory channel: no sockets, time under the test's control.
@Suite final class KafkaChannelHandlerTests {
    let channel: EmbeddedChannel
    let loop: EmbeddedEventLoop

    init() throws {
        loop = EmbeddedEventLoop()
        channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(KafkaFrameDecoder(maxFrameSize: 1 << 20)))
        try channel.pipeline.syncOperations.addHandler(KafkaChannelHandler(brokerName: "test:1", stats: ConnectionStats()))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    // A channel never closed keeps its pipeline and handlers alive in a cycle (LeakSanitizer in
    // make test-asan reports them); closing fails whatever a test left pending.
    deinit { _ = try? channel.finish(acceptAlreadyClosed: true) }

    /// A request frame as the connection encodes it: size, api key, version, correlation id 0, body.
    func request(apiKey: Int16 = 3, timeout: TimeAmount = .seconds(30), headerVersion: Int16 = 0)
        -> (OutboundRequest, EventLoopFuture<ByteBuffer>)
    {
        var frame = ByteBuffer()
        frame.writeInteger(Int32(10))
        frame.writeInteger(apiKey)
        frame.writeInteger(Int16(1))
        frame.writeInteger(Int32(0))
        frame.writeInteger(Int16(-1))
        let promise = loop.makePromise(of: ByteBuffer.self)
        return (OutboundRequest(frame: frame, apiKey: apiKey, response: promise, responseHeaderVersion: headerVersion, timeout: timeout),
                promise.futureResult)
    }

    func response(correlationId: Int32, body: [UInt8], taggedFields: Bool = false) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(4 + (taggedFields ? 1 : 0) + body.count))
        buffer.writeInteger(correlationId)
        if taggedFields { buffer.writeInteger(UInt8(0)) }
        buffer.writeBytes(body)
        return buffer
    }

    @Test func assignsCorrelationIdsInWriteOrderAndMatchesResponsesFIFO() throws {
        let (first, firstResult) = request()
        let (second, secondResult) = request()
        channel.write(first, promise: nil)
        channel.writeAndFlush(second, promise: nil)
        let sent1 = try #require(try channel.readOutbound(as: ByteBuffer.self))
        let sent2 = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(sent1.getInteger(at: 8, as: Int32.self) == 1)
        #expect(sent2.getInteger(at: 8, as: Int32.self) == 2)

        // Both responses arrive in one read, the second split from its tail.
        var both = response(correlationId: 1, body: [0xAA])
        var tail = response(correlationId: 2, body: [0xBB, 0xCC])
        both.writeBuffer(&tail)
        let split = both.readSlice(length: both.readableBytes - 1)!
        try channel.writeInbound(split)
        #expect(try firstResult.wait().readableBytesView.elementsEqual([0xAA]))
        try channel.writeInbound(both)
        #expect(try secondResult.wait().readableBytesView.elementsEqual([0xBB, 0xCC]))
    }

    /// A Produce request with acks=0: no response slot.
    func responseless() -> OutboundRequest {
        var frame = ByteBuffer()
        frame.writeInteger(Int32(10))
        frame.writeInteger(Int16(0))
        frame.writeInteger(Int16(3))
        frame.writeInteger(Int32(0))
        frame.writeInteger(Int16(-1))
        return OutboundRequest(frame: frame, apiKey: 0, response: nil, responseHeaderVersion: 0, timeout: .seconds(30))
    }

    /// Produce with acks=0 gets no answer from Kafka, but Tansu and noida-db answer it: both
    /// must leave the requests around it matched to their own answers.
    @Test(arguments: [false, true])
    func anAnswerToAResponselessRequestIsDroppedAndItsAbsenceIsFine(_ brokerAnswersAcksZero: Bool) throws {
        let (first, firstResult) = request()
        let (last, lastResult) = request()
        channel.write(first, promise: nil)
        channel.write(responseless(), promise: nil)
        channel.write(responseless(), promise: nil)
        channel.writeAndFlush(last, promise: nil)
        try channel.writeInbound(response(correlationId: 1, body: [1]))
        if brokerAnswersAcksZero {
            try channel.writeInbound(response(correlationId: 2, body: [2]))
            try channel.writeInbound(response(correlationId: 3, body: [3]))
        }
        try channel.writeInbound(response(correlationId: 4, body: [4]))
        #expect(try firstResult.wait().readableBytesView.elementsEqual([1]))
        #expect(try lastResult.wait().readableBytesView.elementsEqual([4]))
        #expect(channel.isActive)
        // Only responseless requests outstanding: a late answer to one of them is still dropped.
        channel.writeAndFlush(responseless(), promise: nil)
        try channel.writeInbound(response(correlationId: 5, body: [5]))
        #expect(channel.isActive)
    }

    @Test func skipsResponseHeaderTaggedFields() throws {
        let (flexible, result) = request(headerVersion: 1)
        channel.writeAndFlush(flexible, promise: nil)
        _ = try channel.readOutbound(as: ByteBuffer.self)
        try channel.writeInbound(response(correlationId: 1, body: [7], taggedFields: true))
        #expect(try result.wait().readableBytesView.elementsEqual([7]))
    }

    @Test func aMismatchedCorrelationIdFailsEveryPendingRequestAndCloses() throws {
        let (first, firstResult) = request()
        let (second, secondResult) = request()
        channel.write(first, promise: nil)
        channel.writeAndFlush(second, promise: nil)
        try channel.writeInbound(response(correlationId: 2, body: []))
        #expect(throws: KafkaError.self) { try firstResult.wait() }
        #expect(throws: KafkaError.self) { try secondResult.wait() }
        #expect(!channel.isActive)
    }

    @Test func aTimeoutFailsTheRequestWithItsApiName() throws {
        let (slow, result) = request(apiKey: 1, timeout: .milliseconds(100))
        channel.writeAndFlush(slow, promise: nil)
        loop.advanceTime(by: .milliseconds(101))
        do {
            _ = try result.wait()
            Issue.record("expected a timeout")
        } catch let error as KafkaError {
            #expect(error.description == "Fetch request to broker test:1 timed out after 100 ms")
        }
        #expect(!channel.isActive)
    }

    /// Too large, negative (a corrupt or hostile size), or too small to hold a correlation id.
    @Test(arguments: [Int32(2 << 20), -1, -2, Int32.min, 0, 3])
    func aFrameSizeOutsideTheLimitsClosesTheConnection(_ size: Int32) throws {
        let (pending, result) = request()
        channel.writeAndFlush(pending, promise: nil)
        var frame = ByteBuffer()
        frame.writeInteger(size)
        frame.writeRepeatingByte(0, count: 8)
        try channel.writeInbound(frame)
        do {
            _ = try result.wait()
            Issue.record("a frame of size \(size) was accepted")
        } catch let error as KafkaError {
            if size > 1 << 20 {
                #expect(error.description == "broker test:1 sent a response of \(size) bytes, over receive.message.max.bytes (1048576): raise that property to at least \(size) to accept it")
                #expect(error.code == .responseTooLarge)
            } else {
                #expect(error.description == "broker test:1 sent an invalid response: response frame size \(size) is outside 4...1048576 bytes")
                #expect(error.code == .protocolViolation)
            }
        }
        #expect(!channel.isActive)
    }

    @Test func requestsWithoutResponseQueueNoSlot() throws {
        var frame = ByteBuffer(bytes: [0, 0, 0, 8, 0, 0, 0, 3, 0, 0, 0, 0])
        frame.moveReaderIndex(to: 0)
        channel.writeAndFlush(OutboundRequest(frame: frame, apiKey: 0, response: nil, responseHeaderVersion: 0, timeout: .seconds(1)), promise: nil)
        _ = try channel.readOutbound(as: ByteBuffer.self)
        let (next, result) = request()
        channel.writeAndFlush(next, promise: nil)
        _ = try channel.readOutbound(as: ByteBuffer.self)
        try channel.writeInbound(response(correlationId: 2, body: [1]))
        #expect(try result.wait().readableBytesView.elementsEqual([1]))
    }
}
