/// A fixed-size histogram of durations with logarithmic buckets (about 4 % wide), from 1 µs to
/// about 1,100 s. Recording is O(1) with no allocation, so it can sit on hot paths; percentiles
/// are read from bucket upper bounds, accurate to a bucket's width.
public struct LatencyHistogram: Sendable {
    private static let bucketsPerDoubling = 16
    private static let bucketCount = 30 * bucketsPerDoubling + 1
    private var buckets = [UInt64](repeating: 0, count: LatencyHistogram.bucketCount)
    /// Durations recorded.
    public private(set) var count: UInt64 = 0
    /// The longest recorded, in ns; 0 when nothing was.
    public private(set) var maxNanoseconds: Int64 = 0
    /// The shortest recorded, in ns; `Int64.max` when nothing was.
    public private(set) var minNanoseconds: Int64 = .max
    /// The sum of every duration recorded, in ns (for the mean).
    public private(set) var totalNanoseconds: Int64 = 0

    /// An empty histogram.
    public init() {}

    /// Records one duration, in ns; anything under 1 µs counts as 1 µs.
    public mutating func record(nanoseconds: Int64) {
        let micros = max(Double(nanoseconds) / 1_000, 1)
        let index = min(Int((micros.log2() * Double(Self.bucketsPerDoubling)).rounded(.up)), Self.bucketCount - 1)
        buckets[index] &+= 1
        count &+= 1
        totalNanoseconds &+= nanoseconds
        if nanoseconds > maxNanoseconds { maxNanoseconds = nanoseconds }
        if nanoseconds < minNanoseconds { minNanoseconds = nanoseconds }
    }

    /// The mean in nanoseconds, or nil when nothing was recorded.
    public var meanNanoseconds: Int64? { count == 0 ? nil : totalNanoseconds / Int64(count) }

    /// What was recorded since `earlier` (a copy of this histogram taken before), one call per
    /// non-empty bucket with its upper bound and how many durations fell in it. A histogram
    /// that was reset meanwhile counts from zero.
    public func forEachSample(since earlier: LatencyHistogram, _ body: (_ nanoseconds: Int64, _ count: UInt64) -> Void) {
        let reset = earlier.count > count
        for index in 0..<buckets.count {
            let new = reset ? buckets[index] : buckets[index] &- earlier.buckets[index]
            guard new > 0 else { continue }
            let upperMicros = (Double(index) / Double(Self.bucketsPerDoubling)).exp2()
            body(min(Int64(upperMicros * 1_000), maxNanoseconds), new)
        }
    }

    /// The durations recorded since `earlier` (a copy of this histogram taken before), for
    /// percentiles over a recent window. A histogram reset meanwhile counts from zero. The window's
    /// largest duration is not known exactly: the maximum stays the all-time one, an upper bound.
    public func subtracting(_ earlier: LatencyHistogram) -> LatencyHistogram {
        guard earlier.count <= count else { return self }
        var delta = LatencyHistogram()
        for index in 0..<buckets.count { delta.buckets[index] = buckets[index] &- earlier.buckets[index] }
        delta.count = count &- earlier.count
        delta.totalNanoseconds = totalNanoseconds &- earlier.totalNanoseconds
        delta.maxNanoseconds = delta.count == 0 ? 0 : maxNanoseconds
        delta.minNanoseconds = delta.count == 0 ? .max : minNanoseconds
        return delta
    }

    /// Adds `other`'s durations, as if recorded here: per-partition histograms make a topic's.
    public mutating func merge(_ other: LatencyHistogram) {
        for i in 0..<buckets.count { buckets[i] &+= other.buckets[i] }
        count &+= other.count
        totalNanoseconds &+= other.totalNanoseconds
        maxNanoseconds = max(maxNanoseconds, other.maxNanoseconds)
        minNanoseconds = min(minNanoseconds, other.minNanoseconds)
    }

    /// Forgets everything recorded.
    public mutating func reset() { self = LatencyHistogram() }

    /// The duration at quantile `q` (0...1) in nanoseconds, or nil when nothing was recorded.
    public func quantileNanoseconds(_ q: Double) -> Int64? {
        guard count > 0 else { return nil }
        let rank = UInt64((Double(count) * min(max(q, 0), 1)).rounded(.up))
        var seen: UInt64 = 0
        for (index, bucketCount) in buckets.enumerated() where bucketCount > 0 {
            seen += bucketCount
            if seen >= max(rank, 1) {
                let upperMicros = (Double(index) / Double(Self.bucketsPerDoubling)).exp2()
                return min(Int64(upperMicros * 1_000), maxNanoseconds)
            }
        }
        return maxNanoseconds
    }

    /// ``quantileNanoseconds(_:)`` in milliseconds.
    public func quantileMilliseconds(_ q: Double) -> Double? {
        quantileNanoseconds(q).map { Double($0) / 1_000_000 }
    }
}

extension Double {
    fileprivate func log2() -> Double { Foundation_log2(self) }
    fileprivate func exp2() -> Double { Foundation_exp2(self) }
}

#if canImport(Glibc)
import Glibc
private func Foundation_log2(_ x: Double) -> Double { Glibc.log2(x) }
private func Foundation_exp2(_ x: Double) -> Double { Glibc.exp2(x) }
#elseif canImport(Darwin)
import Darwin
private func Foundation_log2(_ x: Double) -> Double { Darwin.log2(x) }
private func Foundation_exp2(_ x: Double) -> Double { Darwin.exp2(x) }
#endif
