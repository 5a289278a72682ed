/// The order of the partitions panel: a stable radix sort of (key, partition id). The panel re-sorts
/// every refresh, and a comparison sort of a thousand rows was a quarter of a frame; this is linear,
/// and passes over digits that are the same in every row (most of them) cost one look each.
struct RowOrder {
    /// One row to place: its sort key, its partition id (ties), and where it came from.
    struct Entry {
        fileprivate var key: UInt64
        fileprivate var id: UInt32
        let index: Int32

        /// Keys are compared as numbers, ties by id, both ascending.
        init(key: Double, id: Int32, index: Int32) {
            // An order-preserving map of doubles onto unsigned integers: flip the sign bit of
            // positives, every bit of negatives.
            // -0 and 0 are one key (a descending sort negates zeros).
            let bits = (key == 0 ? 0 : key).bitPattern
            self.key = bits & (1 << 63) == 0 ? bits | (1 << 63) : ~bits
            self.id = UInt32(bitPattern: id) ^ 0x8000_0000
            self.index = index
        }

        /// Byte `digit` of (key, id), least significant first: four of the id, then eight of the key.
        @inline(__always)
        fileprivate func byte(_ digit: Int) -> Int {
            digit < 4
                ? Int(truncatingIfNeeded: (id &>> UInt32(truncatingIfNeeded: digit &* 8)) & 0xFF)
                : Int(truncatingIfNeeded: (key &>> UInt64(truncatingIfNeeded: (digit &- 4) &* 8)) & 0xFF)
        }
    }

    static func sorted(_ entries: [Entry]) -> [Entry] {
        guard entries.count > 1 else { return entries }
        let digits = 12
        // Every digit's histogram in one pass; a digit with one bucket holding every row is skipped.
        var counts = [Int](repeating: 0, count: digits * 256)
        var from = entries
        var to = entries
        counts.withUnsafeMutableBufferPointer { counts in
            from.withUnsafeBufferPointer { rows in
                for entry in rows {
                    var id = entry.id, key = entry.key
                    for digit in 0..<4 {
                        counts[digit &* 256 &+ Int(truncatingIfNeeded: id & 0xFF)] &+= 1
                        id &>>= 8
                    }
                    for digit in 4..<digits {
                        counts[digit &* 256 &+ Int(truncatingIfNeeded: key & 0xFF)] &+= 1
                        key &>>= 8
                    }
                }
            }
            for digit in 0..<digits {
                let base = digit * 256
                if counts[base + from[0].byte(digit)] == from.count { continue }
                var start = 0
                for bucket in 0..<256 {
                    let count = counts[base + bucket]
                    counts[base + bucket] = start
                    start += count
                }
                from.withUnsafeBufferPointer { source in
                    to.withUnsafeMutableBufferPointer { target in
                        for entry in source {
                            let slot = base &+ entry.byte(digit)
                            target[counts[slot]] = entry
                            counts[slot] &+= 1
                        }
                    }
                }
                swap(&from, &to)
            }
        }
        return from
    }
}
