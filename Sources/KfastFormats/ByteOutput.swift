#if canImport(Glibc)
import Glibc
#endif

/// Buffered bytes for standard output, written with write(2) in large pieces. A closed pipe
/// (`kfast consume | head`) is remembered, not fatal: the caller stops quietly.
///
/// The bytes go into memory of its own rather than an `[UInt8]`: appending to an array checks
/// its uniqueness and goes through the generic `append(contentsOf:)` for every piece, which for
/// `consume -f '%o\n'` (a number and a newline a message) cost more than the digits. Copies of a
/// `ByteOutput` share that memory; each is meant to have one owner that passes it `inout`.
package struct ByteOutput {
    private let storage: Storage
    package private(set) var pipeClosed = false
    private let fd: Int32
    private let flushThreshold: Int

    /// The buffer: `capacity` bytes at `base`, the first `count` of them waiting to be written.
    /// `@unchecked Sendable` as the array it replaces was: it is only touched through the
    /// `ByteOutput` that owns it, whose owner serializes its use (`inout`, or a lock around it).
    private final class Storage: @unchecked Sendable {
        let base: UnsafeMutableRawPointer
        let capacity: Int
        var count = 0

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(byteCount: capacity, alignment: 16)
        }

        deinit { base.deallocate() }
    }

    package init(fd: Int32 = 1, flushThreshold: Int = 256 * 1024) {
        self.fd = fd
        self.flushThreshold = max(flushThreshold, 1)
        storage = Storage(capacity: self.flushThreshold + 4096)
    }

    package mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    package mutating func append(_ byte: UInt8) {
        if storage.count == storage.capacity { flush() }
        storage.base.storeBytes(of: byte, toByteOffset: storage.count, as: UInt8.self)
        storage.count += 1
    }

    /// Copied into the buffer, which is written first when they do not fit; bytes larger than
    /// the whole buffer are written straight after it.
    package mutating func append(_ buffer: UnsafeRawBufferPointer) {
        guard let source = buffer.baseAddress, !buffer.isEmpty else { return }
        if buffer.count > storage.capacity - storage.count {
            flush()
            if buffer.count > storage.capacity {
                if !pipeClosed && !writeAll(buffer, to: fd) { pipeClosed = true }
                return
            }
        }
        (storage.base + storage.count).copyMemory(from: source, byteCount: buffer.count)
        storage.count += buffer.count
    }

    package mutating func append<Bytes: Sequence>(_ more: Bytes) where Bytes.Element == UInt8 {
        let copied: Void? = more.withContiguousStorageIfAvailable { append(UnsafeRawBufferPointer($0)) }
        if copied == nil {
            for byte in more { append(byte) }
        }
    }

    /// The digits are written straight into the buffer: `consume -f '%o\n'` prints little
    /// else, so this is most of its formatting. Concrete, not generic over `BinaryInteger`: a
    /// generic function of this module is not specialized for its callers in kfast, and its
    /// unspecialized form (every `%`, `/` and literal a protocol witness call) was 2,300
    /// instructions a number, more than all the rest of consuming a message.
    package mutating func append(decimal value: Int64) {
        // A sign and 19 digits at most.
        if storage.capacity - storage.count < 20 { flush() }
        let start = storage.base + storage.count
        var length = 0
        if value < 0 {
            start.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self)
            length = 1
        }
        var magnitude = value.magnitude
        var probe = magnitude
        repeat {
            length += 1
            probe /= 10
        } while probe > 0
        var position = length
        repeat {
            let (quotient, digit) = magnitude.quotientAndRemainder(dividingBy: 10)
            position -= 1
            start.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit), toByteOffset: position, as: UInt8.self)
            magnitude = quotient
        } while magnitude > 0
        storage.count += length
    }

    /// `append(decimal:)` of an `Int` (sizes, counts).
    package mutating func append(decimal value: Int) { append(decimal: Int64(value)) }

    /// `append(decimal:)` of an `Int32` (partitions, broker ids).
    package mutating func append(decimal value: Int32) { append(decimal: Int64(value)) }

    /// Writes once the buffer is large; call `flush()` when no more output is coming soon.
    package mutating func flushIfFull() {
        if storage.count >= flushThreshold { flush() }
    }

    package mutating func flush() {
        let count = storage.count
        guard count > 0 else { return }
        storage.count = 0
        guard !pipeClosed else { return }
        if !writeAll(UnsafeRawBufferPointer(start: storage.base, count: count), to: fd) { pipeClosed = true }
    }
}

/// Writes all of `buffer` to `fd` with write(2), again after an interrupted call; false when the
/// descriptor takes no more (a closed pipe, a full disk), which the caller reports its own way.
package func writeAll(_ buffer: UnsafeRawBufferPointer, to fd: Int32) -> Bool {
    var offset = 0
    while offset < buffer.count {
        let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if written > 0 {
            offset += written
        } else if written < 0 && errno == EINTR {
            continue
        } else {
            return false
        }
    }
    return true
}
