import DequeModule
import KafkaProtocol
import NIOConcurrencyHelpers
import NIOCore

/// Fetches a changing set of partitions, franz-go style: one *source* per leader broker sends
/// one Fetch at a time covering every assigned partition that broker leads, and hands the
/// decoded records to a single reader through `poll()`.
///
/// Using it for a consumer group:
///
///     let engine = FetchEngine(client: client)
///     // after SyncGroup: committed offsets, or nil -> auto.offset.reset
///     engine.assign([tp: committed.map { .offset($0) } ?? .beginning /* or .end per policy */])
///     while let chunk = try await engine.poll() {      // one reader task
///         for message in chunk.messages { process(message) }
///         // engine.position(of: chunk.topicPartition) == chunk.nextOffset now: commit it
///     }
///     // on rebalance: let processed = engine.revoke(lost)   -> commit `processed`, then rejoin
///
/// `position(of:)` is the next offset to hand out (last handed out + 1), which is what a group
/// commits once the chunks it polled are processed; `highWatermark(of:)` gives the lag.
/// Revoking drops buffered and in-flight data of those partitions at once; a chunk already
/// returned by `poll()` is the caller's. Memory is bounded by `queued.max.messages.kbytes`
/// plus one fetch response: a partition is not fetched again while its buffered data reaches
/// its share of that (at least `max.partition.fetch.bytes`), so a slow reader slows
/// fetching (see `partitionBufferLimit`). Errors that need the caller (an out-of-range offset with `auto.offset.reset=error`,
/// a deleted topic) are thrown by `poll()` once and that partition stops; a broker that is down
/// is retried with backoff and never thrown.
public final class FetchEngine: Sendable {
    package struct PartitionState {
        package let id: UInt64
        /// A start still to resolve through ListOffsets; nil once `fetchOffset` is valid.
        var pendingStart: StartPosition?
        var resolving = false
        var fetchOffset: Int64 = -1
        var position: Int64 = -1
        var highWatermark: Int64 = -1
        var logStartOffset: Int64 = -1
        /// nil while the leader must be looked up in fresh metadata.
        var leader: Int32?
        var inFlight = false
        /// Fetched bytes not yet handed out (decoding or waiting in `ready`).
        var buffered = 0
        /// An explicit start offset that has not been fetched successfully yet.
        var strictStart = false
        var stopped = false
        /// The position at which an end-of-partition chunk was last queued.
        var reportedEndAt: Int64 = -1
        /// Offsets jumped over by `skipAhead`, told in the partition's next chunk.
        var pendingSkipped: Int64 = 0
        /// Since when metadata has said the topic does not exist.
        var unknownTopicSince: NIODeadline?

        /// `skipAhead`: fetches from `target` on instead of `offset`, telling what was jumped over.
        mutating func skip(from offset: Int64, to target: Int64) {
            pendingSkipped += target - offset
            fetchOffset = target
        }
    }

    /// A source: a leader broker and one of its fetch connections (`fetch.connections.per.broker`).
    struct SourceKey: Hashable {
        let node: Int32
        let lane: Int
    }

    package struct State {
        package var partitions: [KafkaTopicPartition: PartitionState] = [:]
        var nextId: UInt64 = 1
        package var ready = Deque<FetchChunk>()
        package var errors = Deque<KafkaError>()
        var bufferedBytes = 0
        var reader: CheckedContinuation<Void, Never>?
        var sources: Set<SourceKey> = []
        var sourceWaiters: [SourceKey: CheckedContinuation<Void, Never>] = [:]
        /// Bumped by every wake-up, so a source that saw nothing to do and is about to wait
        /// can tell that something changed in between.
        var wakeGeneration: UInt64 = 0
        /// Consecutive failed fetches per broker; kept across source restarts (a failure drops
        /// the partitions' leaders, which ends the source until metadata finds them again).
        var failureStreaks: [Int32: RetryStreak] = [:]
        var maintenanceWaiter: CheckedContinuation<Void, Never>?
        var maintenanceRunning = false
        var maintenanceRequested = false
        var closed = false
    }

    let client: KafkaClient
    let settings: KafkaConsumerConfiguration
    package let state = NIOLockedValueBox(State())

