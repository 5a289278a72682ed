/// Where background tasks leave events for the UI loop. Posting never waits on the UI, and the UI
/// takes everything at once each turn of its loop.
final class EventInbox: Sendable {
    private let events = LockedValue<[DashboardEvent]>([])

    func post(_ event: DashboardEvent) {
        events.withLock { $0.append(event) }
    }

    func drain() -> [DashboardEvent] {
        events.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
    }
}

/// Collects tail batches between two UI turns, holding at most `limit` messages (the newest) and counting
/// all of them, so a flood costs bounded memory and the pane can say how much it sampled.
final class TailCollector: Sendable {
    struct Pending {
        var generation = 0
        var messages: [ConsumedMessage] = []
        var received = 0
        var skipped: Int64 = 0
        var paused = false
    }

    private let pending = LockedValue(Pending())
    let limit: Int

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Starts collecting for a new tail; batches of older generations are ignored from now on.
    func reset(generation: Int) {
        pending.withLock { $0 = Pending(generation: generation, paused: $0.paused) }
    }

    func setPaused(_ paused: Bool) {
        pending.withLock { $0.paused = paused }
    }

    var isPaused: Bool { pending.withLock { $0.paused } }

    func post(_ batch: TailBatch, generation: Int) {
        pending.withLock { state in
            guard generation == state.generation else { return }
            state.received += batch.received
            state.skipped += batch.skipped
            state.messages.append(contentsOf: batch.messages.suffix(limit))
            if state.messages.count > limit { state.messages.removeFirst(state.messages.count - limit) }
        }
    }

    /// Everything collected since the last call, or nil if nothing arrived.
    func drain() -> (generation: Int, messages: [ConsumedMessage], received: Int, skipped: Int64)? {
        pending.withLock { state in
            guard state.received > 0 || state.skipped > 0 else { return nil }
            defer {
                state.messages.removeAll(keepingCapacity: true)
                state.received = 0
                state.skipped = 0
            }
            return (state.generation, state.messages, state.received, state.skipped)
        }
    }
}
