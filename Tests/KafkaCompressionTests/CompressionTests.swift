@_spi(Benchmarks) import KafkaCompression
import NIOCore
import Testing

@Suite struct CompressionCodecTests {
    @Test func rawValuesMatchTheBatchAttributes() {
        #expect(CompressionCodec.allCases.map(\.rawValue) == [0, 1, 2, 3, 4])
        #expect(CompressionCodec(rawValue: 5) == nil)
    }

    @Test func namesRoundTrip() {
        for codec in CompressionCodec.allCases {
            #expect(CompressionCodec(name: codec.name) == codec)
            #expect(CompressionCodec(name: codec.name.uppercased()) == codec)
            #expect("\(codec)" == codec.name)
        }
        #expect(CompressionCodec(name: "uncompressed") == CompressionCodec.none)
        #expect(CompressionCodec(name: "brotli") == nil)
    }
}

@Suite struct CompressionRoundTripTests {
    @Test(arguments: CompressionCodec.allCases)
    func everyInputAtTheDefaultLevel(codec: CompressionCodec) throws {
        for (name, input) in Samples.inputs {
            let packed = try compressed(input, codec)
            let unpacked = try decompressed(packed, codec)
            #expect(unpacked == input, "\(codec) \(name)")
            if name == "1 MB compressible" && codec != .none {
                #expect(packed.count < input.count / 2, "\(codec) should compress text-like data")
            }
        }
    }

    @Test(arguments: [
        (CompressionCodec.gzip, [0, 1, 9, 12]),
        (.lz4, [-64, -1, 1, 3, 9, 12, 17]),
        (.zstd, [-7, 1, 19]),
    ])
    func explicitLevels(codec: CompressionCodec, levels: [Int]) throws {
        let input = Samples.compressible(count: 100_000)
        for level in levels {
            #expect(try decompressed(compressed(input, codec, level: level), codec) == input, "\(codec) level \(level)")
        }
    }

    @Test func levelsOutsideTheRangeAreRejected() {
        #expect(throws: CompressionError.invalidLevel(codec: .gzip, level: 13)) { try compressed([1, 2, 3], .gzip, level: 13) }
        #expect(throws: CompressionError.invalidLevel(codec: .zstd, level: 23)) { try compressed([1, 2, 3], .zstd, level: 23) }
        #expect(throws: CompressionError.invalidLevel(codec: .lz4, level: 18)) { try compressed([1, 2, 3], .lz4, level: 18) }
        // Codecs without levels ignore them rather than failing a producer over a config detail.
        #expect(throws: Never.self) { try compressed([1, 2, 3], .snappy, level: 99) }
    }

    @Test(arguments: CompressionCodec.allCases)
    func appendsAfterExistingBytesAndFromByteBuffers(codec: CompressionCodec) throws {
        let input = ByteBuffer(bytes: Samples.compressible(count: 10_000))
        var packed = ByteBuffer(string: "prefix")
        try Compression.compress(input, codec: codec, into: &packed)
        #expect(packed.readString(length: 6) == "prefix")
        var unpacked = ByteBuffer(string: "head")
        try Compression.decompress(packed, codec: codec, maxOutputBytes: 10_000, into: &unpacked)
        #expect(unpacked.readString(length: 4) == "head")
        #expect(unpacked == input)
    }

    @Test func bothGzipImplementationsInteroperate() throws {
        let input = Samples.compressible(count: 300_000)
        for encoder in GzipImplementation.allCases {
            var packed = ByteBuffer()
            try input.withUnsafeBytes { try Compression.compressGzip($0, level: 6, using: encoder, into: &packed) }
            for decoder in GzipImplementation.allCases {
                var unpacked = ByteBuffer()
                try packed.withUnsafeReadableBytes {
                    try Compression.decompressGzip($0, maxOutputBytes: 1 << 20, using: decoder, into: &unpacked)
                }
                #expect(Array(unpacked.readableBytesView) == input, "\(encoder) -> \(decoder)")
            }
        }
    }

    @Test func parallelCallsOnManyThreadsAgree() async throws {
        let inputs = (0..<8).map { Samples.compressible(count: 50_000 + $0 * 1000) }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for round in 0..<32 {
                group.addTask {
                    let codec = CompressionCodec.allCases[round % CompressionCodec.allCases.count]
                    let input = inputs[round % inputs.count]
                    return try decompressed(compressed(input, codec), codec) == input
                }
            }
            for try await matched in group { #expect(matched) }
        }
    }
}

