import KafkaCompression
import NIOCore
import Testing

/// Inputs written by other implementations (the gzip/lz4/zstd 1.9.4/1.5.4 command-line tools,
/// and snappy blocks assembled by hand from the format description), so decoding is checked
/// against more than our own encoder.
@Suite struct KnownBytesTests {
    static let message = Array(
        "Kafka fast compression vector: the quick brown fox jumps over the lazy dog, the quick brown fox jumps over the lazy dog.\n".utf8
    )

    // `gzip -9 -n`: no name, no timestamp.
    static let gzipNoName = """
        1f8b0800000000000203f34e4ccb4e54484b2c2e5148cecf2d284a2d2ececccf53284b4d2ec92fb25228c948552
        82ccd4cce56482aca2fcf5348cbaf50c82acd2d2856c82f4b2d024be72456552aa4e4a7eb90a2588f0b00476b5d2279000000
        """

    // `gzip -c msg.txt`: FNAME flag set, name "msg.txt" and a timestamp in the header.
    static let gzipWithName = """
        1f8b0808e0f6036b00036d73672e74787400f34e4ccb4e54484b2c2e5148cecf2d284a2d2ececccf53284b4d2ec92fb252
        28c94855282ccd4cce56482aca2fcf5348cbaf50c82acd2d2856c82f4b2d024be72456552aa4e4a7eb90a2588f0b00476b5d2279000000
        """

    // `printf 'first member;' | gzip -n` followed by `printf 'second member' | gzip -n`.
    static let gzipTwoMembers = """
        1f8b08000000000000034bcb2c2a2e51c84dcd4d4a2db206009df45b5b0d000000
        1f8b08000000000000032b4e4dcecf4b51c84dcd4d4a2d02002474fa9f0d000000
        """

    // `lz4 -c`: 4 MB blocks, content checksum.
    static let lz4Default = """
        04224d186440a757000000f12e4b61666b61206661737420636f6d7072657373696f6e20766563746f723a20746865
        20717569636b2062726f776e20666f78206a756d7073206f7665721f00916c617a7920646f672c0e000f2d00115064
        6f672e0a00000000a4b2b9b9
        """

    // `lz4 -c --content-size -BX`: content size in the header and a checksum after each block.
    static let lz4SizeAndBlockChecksum = """
        04224d187c407900000000000000d657000000f12e4b61666b61206661737420636f6d7072657373696f6e2076656374
        6f723a2074686520717569636b2062726f776e20666f78206a756d7073206f7665721f00916c617a7920646f672c0e00
        0f2d001150646f672e0ab17c509800000000a4b2b9b9
        """

    // `cat msg.txt | zstd -c`: from a pipe, so the frame has no content size.
    static let zstdUnknownSize = """
        28b52ffd04587502008284101780ab0e402c21124b2953cf3e0524e72269fac139d1a44e80101c6bdc7952618dfb76
        0c266f36bd31cbc5175270b922ef03ef431adf56752b3bb6e8af333d574a22020041654e0b414101c50bf9c9
        """

    // `zstd -c msg.txt`: content size and checksum in the frame.
    static let zstdKnownSize = """
        28b52ffd24797502008284101780ab0e402c21124b2953cf3e0524e72269fac139d1a44e80101c6bdc7952618dfb76
        0c266f36bd31cbc5175270b922ef03ef431adf56752b3bb6e8af333d574a22020041654e0b414101c50bf9c9
        """

    // Raw snappy for "abcabcabcabc": length varint 12, literal "abc" (tag (3-1)<<2),
    // then a copy of 9 bytes from offset 3 (tag (9-4)<<2 | 1, offset byte 3).
    static let snappyABC = "0c 08616263 1503"
    // Raw snappy for "hello": length 5, one literal (tag (5-1)<<2).
    static let snappyHello = "05 1068656c6c6f"

    @Test func gzipFromTheCommandLineTool() throws {
        #expect(try decompressed(bytes(hex: Self.gzipNoName), .gzip) == Self.message)
        #expect(try decompressed(bytes(hex: Self.gzipWithName), .gzip) == Self.message)
    }

    @Test func gzipConcatenatedMembers() throws {
        #expect(try decompressed(bytes(hex: Self.gzipTwoMembers), .gzip) == Array("first member;second member".utf8))
    }

