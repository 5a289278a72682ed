/// Kafka's Java client hashes keys with murmur2 (seed 0x9747b28c); `murmur2_random` in
/// librdkafka and franz-go's KafkaHasher do the same, so a keyed message lands on the same
/// partition whichever of these clients produced it. Public so an application can tell in
/// advance where a key goes (to co-partition topics, or to read a key's partition directly).
public enum Murmur2 {
    /// The Java client's `Utils.murmur2` of `bytes`, bit for bit, as a signed 32-bit value.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let m: UInt32 = 0x5bd1_e995
        let length = bytes.count
        var h: UInt32 = 0x9747_b28c ^ UInt32(truncatingIfNeeded: length)
        let blocks = length / 4
        for block in 0..<blocks {
            var k = bytes.loadUnaligned(fromByteOffset: block * 4, as: UInt32.self).littleEndian
            k &*= m
            k ^= k >> 24
            k &*= m
            h &*= m
            h ^= k
        }
        let tail = blocks * 4
        switch length & 3 {
        case 3:
            h ^= UInt32(bytes[tail + 2]) << 16
            h ^= UInt32(bytes[tail + 1]) << 8
            h ^= UInt32(bytes[tail])
            h &*= m
        case 2:
            h ^= UInt32(bytes[tail + 1]) << 8
            h ^= UInt32(bytes[tail])
            h &*= m
        case 1:
            h ^= UInt32(bytes[tail])
            h &*= m
        default:
            break
        }
        h ^= h >> 13
        h &*= m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }

    /// The murmur2 hash of any bytes, for callers that do not hold a buffer (copies them first).
    public static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Int32 {
        let array = Array(bytes)
        return array.withUnsafeBytes { hash($0) }
    }

    /// The partition Java's default partitioner picks for a key: the hash with its sign bit
    /// cleared, modulo the partition count.
    public static func partition(forKey key: UnsafeRawBufferPointer, partitionCount: Int32) -> Int32 {
        (hash(key) & 0x7fff_ffff) % partitionCount
    }
}
