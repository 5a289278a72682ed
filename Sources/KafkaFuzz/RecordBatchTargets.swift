import KafkaCompression
import KafkaProtocol
import NIOCore

/// The RecordBatch reader in every codec. The first input byte says whether to mend each batch's
/// CRC after forcing its codec bits to the target's codec (so mutations reach the decompressor
/// and the record parser rather than stop at the checksum) and whether to verify CRCs at all;
/// the rest is a Fetch answer's records blob. Each batch that decodes is built again with
/// `RecordBatchBuilder` and must read back to the same records.
enum RecordBatchTargets {
    static let all: [FuzzTarget] = CompressionCodec.allCases.map { codec in
        FuzzTarget(name: "record-batch-\(codec)") { bytes in
            var input = FuzzInput(bytes)
            let flags = input.byte()
            var blob = input.rest()
            if flags & 1 == 1 { mendBatches(&blob, codec: codec) }
            var reader = RecordBatchReader(blob, verifyChecksums: flags & 2 == 0)
            while true {
                let batch: RecordBatch
                do {
                    guard let next = try reader.next() else { break }
                    batch = next
                } catch {
                    continue  // a bad batch is reported and stepped over when its length allows
                }
                check(batch, codec: codec)
            }
        }
    }

    /// Sets every complete batch's codec bits and fills in its CRC-32C (over attributes...end).
    static func mendBatches(_ blob: inout ByteBuffer, codec: CompressionCodec) {
        var at = blob.readerIndex
        while let length = blob.getInteger(at: at + 8, as: Int32.self), length >= 49, at + 12 + Int(length) <= blob.writerIndex {
            let end = at + 12 + Int(length)
            if let attributes = blob.getInteger(at: at + 21, as: Int16.self) {
                blob.setInteger(attributes & ~0x07 | Int16(codec.rawValue), at: at + 21)
            }
            if let crc = CRC32C.checksum(blob, at: at + 21, length: end - at - 21) { blob.setInteger(crc, at: at + 17) }
            at = end
        }
    }

    static func check(_ batch: RecordBatch, codec: CompressionCodec) {
        guard let records = try? batch.records(maxDecompressedBytes: 1 << 20) else { return }
        for record in records {
            require(record.offset >= batch.baseOffset && record.offset <= batch.lastOffset,
                    "record offset \(record.offset) outside its batch \(batch.baseOffset)...\(batch.lastOffset)")
        }
        guard !records.isEmpty else { return }
        var builder = RecordBatchBuilder(initialCapacity: 256)
        for record in records {
            builder.append(key: record.key, value: record.value, headers: record.headers, timestamp: record.timestamp)
        }
        var rebuilt = ByteBuffer()
        do {
            try builder.finish(codec: codec, into: &rebuilt)
        } catch {
            fatalError("fuzz invariant broken: records that decoded do not build into a \(codec) batch: \(error)")
        }
        let again: [Record]
        do {
            var rereader = RecordBatchReader(rebuilt)
            guard let read = try rereader.next() else { fatalError("fuzz invariant broken: a rebuilt batch is not read") }
            again = try read.records()
        } catch {
            fatalError("fuzz invariant broken: a rebuilt \(codec) batch does not read back: \(error)")
        }
        require(again.count == records.count, "a rebuilt batch holds \(again.count) records of \(records.count)")
        for (first, second) in zip(records, again) {
            require(first.key == second.key && first.value == second.value, "a record's key or value changed in a rebuild")
            require(first.headers.map(\.key) == second.headers.map(\.key) && first.headers.map(\.value) == second.headers.map(\.value),
                    "a record's headers changed in a rebuild")
        }
    }
}