@Suite struct DecompressionLimitTests {
    /// 100 MB of zeros shrinks to kilobytes; a 1 MB limit must stop it early.
    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func bombIsRejected(codec: CompressionCodec) throws {
        let bomb = try compressed([UInt8](repeating: 0, count: 100 << 20), codec, level: codec == .gzip ? 1 : nil)
        #expect(bomb.count < 5 << 20)
        var output = ByteBuffer(string: "kept")
        #expect(throws: CompressionError.outputLimitExceeded(codec: codec, limit: 1 << 20)) {
            try bomb.withUnsafeBytes { try Compression.decompress($0, codec: codec, maxOutputBytes: 1 << 20, into: &output) }
        }
        // A failed call leaves the buffer as it found it.
        #expect(output == ByteBuffer(string: "kept"))
    }

    @Test(arguments: CompressionCodec.allCases)
    func limitIsInclusive(codec: CompressionCodec) throws {
        let input = Samples.compressible(count: 70_000)
        let packed = try compressed(input, codec)
        #expect(try decompressed(packed, codec, limit: input.count) == input)
        #expect(throws: CompressionError.outputLimitExceeded(codec: codec, limit: input.count - 1)) {
            try decompressed(packed, codec, limit: input.count - 1)
        }
    }

    @Test(arguments: CompressionCodec.allCases)
    func unlimitedAndZeroLimits(codec: CompressionCodec) throws {
        let input = Samples.compressible(count: 5_000)
        let packed = try compressed(input, codec)
        #expect(try decompressed(packed, codec, limit: Int.max) == input)
        #expect(throws: CompressionError.outputLimitExceeded(codec: codec, limit: 0)) { try decompressed(packed, codec, limit: 0) }
        #expect(throws: CompressionError.outputLimitExceeded(codec: codec, limit: 0)) { try decompressed(packed, codec, limit: -1) }
    }

    @Test func zstdWithoutContentSizeStopsAtTheLimit() throws {
        // The command-line tool's frame from a pipe has no content size, so only streaming can catch it.
        let frame = bytes(hex: KnownBytesTests.zstdUnknownSize)
        #expect(throws: CompressionError.outputLimitExceeded(codec: .zstd, limit: 100)) { try decompressed(frame, .zstd, limit: 100) }
    }

    @Test func gzipWithALyingSizeTrailerStillStopsAtTheLimit() throws {
        var packed = try compressed(Samples.compressible(count: 500_000), .gzip)
        // ISIZE claims 10 bytes: libdeflate's fast path runs out of room and zlib takes over.
        packed.replaceSubrange((packed.count - 4)..., with: [10, 0, 0, 0])
        #expect(throws: CompressionError.outputLimitExceeded(codec: .gzip, limit: 100_000)) {
            try decompressed(packed, .gzip, limit: 100_000)
        }
    }
}

@Suite struct CorruptInputTests {
    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func everyTruncationThrows(codec: CompressionCodec) throws {
        let input = Samples.compressible(count: 3_000) + Samples.random(count: 500)
        let packed = try compressed(input, codec)
        for length in 0..<packed.count {
            #expect(throws: CompressionError.self, "\(codec) cut to \(length) of \(packed.count)") {
                try decompressed(Array(packed.prefix(length)), codec)
            }
        }
    }

    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func garbageThrows(codec: CompressionCodec) {
        for seed in 1...50 as ClosedRange<UInt64> {
            let garbage = Samples.random(count: Int(seed) * 7, seed: seed)
            #expect(throws: CompressionError.self) { try decompressed(garbage, codec) }
        }
        #expect(throws: CompressionError.self) { try decompressed([], codec) }
    }

    /// Flipped bits must never crash or run past the limit. Only gzip always notices them
    /// (its CRC-32 covers the content); snappy, lz4 and zstd frames as Kafka writes them carry
    /// no content checksum, so a flip can decode to different bytes.
    @Test(arguments: CompressionCodec.allCases.filter { $0 != .none })
    func flippedBitsNeverCrash(codec: CompressionCodec) throws {
        let input = Samples.compressible(count: 2_000)
        let packed = try compressed(input, codec)
        var generator = SplitMix64(seed: 99)
        for _ in 0..<300 {
            var damaged = packed
            let index = Int(generator.next() % UInt64(damaged.count))
            damaged[index] ^= UInt8(1) << (generator.next() % 8)
            guard let output = try? decompressed(damaged, codec, limit: 1 << 20) else { continue }
            #expect(output.count <= 1 << 20)
            if codec == .gzip { #expect(output == input, "flip at \(index) went unnoticed") }
        }
    }

    @Test func gzipTrailingGarbageIsAnError() throws {
        let packed = try compressed(Array("data".utf8), .gzip) + [0x00, 0x01, 0x02]
        #expect(throws: CompressionError.self) { try decompressed(packed, .gzip) }
    }
}
