import CCRC32C
import NIOCore

/// CRC-32C (Castagnoli), the checksum of v2 record batches.
///
/// Uses the SSE4.2 `crc32` instruction when the CPU has it (three interleaved streams), from
/// 1 KiB up carry-less multiplication folding when it also has AVX-512 and VPCLMULQDQ (about
/// twice as fast again), and a slicing-by-8 table otherwise. Checksums chain like zlib's `crc32`:
/// pass the previous result as `continuing` to checksum data that arrives in pieces.
public enum CRC32C {
    /// Whether `checksum` runs on the `crc32` instruction.
    public static var isHardwareAccelerated: Bool { kf_crc32c_hardware_available() != 0 }

    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        kf_crc32c(crc, bytes.baseAddress, bytes.count)
    }

    /// Checksums `length` bytes of `buffer` starting at absolute index `index` (reader index ignored).
    /// Returns nil when the range is not inside the buffer's readable-or-written bytes.
    @inlinable
    public static func checksum(_ buffer: ByteBuffer, at index: Int, length: Int, continuing crc: UInt32 = 0) -> UInt32? {
        guard index >= 0, length >= 0, index <= buffer.writerIndex - length else { return nil }
        return buffer.withVeryUnsafeBytes { whole in
            kf_crc32c(crc, whole.baseAddress.map { $0 + index }, length)
        }
    }

    /// Checksums the readable bytes of `buffer`.
    @inlinable
    public static func checksum(_ buffer: ByteBuffer, continuing crc: UInt32 = 0) -> UInt32 {
        buffer.withUnsafeReadableBytes { kf_crc32c(crc, $0.baseAddress, $0.count) }
    }

    /// The portable table implementation, whatever the CPU (for tests and benchmarks).
    public static func softwareChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        kf_crc32c_software(crc, bytes.baseAddress, bytes.count)
    }

    /// The `crc32` instruction path; falls back to software when `isHardwareAccelerated` is false.
    public static func hardwareChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        kf_crc32c_hardware(crc, bytes.baseAddress, bytes.count)
    }
}
