import KafkaCompression
import NIOCore

/// Each decompressor on any bytes, within a 1 MiB bound (a decompression bomb must stop there);
/// what decompresses compresses and decompresses back to itself.
enum DecompressionTargets {
    static let limit = 1 << 20

    static let all: [FuzzTarget] = CompressionCodec.allCases.filter { $0 != .none }.map { codec in
        FuzzTarget(name: "decompress-\(codec)") { bytes in
            var output = ByteBuffer()
            guard (try? Compression.decompress(bytes, codec: codec, maxOutputBytes: limit, into: &output)) != nil else {
                require(output.readableBytes == 0, "a failed \(codec) decompression left \(output.readableBytes) bytes")
                return
            }
            require(output.readableBytes <= limit, "\(codec) wrote \(output.readableBytes) bytes past its bound")
            var compressed = ByteBuffer()
            do {
                try Compression.compress(output, codec: codec, into: &compressed)
            } catch {
                fatalError("fuzz invariant broken: \(codec) cannot compress \(output.readableBytes) bytes: \(error)")
            }
            var again = ByteBuffer()
            do {
                try Compression.decompress(compressed, codec: codec, maxOutputBytes: limit, into: &again)
            } catch {
                fatalError("fuzz invariant broken: \(codec) cannot decompress its own output: \(error)")
            }
            require(again == output, "\(codec) round trip changed the bytes")
        }
    }
}
