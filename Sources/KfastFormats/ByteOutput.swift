#if canImport(Glibc)
import Glibc
#endif

/// Buffered bytes for standard output, written with write(2) in large pieces. A closed pipe
/// (`kfast consume | head`) is remembered, not fatal: the caller stops quietly.
package struct ByteOutput {
    private(set) var bytes: [UInt8] = []
    package private(set) var pipeClosed = false
    private let fd: Int32
    private let flushThreshold: Int

    package init(fd: Int32 = 1, flushThreshold: Int = 256 * 1024) {
        self.fd = fd
        self.flushThreshold = flushThreshold
        bytes.reserveCapacity(flushThreshold + 4096)
    }

    package mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    package mutating func append(_ byte: UInt8) { bytes.append(byte) }

    package mutating func append(_ buffer: UnsafeRawBufferPointer) { bytes.append(contentsOf: buffer) }

    package mutating func append<Bytes: Sequence>(_ more: Bytes) where Bytes.Element == UInt8 { bytes.append(contentsOf: more) }

    /// The digits are formed on the stack and appended in one piece: `consume -f '%o\n'` prints
    /// little else, so this is most of its formatting. Concrete, not generic over
    /// `BinaryInteger`: a generic function of this module is not specialized for its callers in
    /// kfast, and its unspecialized form (every `%`, `/` and literal a protocol witness call) was
    /// 2,300 instructions a number, more than all the rest of consuming a message.
    package mutating func append(decimal value: Int64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = value.magnitude
            var start = digits.count
            repeat {
                let (quotient, digit) = magnitude.quotientAndRemainder(dividingBy: 10)
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit)
                magnitude = quotient
            } while magnitude > 0
            if value < 0 {
                bytes.append(UInt8(ascii: "-"))
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// `append(decimal:)` of an `Int` (sizes, counts).
    package mutating func append(decimal value: Int) { append(decimal: Int64(value)) }

    /// `append(decimal:)` of an `Int32` (partitions, broker ids).
    package mutating func append(decimal value: Int32) { append(decimal: Int64(value)) }

    /// Writes once the buffer is large; call `flush()` when no more output is coming soon.
    package mutating func flushIfFull() {
        if bytes.count >= flushThreshold { flush() }
    }

    package mutating func flush() {
        guard !bytes.isEmpty else { return }
        defer { bytes.removeAll(keepingCapacity: true) }
        guard !pipeClosed else { return }
        let fd = self.fd
        if !bytes.withUnsafeBytes({ writeAll($0, to: fd) }) { pipeClosed = true }
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