    /// An engine on `client` (which it leaves open), fetching with `settings` or the client's `config.consumer`.
    public init(client: KafkaClient, settings: KafkaConsumerConfiguration? = nil) {
        self.client = client
        self.settings = settings ?? client.config.consumer
    }

    deinit { close() }

    // MARK: Assignment

    /// Starts fetching `starts`' partitions from their start positions. A partition already
    /// assigned starts over from its new position (a seek): what was buffered for it is dropped.
    public func assign(_ starts: [KafkaTopicPartition: StartPosition]) {
        guard !starts.isEmpty else { return }
        state.withLockedValue { state in
            guard !state.closed else { return }
            for (tp, start) in starts {
                if state.partitions[tp] != nil { Self.forget(tp, in: &state) }
                var partition = PartitionState(id: state.nextId)
                state.nextId += 1
                if case .offset(let offset, let strict) = start {
                    partition.fetchOffset = offset
                    partition.position = offset
                    partition.strictStart = strict
                } else {
                    partition.pendingStart = start
                }
                state.partitions[tp] = partition
            }
            state.maintenanceRequested = true
        }
        runMaintenance()
    }

    /// Stops fetching `partitions` and forgets them; returns their positions (next offset to
    /// hand out) where one was known, for a group to commit.
    @discardableResult
    public func revoke(_ partitions: some Sequence<KafkaTopicPartition>) -> [KafkaTopicPartition: Int64] {
        let (positions, wake) = state.withLockedValue { state in
            var positions: [KafkaTopicPartition: Int64] = [:]
            for tp in partitions {
                guard let partition = state.partitions[tp] else { continue }
                if partition.pendingStart == nil, partition.position >= 0 { positions[tp] = partition.position }
                Self.forget(tp, in: &state)
            }
            return (positions, Self.takeSourceWaiters(&state))
        }
        wake.forEach { $0.resume() }
        return positions
    }

    /// Revokes everything assigned.
    @discardableResult
    public func revokeAll() -> [KafkaTopicPartition: Int64] {
        revoke(assignment)
    }

    /// Removes a partition and whatever it has buffered. In-flight fetches for it are ignored
    /// when they return, because their assignment id no longer matches.
    private static func forget(_ tp: KafkaTopicPartition, in state: inout State) {
        guard let partition = state.partitions.removeValue(forKey: tp) else { return }
        state.bufferedBytes -= partition.buffered
        state.ready.removeAll { $0.assignmentId == partition.id }
    }

    /// The partitions assigned now, sorted.
    public var assignment: [KafkaTopicPartition] {
        state.withLockedValue { Array($0.partitions.keys) }.sorted()
    }

    /// The next offset `poll()` will hand out for `partition`; nil while its start is resolved.
    public func position(of partition: KafkaTopicPartition) -> Int64? {
        state.withLockedValue { state in
            state.partitions[partition].flatMap { $0.pendingStart == nil && $0.position >= 0 ? $0.position : nil }
        }
    }

    /// Every known position, for a commit.
    public func positions() -> [KafkaTopicPartition: Int64] {
        state.withLockedValue { state in
            state.partitions.compactMapValues { $0.pendingStart == nil && $0.position >= 0 ? $0.position : nil }
        }
    }

    /// The high watermark the last fetch of `partition` reported; nil before the first.
    public func highWatermark(of partition: KafkaTopicPartition) -> Int64? {
        state.withLockedValue { state in state.partitions[partition].flatMap { $0.highWatermark >= 0 ? $0.highWatermark : nil } }
    }

    /// High watermark minus position, when both are known.
    public func lag(of partition: KafkaTopicPartition) -> Int64? {
        state.withLockedValue { state in
            guard let p = state.partitions[partition], p.pendingStart == nil, p.position >= 0, p.highWatermark >= 0 else { return nil }
            return max(p.highWatermark - p.position, 0)
        }
    }

    /// Bytes fetched and not yet handed out.
    public var bufferedBytes: Int { state.withLockedValue { $0.bufferedBytes } }

    // MARK: Reading

