import CDeflate
import CLZ4
import CZstd
@_spi(Benchmarks) import KafkaCompression
import KafkaProtocol
import NIOCore

/// The benchmark sections; each returns its measurements.
struct Benchmarks {
    let harness: Harness
    let progress: (String) -> Void

    static let recordsPerBatch = 1000
    static let baseTimestamp: Int64 = 1_700_000_000_000

    /// The numbers 0...277 joined by commas: 1,001 bytes of text that compresses well.
    let textPayload = Array((0...277).map(String.init).joined(separator: ",").utf8)
    /// 1,000 different 1 KiB random values, so nothing repeats across records either.
    let randomPool = randomBytes(recordsPerBatch * 1024, seed: 2)

    // MARK: CRC-32C

    func crc() -> [Measurement] {
        progress("measuring CRC-32C...")
        let input = randomBytes(1 << 20, seed: 1)
        return input.withUnsafeBytes { buffer in
            var measured: [Measurement] = []
            func add(_ name: String, _ bytes: UnsafeRawBufferPointer, _ checksum: (UnsafeRawBufferPointer) -> UInt32) {
                let seconds = harness.secondsPerIteration { consume(checksum(bytes)) }
                measured.append(Measurement(group: "crc32c", name: name, value: Double(bytes.count) / 1e9 / seconds, unit: "GB/s"))
            }
            if CRC32C.isHardwareAccelerated {
                add("hardware, 1 MiB", buffer) { CRC32C.hardwareChecksum($0) }
                add("hardware, 16 KiB", UnsafeRawBufferPointer(rebasing: buffer[..<16_384])) { CRC32C.hardwareChecksum($0) }
            }
            add("software, 1 MiB", buffer) { CRC32C.softwareChecksum($0) }
            return measured
        }
    }

    // MARK: Record batches

    func fill(_ builder: inout RecordBatchBuilder, random: Bool) {
        if random {
            randomPool.withUnsafeBytes { pool in
                for index in 0..<Self.recordsPerBatch {
                    let value = UnsafeRawBufferPointer(rebasing: pool[(index * 1024)..<((index + 1) * 1024)])
                    builder.append(key: nil, value: value, timestamp: Self.baseTimestamp + Int64(index))
                }
            }
        } else {
            textPayload.withUnsafeBytes { value in
                for index in 0..<Self.recordsPerBatch {
                    builder.append(key: nil, value: value, timestamp: Self.baseTimestamp + Int64(index))
                }
            }
        }
    }

    /// Encode (append 1,000 records + finish) and decode (read + decode all records) per codec.
    func batches() throws -> [Measurement] {
        var measured: [Measurement] = []
        for random in [false, true] {
            let variant = random ? "random 1 KiB values" : "text 1 KiB values"
            progress("measuring record batches, \(variant)...")
            var encodes: [Measurement] = []
            var decodes: [Measurement] = []
            for codec in CompressionCodec.allCases {
                var builder = RecordBatchBuilder(initialCapacity: 1_200_000)
                var blob = ByteBuffer()
                blob.reserveCapacity(1_200_000)
                var finished: FinishedRecordBatch?
                let encode = try harness.secondsPerIteration {
                    builder.reset()
                    blob.clear()
                    fill(&builder, random: random)
                    finished = try builder.finish(codec: codec, into: &blob)
                }
                var records: [Record] = []
                records.reserveCapacity(Self.recordsPerBatch)
                let decode = try harness.secondsPerIteration {
                    var reader = RecordBatchReader(blob)
                    while let batch = try reader.next() {
                        records.removeAll(keepingCapacity: true)
                        try batch.appendRecords(to: &records)
                    }
                    precondition(records.count == Self.recordsPerBatch)
                    consume(records)
                }
                let batchBytes = Double(finished?.byteCount ?? 0)
                let detail = [("batch bytes", batchBytes), ("ratio", Double(finished?.uncompressedRecordsBytes ?? 0) / batchBytes)]
                let name = codec.name + (finished?.codec != codec ? " (kept uncompressed)" : "")
                let perSecond = Double(Self.recordsPerBatch)
                encodes.append(Measurement(group: "batch encode, \(variant)", name: name, value: perSecond / encode, unit: "records/s", detail: detail))
                decodes.append(Measurement(group: "batch decode, \(variant)", name: name, value: perSecond / decode, unit: "records/s", detail: detail))
            }
            measured += encodes + decodes
        }
        return measured
    }

    // MARK: gzip: zlib vs libdeflate