    @Test func lz4FromTheCommandLineTool() throws {
        #expect(try decompressed(bytes(hex: Self.lz4Default), .lz4) == Self.message)
        #expect(try decompressed(bytes(hex: Self.lz4SizeAndBlockChecksum), .lz4) == Self.message)
    }

    @Test func zstdFromTheCommandLineTool() throws {
        #expect(try decompressed(bytes(hex: Self.zstdUnknownSize), .zstd) == Self.message)
        #expect(try decompressed(bytes(hex: Self.zstdKnownSize), .zstd) == Self.message)
    }

    @Test func concatenatedFramesDecodeToConcatenatedContent() throws {
        let zstdTwice = bytes(hex: Self.zstdUnknownSize) + bytes(hex: Self.zstdKnownSize)
        #expect(try decompressed(zstdTwice, .zstd) == Self.message + Self.message)
        let lz4Twice = bytes(hex: Self.lz4Default) + bytes(hex: Self.lz4SizeAndBlockChecksum)
        #expect(try decompressed(lz4Twice, .lz4) == Self.message + Self.message)
    }

    @Test func rawSnappyBuiltByHand() throws {
        #expect(try decompressed(bytes(hex: Self.snappyABC), .snappy) == Array("abcabcabcabc".utf8))
        #expect(try decompressed(bytes(hex: Self.snappyHello), .snappy) == Array("hello".utf8))
    }

    @Test func xerialFramedSnappy() throws {
        let framed = bytes(
            hex: """
                82534e41505059 00 00000001 00000001
                00000007 \(Self.snappyABC)
                00000007 \(Self.snappyHello)
                """
        )
        #expect(try decompressed(framed, .snappy) == Array("abcabcabcabchello".utf8))

        let headerOnly = bytes(hex: "82534e4150505900 00000001 00000001")
        #expect(try decompressed(headerOnly, .snappy) == [])

        // A block length running past the end, and a header cut short, are truncations.
        let blockCut = bytes(hex: "82534e4150505900 00000001 00000001 00000009 \(Self.snappyABC)")
        #expect(throws: CompressionError.truncatedInput(codec: .snappy)) { try decompressed(blockCut, .snappy) }
        let headerCut = bytes(hex: "82534e415050590000000001")
        #expect(throws: CompressionError.truncatedInput(codec: .snappy)) { try decompressed(headerCut, .snappy) }
    }

    @Test func xerialFramedLargeInputRoundTripsBlockByBlock() throws {
        // Build xerial framing the way snappy-java does: 32 KiB chunks, each compressed raw.
        let input = Samples.compressible(count: 200_000)
        var framed = bytes(hex: "82534e4150505900 00000001 00000001")
        var start = 0
        while start < input.count {
            let chunk = Array(input[start..<min(start + 32_768, input.count)])
            let block = try compressed(chunk, .snappy)
            let length = UInt32(block.count)
            framed += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            framed += block
            start += chunk.count
        }
        #expect(try decompressed(framed, .snappy) == input)
        #expect(throws: CompressionError.outputLimitExceeded(codec: .snappy, limit: 100_000)) {
            try decompressed(framed, .snappy, limit: 100_000)
        }
    }

    /// What we write must be what Kafka's readers expect, not just what we can read back.
    @Test func writtenFormatsHaveTheExpectedHeaders() throws {
        let gzip = try compressed(Self.message, .gzip)
        #expect(Array(gzip.prefix(3)) == [0x1F, 0x8B, 0x08])

        // LZ4 frame magic, FLG 0x60 (version 01, independent blocks, no checksums, no content
        // size) and BD 0x40 (64 KiB blocks): the shape Kafka's Java KafkaLZ4BlockInputStream reads.
        let lz4 = try compressed(Self.message, .lz4)
        #expect(Array(lz4.prefix(6)) == [0x04, 0x22, 0x4D, 0x18, 0x60, 0x40])

        let zstd = try compressed(Self.message, .zstd)
        #expect(Array(zstd.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])

        // Raw snappy starts with the uncompressed length varint.
        let snappy = try compressed(Self.message, .snappy)
        #expect(snappy.first == UInt8(Self.message.count))
    }
}
