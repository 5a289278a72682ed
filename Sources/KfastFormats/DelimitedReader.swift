#if canImport(Glibc)
import Glibc
#endif

/// Records from a file descriptor, split at a delimiter, as raw bytes (kcat -P): nothing is
/// decoded, so every byte value arrives as it was read. A record that ends at the end of the
/// input without a delimiter is a record; the input ending right after a delimiter adds none.
public struct DelimitedReader {
    private let fd: Int32
    private let what: String
    private let delimiter: [UInt8]
    private var buffer: [UInt8] = []
    /// Where the unread bytes start in `buffer`.
    private var start = 0
    /// Where the search for the next delimiter resumes (bytes before it hold none).
    private var searched = 0
    private var atEnd = false
    /// Bytes read so far, for a progress display.
    public private(set) var bytesRead = 0
    private let chunk: Int

    /// Reads `fd` (not closed here); `what` names it in errors ("standard input", a path).
    public init(fd: Int32, what: String, delimiter: [UInt8], chunkSize: Int = 256 * 1024) {
        precondition(!delimiter.isEmpty, "an empty delimiter never matches")
        self.fd = fd
        self.what = what
        self.delimiter = delimiter
        self.chunk = chunkSize
    }

    /// The next record and the bytes it was read as (with its delimiter, for `-T`); nil at the end.
    public mutating func next() throws(InputError) -> (record: ArraySlice<UInt8>, raw: ArraySlice<UInt8>)? {
        while true {
            if let found = buffer[searched...].firstRange(of: delimiter) {
                let record = buffer[start..<found.lowerBound]
                let raw = buffer[start..<found.upperBound]
                start = found.upperBound
                searched = start
                return (record, raw)
            }
            // No delimiter in what is buffered; a delimiter could straddle the next read.
            searched = max(start, buffer.count - (delimiter.count - 1))
            if atEnd {
                guard start < buffer.count else { return nil }
                let record = buffer[start...]
                start = buffer.count
                searched = start
                return (record, record)
            }
            try fill()
        }
    }

    /// Reads more input after the unread bytes, moving those to the front first.
    private mutating func fill() throws(InputError) {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            searched -= start
            start = 0
        }
        let before = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        var count = 0
        while true {
            count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + before, chunk) }
            if count >= 0 || errno != EINTR { break }
        }
        guard count >= 0 else {
            let reason = String(cString: strerror(errno)).lowercased()
            buffer.removeSubrange(before...)
            throw .unreadable(what: what, reason: reason)
        }
        buffer.removeSubrange((before + count)...)
        bytesRead += count
        if count == 0 { atEnd = true }
    }
}

/// A whole file as one message's bytes (kcat -P FILE).
public enum WholeFile {
    public static func read(_ path: String) throws(InputError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(what: path, reason: String(cString: strerror(errno)).lowercased()) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var filled = 0
        while true {
            if bytes.count - filled < 64 * 1024 { bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 64 * 1024))) }
            let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .unreadable(what: path, reason: String(cString: strerror(errno)).lowercased()) }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        return bytes
    }
}
