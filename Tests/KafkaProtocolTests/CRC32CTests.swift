import KafkaProtocol
import NIOCore
import Testing

@Suite struct CRC32CTests {
    private static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { CRC32C.checksum($0) }
    }

    // Vectors from RFC 3720 (iSCSI) appendix B.4 and the usual "check" value.
    @Test func knownVectors() {
        #expect(Self.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(Self.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(Self.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(Self.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(Self.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
        #expect(Self.checksum([]) == 0)
    }

    @Test func softwareAndHardwareAgreeOnKnownVector() {
        let bytes = Array("123456789".utf8)
        bytes.withUnsafeBytes { raw in
            #expect(CRC32C.softwareChecksum(raw) == 0xE306_9283)
            #expect(CRC32C.hardwareChecksum(raw) == 0xE306_9283)
        }
    }

    @Test func hardwareMatchesSoftwareForEveryLengthAndAlignment() {
        var generator = CRCTestRandom(seed: 0xC0FFEE)
        let bytes = (0..<(1024 + 16)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        bytes.withUnsafeBytes { all in
            for start in 0..<8 {
                for length in 0...1024 {
                    let slice = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    let software = CRC32C.softwareChecksum(slice)
                    let hardware = CRC32C.hardwareChecksum(slice)
                    if software != hardware {
                        Issue.record("start \(start) length \(length): software \(software) hardware \(hardware)")
                        return
                    }
                    #expect(CRC32C.checksum(slice) == software)
                }
            }
        }
    }

    // Lengths past 3 * 8 KiB exercise the long interleaved blocks and their combination step.
    @Test func hardwareMatchesSoftwareOnLargeBuffers() {
        var generator = CRCTestRandom(seed: 42)
        let bytes = (0..<300_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        bytes.withUnsafeBytes { all in
            for length in [24_575, 24_576, 24_577, 49_152 + 769, 100_003, 299_993] {
                for start in [0, 3] {
                    let slice = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    #expect(CRC32C.hardwareChecksum(slice) == CRC32C.softwareChecksum(slice), "length \(length)")
                }
            }
        }
    }

    /// From 1 KiB up, CPUs with AVX-512 and VPCLMULQDQ fold 256 bytes a round with carry-less
    /// multiplication: every tail length after the 256-byte rounds and the 64-byte ones, with a
    /// CRC carried in, must give what the table gives.
    @Test func foldingMatchesSoftwareAcrossItsRoundsAndTails() {
        var generator = CRCTestRandom(seed: 7)
        let bytes = (0..<(2_400 + 8)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        bytes.withUnsafeBytes { all in
            for length in 1_000...2_400 {
                let start = length % 5
                let carried = UInt32(truncatingIfNeeded: length &* 2_654_435_761)
                let slice = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                let software = CRC32C.softwareChecksum(slice, continuing: carried)
                let hardware = CRC32C.hardwareChecksum(slice, continuing: carried)
                if software != hardware {
                    Issue.record("length \(length) from \(carried): software \(software) hardware \(hardware)")
                    return
                }
            }
        }
    }

    @Test func chainingEqualsOneShot() {
        let bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        bytes.withUnsafeBytes { raw in
            let whole = CRC32C.checksum(raw)
            for split in [0, 1, 7, 8, 769, 4999, 5000] {
                let first = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[..<split]))
                let both = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[split...]), continuing: first)
                #expect(both == whole, "split at \(split)")
            }
        }
    }

    @Test func byteBufferRange() {
        var buffer = ByteBuffer()
        buffer.writeString("xx123456789yy")
        buffer.moveReaderIndex(forwardBy: 5) // the range API ignores the reader index
        #expect(CRC32C.checksum(buffer, at: 2, length: 9) == 0xE306_9283)
        #expect(CRC32C.checksum(buffer, at: 5, length: 9) == nil)
        #expect(CRC32C.checksum(buffer, at: -1, length: 2) == nil)
        let slice = ByteBuffer(string: "..123456789").getSlice(at: 2, length: 9)!
        #expect(CRC32C.checksum(slice) == 0xE306_9283)
        #expect(CRC32C.checksum(slice, at: 0, length: 9) == 0xE306_9283)
    }
}

/// Deterministic, dependency-free generator for test data.
struct CRCTestRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
