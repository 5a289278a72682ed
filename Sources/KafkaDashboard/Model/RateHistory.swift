/// The last minute of a partition's msg/s, one sample a second, for the sparkline.
public struct RateSamples: Sendable, Equatable {
    public static let capacity = 60
    // A fixed array written in a circle: one allocation per partition for the dashboard's lifetime.
    private var values: [Float]
    private var next = 0
    public private(set) var count = 0

    public init() {
        values = [Float](repeating: 0, count: Self.capacity)
    }

    public mutating func record(_ value: Double) {
        values[next] = Float(max(0, value))
        next = (next + 1) % Self.capacity
        count = min(count + 1, Self.capacity)
    }

    /// The i-th newest sample counting back from the newest (0 = newest).
    public func sample(back index: Int) -> Float? {
        guard index >= 0 && index < count else { return nil }
        return values[(next - 1 - index + Self.capacity * 2) % Self.capacity]
    }

    /// The largest of the newest `window` samples.
    public func maximum(ofNewest window: Int) -> Float {
        var result: Float = 0
        for i in 0..<min(window, count) { result = max(result, sample(back: i)!) }
        return result
    }
}

/// One-second samples of a number per key (a partition's msg/s, a group's lag) over the last minute,
/// for sparklines.
public struct SampleHistory<Key: Hashable & Sendable>: Sendable {
    public private(set) var samples: [Key: RateSamples] = [:]
    public private(set) var lastSampleMillis: Int64?

    public init() {}

    /// Takes one sample per whole second elapsed; a late tick repeats the current value for the seconds
    /// it missed (capped at the window), so the sparkline keeps a steady time axis.
    public mutating func sampleIfDue(nowMillis: Int64, values: some Sequence<(Key, Double)>) {
        let seconds: Int
        if let last = lastSampleMillis {
            let elapsed = nowMillis - last
            guard elapsed >= 1000 else { return }
            seconds = Int(min(Int64(RateSamples.capacity), elapsed / 1000))
            lastSampleMillis = last + (elapsed / 1000) * 1000
        } else {
            seconds = 1
            lastSampleMillis = nowMillis
        }
        for (key, value) in values {
            // Changed in place: one hashed lookup per key, and the ring is not copied.
            for _ in 0..<seconds { samples[key, default: RateSamples()].record(value) }
        }
    }

    /// Drops the history of keys not in `keep` (groups that were deleted).
    public mutating func keepOnly(_ keep: Set<Key>) {
        guard samples.count > keep.count || samples.keys.contains(where: { !keep.contains($0) }) else { return }
        samples = samples.filter { keep.contains($0.key) }
    }
}

/// Sparkline history for every partition the producer reported.
public typealias RateHistory = SampleHistory<TopicPartition>

extension SampleHistory where Key == TopicPartition {
    public mutating func sampleIfDue(nowMillis: Int64, producer: ProducerSnapshot) {
        sampleIfDue(nowMillis: nowMillis, values: producer.partitions.lazy.map { ($0.key, $0.value.throughput.messagesPerSecond) })
    }
}
