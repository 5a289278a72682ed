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

/// Sparkline history for every partition the producer reported.
public struct RateHistory: Sendable {
    public private(set) var samples: [TopicPartition: RateSamples] = [:]
    public private(set) var lastSampleMillis: Int64?

    public init() {}

    /// Takes one sample per whole second elapsed; a late tick repeats the current rate for the seconds it missed
    /// (capped at the window), so the sparkline keeps a steady time axis.
    public mutating func sampleIfDue(nowMillis: Int64, producer: ProducerSnapshot) {
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
        for (partition, stats) in producer.partitions {
            let rate = stats.throughput.messagesPerSecond
            // Changed in place: one hashed lookup per partition, and the ring is not copied.
            for _ in 0..<seconds { samples[partition, default: RateSamples()].record(rate) }
        }
    }
}
