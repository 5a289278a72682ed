import KafkaFast

/// How much a tail reads: a share of the pane's rows per interval, and fetches sized to match.
struct TailPace {
    /// One refresh at the default rate: the pane's rows arrive in about screen-sized steps.
    static let intervalMillis = 250
    static let interval = Duration.milliseconds(intervalMillis)
    /// Small fetches: a tail shows about 60 rows a refresh, so a partition's megabyte (the default)
    /// would be read only to be thrown away. A batch always comes whole, and a flat-out producer's
    /// batches are up to a megabyte each: the small answer limit makes an answer carry about one
    /// partition's batch (the engine rotates which), while the others only report where their end
    /// is, which is all a skip ahead needs. (noida ignores both limits; far behind, the engine asks
    /// where the end is before it fetches.)
    static let partitionFetchBytes = 16 * 1024
    static let fetchBytes = 64 * 1024

    /// Messages handed over per interval: half the pane's budget, about a screen a refresh (62 of
    /// the default 500 a second). Half, so the pane's one-second window can stretch to two (late
    /// ticks on a loaded machine) before the pane would thin messages that are being paged through.
    let perInterval: Int

    init(messagesPerSecond: Int) {
        perInterval = max(1, messagesPerSecond / 2 * Self.intervalMillis / 1000)
    }

    /// The client's consumer settings, fetching for the pane. Following, a partition more than an
    /// interval's worth behind jumps to an interval's worth before its end, so one answer fills a
    /// refresh; paging, everything is read in order. The buffer ahead of the pane is one small answer,
    /// so the pane's pace is the fetching's pace.
    func settings(from base: KafkaConsumerConfiguration, sampling: Bool) -> KafkaConsumerConfiguration {
        var settings = base
        settings.maxPartitionFetchBytes = min(base.maxPartitionFetchBytes, Self.partitionFetchBytes)
        settings.fetchMaxBytes = min(base.fetchMaxBytes, Self.fetchBytes)
        settings.queuedMaxKilobytes = 1
        // An idle tail asks about once an interval.
        settings.fetchWaitMax = min(base.fetchWaitMax, .milliseconds(Self.intervalMillis))
        // A log truncated under the tail goes on from what is left.
        settings.autoOffsetReset = .earliest
        settings.skipAhead = sampling ? SkipAhead(maxLag: Int64(perInterval), resumeLag: Int64(perInterval)) : nil
        return settings
    }
}

/// Room for `perInterval` messages per interval; asking once it is used up sleeps into the next one.
struct TailPacer {
    let perInterval: Int
    let interval: Duration
    private var windowStart = ContinuousClock.now
    private var used = 0

    init(perInterval: Int, interval: Duration) {
        self.perInterval = max(1, perInterval)
        self.interval = interval
    }

    mutating func room() async throws -> Int {
        if used >= perInterval { try await Task.sleep(until: windowStart + interval) }
        let now = ContinuousClock.now
        if now - windowStart >= interval {
            windowStart = now
            used = 0
        }
        return perInterval - used
    }

    mutating func take(_ count: Int) { used += count }
}