    func gzip() throws -> [Measurement] {
        progress("measuring gzip implementations...")
        var measured: [Measurement] = []
        for (inputName, input) in [("records text", recordsSection()), ("random", randomPool)] {
            for level in [1, 6, 9] {
                let group = "gzip level \(level), \(inputName) (\(input.count / 1000) KB)"
                var zlibOutput: [UInt8] = []
                for implementation in GzipImplementation.allCases {
                    var output = ByteBuffer()
                    let seconds = try input.withUnsafeBytes { raw in
                        try harness.secondsPerIteration {
                            output.clear()
                            try Compression.compressGzip(raw, level: level, using: implementation, into: &output)
                        }
                    }
                    if implementation == .zlib { zlibOutput = Array(output.readableBytesView) }
                    measured.append(Measurement(
                        group: group, name: "compress \(implementation.rawValue)", value: Double(input.count) / 1e6 / seconds,
                        unit: "MB/s", detail: [("output bytes", Double(output.readableBytes))]
                    ))
                }
                // Both decoders read the same (zlib-written) member.
                for implementation in GzipImplementation.allCases {
                    var output = ByteBuffer()
                    let seconds = try zlibOutput.withUnsafeBytes { raw in
                        try harness.secondsPerIteration {
                            output.clear()
                            try Compression.decompressGzip(raw, maxOutputBytes: 1 << 24, using: implementation, into: &output)
                        }
                    }
                    measured.append(Measurement(
                        group: group, name: "decompress \(implementation.rawValue)", value: Double(input.count) / 1e6 / seconds, unit: "MB/s"
                    ))
                }
            }
        }
        return measured
    }

    /// The uncompressed records section of the text batch: what `finish` hands the compressor.
    func recordsSection() -> [UInt8] {
        var builder = RecordBatchBuilder(initialCapacity: 1_200_000)
        fill(&builder, random: false)
        var batch = ByteBuffer()
        try! builder.finish(into: &batch)
        return Array(batch.readableBytesView.dropFirst(61))
    }

    // MARK: Per-thread context reuse

    /// Our calls (per-thread contexts) against the libraries' one-shot calls that set up a
    /// context every time, on a 16 KiB slice of the text records: a small batch, where setup matters most.
    func contexts() throws -> [Measurement] {
        progress("measuring codec context reuse...")
        let input = Array(recordsSection().prefix(16_384))
        var zstdFrame = ByteBuffer()
        try Compression.compress(ByteBuffer(bytes: input), codec: .zstd, into: &zstdFrame)
        let frame = Array(zstdFrame.readableBytesView)
        var scratch = [UInt8](repeating: 0, count: 64 << 10)
        var output = ByteBuffer()
        output.reserveCapacity(64 << 10)
        var measured: [Measurement] = []
        func compare(_ name: String, reused: () throws -> Void, fresh: () -> Void) rethrows {
            let reusedSeconds = try harness.secondsPerIteration(reused)
            let freshSeconds = harness.secondsPerIteration(fresh)
            measured.append(Measurement(
                group: "16 KiB batch: per-thread context vs one-shot call", name: name, value: freshSeconds / reusedSeconds,
                unit: "x faster reused", detail: [("reused us", reusedSeconds * 1e6), ("one-shot us", freshSeconds * 1e6)]
            ))
        }
        try input.withUnsafeBytes { input in
            try compare("zstd compress (level 3)", reused: {
                output.clear()
                try Compression.compress(input, codec: .zstd, into: &output)
            }, fresh: {
                consume(scratch.withUnsafeMutableBytes { ZSTD_compress($0.baseAddress, $0.count, input.baseAddress, input.count, 3) })
            })
            try frame.withUnsafeBytes { frame in
                try compare("zstd decompress", reused: {
                    output.clear()
                    try Compression.decompress(frame, codec: .zstd, maxOutputBytes: 1 << 20, into: &output)
                }, fresh: {
                    consume(scratch.withUnsafeMutableBytes { ZSTD_decompress($0.baseAddress, $0.count, frame.baseAddress, frame.count) })
                })
            }
            try compare("gzip compress (libdeflate, level 6)", reused: {
                output.clear()
                try Compression.compress(input, codec: .gzip, into: &output)
            }, fresh: {
                let compressor = libdeflate_alloc_compressor(6)
                consume(scratch.withUnsafeMutableBytes {
                    libdeflate_gzip_compress(compressor, input.baseAddress, input.count, $0.baseAddress, $0.count)
                })
                libdeflate_free_compressor(compressor)
            })
            try compare("lz4 compress (fast)", reused: {
                output.clear()
                try Compression.compress(input, codec: .lz4, into: &output)
            }, fresh: {
                var preferences = LZ4F_preferences_t()
                preferences.frameInfo.blockMode = LZ4F_blockIndependent
                consume(scratch.withUnsafeMutableBytes {
                    LZ4F_compressFrame($0.baseAddress, $0.count, input.baseAddress, input.count, &preferences)
                })
            })
        }
        return measured
    }
}

func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    for index in 0..<count {
        // xorshift64*: plenty for incompressible filler.
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        bytes[index] = UInt8(truncatingIfNeeded: (state &* 0x2545_F491_4F6C_DD1D) >> 56)
    }
    return bytes
}