    /// The next chunk, waiting for one; nil once the engine is closed or the calling task is
    /// cancelled. Throws a partition's error (that partition has stopped); poll again to go on.
    /// One reader at a time.
    public func poll() async throws(KafkaError) -> FetchChunk? {
        while true {
            enum Next { case chunk(FetchChunk), error(KafkaError), closed, wait }
            let (next, wake) = state.withLockedValue { state -> (Next, [CheckedContinuation<Void, Never>]) in
                if state.closed { return (.closed, []) }
                if let error = state.errors.popFirst() { return (.error(error), []) }
                guard let chunk = state.ready.popFirst() else { return (.wait, []) }
                state.bufferedBytes -= chunk.bufferedBytes
                var wake: [CheckedContinuation<Void, Never>] = []
                if var partition = state.partitions[chunk.topicPartition], partition.id == chunk.assignmentId {
                    let wasFull = partition.buffered >= partitionBufferLimit(state)
                    partition.buffered -= chunk.bufferedBytes
                    partition.position = chunk.nextOffset
                    state.partitions[chunk.topicPartition] = partition
                    if wasFull || state.bufferedBytes + chunk.bufferedBytes >= queueLimit {
                        wake = Self.takeSourceWaiters(&state)
                    }
                }
                return (.chunk(chunk), wake)
            }
            wake.forEach { $0.resume() }
            switch next {
            case .chunk(let chunk): return chunk
            case .error(let error): throw error
            case .closed: return nil
            case .wait:
                if Task.isCancelled { return nil }
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow = state.withLockedValue { state -> Bool in
                            if state.closed || !state.ready.isEmpty || !state.errors.isEmpty { return true }
                            state.reader = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    state.withLockedValue { state in
                        defer { state.reader = nil }
                        return state.reader
                    }?.resume()
                }
                if Task.isCancelled { return nil }
            }
        }
    }

    /// Stops every source and wakes the reader (its `poll()` returns nil). The client stays open.
    public func close() {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            guard !state.closed else { return [] }
            state.closed = true
            state.partitions.removeAll()
            state.ready.removeAll()
            state.bufferedBytes = 0
            var waiters = Self.takeSourceWaiters(&state)
            if let reader = state.reader { waiters.append(reader) }
            if let maintenance = state.maintenanceWaiter { waiters.append(maintenance) }
            state.reader = nil
            state.maintenanceWaiter = nil
            return waiters
        }
        waiters.forEach { $0.resume() }
    }

    var queueLimit: Int { settings.queuedMaxKilobytes * 1024 }

    /// Which of its leader's fetch connections a partition is fetched on: always the same one,
    /// with a topic's partitions taken in turn.
    func lane(of tp: KafkaTopicPartition) -> Int {
        let lanes = settings.connectionsPerBroker
        guard lanes > 1 else { return 0 }
        return (Int(tp.partition) &+ (tp.topic.hashValue & 0xFFFF)) % lanes
    }

    /// A partition is not fetched again while it holds this much unread data: its share of the
    /// buffer, and at least one `max.partition.fetch.bytes`. A share larger than one fetch keeps
    /// partitions with data in every request while the reader catches up; a request made only of
    /// partitions at their end would wait `fetch.wait.max.ms` at the broker for nothing.
    func partitionBufferLimit(_ state: State) -> Int {
        max(settings.maxPartitionFetchBytes, queueLimit / max(state.partitions.count, 1))
    }

    // MARK: Shared helpers for sources and maintenance

    static func takeSourceWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        state.wakeGeneration &+= 1
        defer { state.sourceWaiters.removeAll() }
        return Array(state.sourceWaiters.values)
    }

    /// Queues a chunk for the reader (under the lock); returns the reader to wake, if waiting.
    static func enqueue(_ chunk: FetchChunk, in state: inout State) -> CheckedContinuation<Void, Never>? {
        state.ready.append(chunk)
        defer { state.reader = nil }
        return state.reader
    }

    /// Stops a partition with an error for the reader.
    static func fail(_ tp: KafkaTopicPartition, id: UInt64, _ error: KafkaError, in state: inout State) -> CheckedContinuation<Void, Never>? {
        guard var partition = state.partitions[tp], partition.id == id, !partition.stopped else { return nil }
        partition.stopped = true
        partition.inFlight = false
        state.partitions[tp] = partition
        state.errors.append(error)
        defer { state.reader = nil }
        return state.reader
    }
}
