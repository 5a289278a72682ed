import Testing
@testable import KafkaFast

@Suite struct Murmur2Tests {
    /// Vectors from the Java client's own murmur2 tests, cross-checked with kafka-python.
    @Test(arguments: [
        ("21", Int32(-973_932_308)),
        ("foobar", -790_332_482),
        ("a-little-bit-long-string", -985_981_536),
        ("a-little-bit-longer-string", -1_486_304_829),
        ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
        ("abc", 479_470_107),
        ("", 275_646_681),
    ])
    func matchesJavaVectors(_ key: String, _ expected: Int32) {
        #expect(Murmur2.hash(Array(key.utf8)) == expected)
    }

    @Test func hashesNonAsciiBytesUnsigned() {
        #expect(Murmur2.hash([0xFF, 0xFE, 0x80]) == -160_726_397)
    }

    @Test(arguments: [("21", Int32(4)), ("foobar", 6), ("a-little-bit-long-string", 0), ("abc", 3), ("", 1)])
    func picksJavasPartition(_ key: String, _ partition: Int32) {
        let bytes = Array(key.utf8)
        #expect(bytes.withUnsafeBytes { Murmur2.partition(forKey: $0, partitionCount: 8) } == partition)
    }
}
