import KafkaFast
import KfastFormats

#if canImport(Glibc)
import Glibc
#endif

/// `kfast produce --json`'s envelope reader: any line parses or says why in one line.
enum EnvelopeTarget {
    static let target = FuzzTarget(name: "produce-json") { bytes in
        do throws(InputError) {
            let message = try Envelope.parse(Array(bytes), extraHeaders: [MessageHeader("x", nil)], defaultPartition: 3)
            require(message.partition.map { $0 >= 0 } ?? true, "a negative partition from an envelope")
            require(message.headers.last == MessageHeader("x", nil), "the extra header was lost")
        } catch {
            require(!error.description.contains("\n"), "an error of more than one line")
        }
    }
}

/// `kfast produce`'s raw input splitting: the first bytes give a delimiter (1-4 bytes), the
/// rest is written to a pipe and read back split. The records, joined with the delimiter, are the
/// input again, and none holds the delimiter.
enum DelimitedInputTarget {
    static let target = FuzzTarget(name: "delimited-input") { bytes in
        var input = FuzzInput(bytes)
        let delimiter = (0..<input.int(in: 1...4)).map { _ in input.byte() }
        let data = Array(input.rest().readableBytesView)
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { fatalError("no pipe: \(errno)") }
        let written = data.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
        close(ends[1])
        defer { close(ends[0]) }
        guard written == data.count else { return }  // more than a pipe holds: not this target's concern
        var reader = DelimitedReader(fd: ends[0], what: "the pipe", delimiter: delimiter, chunkSize: 7)
        var joined: [UInt8] = []
        var sawEnd = false
        while let (record, raw) = try? reader.next() {
            require(!sawEnd, "a record after one that ended the input")
            require(record.firstRange(of: delimiter) == nil, "a record holds its delimiter")
            joined += raw
            if raw.count == record.count { sawEnd = true }
        }
        require(joined == data, "the records are not the input")
    }
}
