import KafkaProtocol
import NIOCore
import NIOEmbedded
import Testing
@testable import KafkaFast

/// The frame decoder on an in-memory channel: frames cut anywhere, frames back to back, a frame
/// larger than 16 MiB, the size limits, and the reuse of a frame's memory once it is let go.
@Suite struct KafkaFrameDecoderTests {
    let channel = EmbeddedChannel()

    init() throws {
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(KafkaFrameDecoder(maxFrameSize: 64 << 20)))
    }

    static func frame(_ body: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: Int32(body.count).bigEndian, Array.init) + body
    }

    static func body(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }

    func frames() throws -> [ByteBuffer] {
        var read: [ByteBuffer] = []
        while let frame = try channel.readInbound(as: ByteBuffer.self) { read.append(frame) }
        return read
    }

    static func address(_ buffer: ByteBuffer) -> UnsafeRawPointer? {
        buffer.withUnsafeReadableBytes { $0.baseAddress }
    }

    @Test func aFrameArrivingOneByteAtATimeComesOutWhole() throws {
        let body = Self.body(300, seed: 1)
        for byte in Self.frame(body) {
            #expect(try frames().isEmpty)
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        let read = try frames()
        #expect(read.count == 1)
        #expect(read.first.map { Array($0.readableBytesView) } == body)
    }

    @Test func framesBackToBackAndCutAcrossReadsKeepTheirBounds() throws {
        let bodies = [Self.body(4, seed: 2), Self.body(70_000, seed: 3), Self.body(9, seed: 4), Self.body(300_000, seed: 5)]
        let stream = bodies.flatMap(Self.frame)
        // Pieces of varied sizes, cutting size fields and bodies alike.
        var offset = 0
        var cut = 1
        while offset < stream.count {
            let end = min(stream.count, offset + cut)
            try channel.writeInbound(ByteBuffer(bytes: stream[offset..<end]))
            offset = end
            cut = cut * 7 % 65_521 + 3
        }
        #expect(try frames().map { Array($0.readableBytesView) } == bodies)
    }

    /// A frame past NIO's 16 MiB slice limit: delivered once, intact, and the records views
    /// taken deep inside it share its memory instead of copying.
    @Test func aFrameOver16MiBIsDeliveredOnceAndViewedWithoutCopies() throws {
        let body = Self.body(20 << 20, seed: 6)
        let stream = Self.frame(body)
        for start in stride(from: 0, to: stream.count, by: 65_536) {
            try channel.writeInbound(ByteBuffer(bytes: stream[start..<min(stream.count, start + 65_536)]))
        }
        let read = try frames()
        #expect(read.count == 1)
        let frame = try #require(read.first)
        #expect(frame.readableBytesView.elementsEqual(body))
        let deep = 18 << 20
        let view = try #require(frame.view(at: frame.readerIndex + deep, length: 1_000))
        #expect(Array(view.readableBytesView) == Array(body[deep..<(deep + 1_000)]))
        #expect(Self.address(view) == Self.address(frame).map { $0 + deep }, "the view must point into the frame, not at a copy")
        var reader = frame
        reader.moveReaderIndex(forwardBy: deep)
        let read1 = reader.readView(length: 10)
        #expect(read1.map(Self.address) == Self.address(frame).map { $0 + deep })
        #expect(reader.readerIndex == frame.readerIndex + deep + 10)
    }

    @Test func aFrameIsReusedOnlyOnceNothingRefersToIt() throws {
        try channel.writeInbound(ByteBuffer(bytes: Self.frame(Self.body(1 << 20, seed: 7))))
        var first: ByteBuffer? = try frames().first
        try #require(first != nil)
        let firstAddress = Self.address(first!)
        // Still held: the next frame must get memory of its own, and the first stays intact.
        try channel.writeInbound(ByteBuffer(bytes: Self.frame(Self.body(1 << 20, seed: 8))))
        let second = try #require(try frames().first)
        #expect(Self.address(second) != firstAddress)
        #expect(first!.readableBytesView.elementsEqual(Self.body(1 << 20, seed: 7)))
        first = nil
        // Let go: the third frame is filled into the first one's memory.
        try channel.writeInbound(ByteBuffer(bytes: Self.frame(Self.body((1 << 20) - 5, seed: 9))))
        let third = try #require(try frames().first)
        #expect(Self.address(third) == firstAddress)
        #expect(third.readableBytesView.elementsEqual(Self.body((1 << 20) - 5, seed: 9)))
        #expect(second.readableBytesView.elementsEqual(Self.body(1 << 20, seed: 8)))
    }

    @Test(arguments: [Int32(3), 0, -1, Int32.min])
    func aSizeBelowFourIsACorruptStream(_ size: Int32) throws {
        #expect(throws: KafkaFrameError.self) {
            try channel.writeInbound(ByteBuffer(bytes: withUnsafeBytes(of: size.bigEndian, Array.init) + [0, 0, 0, 0]))
        }
    }

    @Test func aSizeOverTheLimitNamesReceiveMessageMaxBytes() throws {
        do {
            try channel.writeInbound(ByteBuffer(bytes: withUnsafeBytes(of: Int32((64 << 20) + 1).bigEndian, Array.init)))
            Issue.record("a frame over the limit was accepted")
        } catch let error as KafkaFrameError {
            guard case .tooLarge(let size, let limit) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(size == (64 << 20) + 1 && limit == 64 << 20)
            #expect(error.description.contains("receive.message.max.bytes"))
        }
    }
}
