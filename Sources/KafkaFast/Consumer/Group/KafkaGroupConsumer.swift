import KafkaProtocol
import NIOConcurrencyHelpers

/// The group consumer: a member of a consumer group (Kafka's classic group protocol) that
/// consumes the partitions the group assigns it, commits what was processed and hands partitions
/// over on rebalance. Run several processes (or several of these) with one `group` and the
/// topics' partitions are split among them; one that stops, the others take over its share.
/// At-least-once: offsets are committed only after the application has processed the messages
/// before them, so a member that dies loses nothing (and the next owner may see a few again).
///
///     let consumer = try KafkaGroupConsumer(group: "billing", topics: ["orders"], config: config)
///     for try await message in consumer.messages { handle(message) }   // or run(workers:handler:)
///     await consumer.close()   // commits and leaves the group
///
/// Auto-commit (`enable.auto.commit`, every `auto.commit.interval.ms`) and `commit()` commit
/// the messages processed: with `messages`, every message handed out before the current one;
/// with `run(workers:handler:)`, every message whose handler returned.
///
/// Thread-safe. Logs its way into the group, its assignments and rebalances through
/// ``KafkaConfiguration/logger``; ``status`` says at any time what the member is doing. As a
/// swift-service-lifecycle `Service`, a graceful shutdown commits and leaves the group. See
/// <doc:ConsumingAndGroups>.
public final class KafkaGroupConsumer: Sendable {
    /// The member's own client: a JoinGroup the coordinator holds open must not hold up another
    /// member's requests on a shared connection. Closed with the consumer.
    public let client: KafkaClient
    /// The consumer group (`group.id`).
    public let group: String
    /// The topics the member subscribes to; the group's leader splits their partitions among the members.
    public let topics: [String]
    let engine: FetchEngine
    let member: GroupMember
    let offsets = ProcessedOffsets()
    let settings: KafkaConsumerConfiguration

    private struct Lifecycle {
        var membership: Task<Void, Never>?
        var autoCommit: Task<Void, Never>?
        var watchdog: Task<Void, Never>?
        var failure: KafkaError?
        var closed = false
        var assignmentListeners: [@Sendable (Set<KafkaTopicPartition>) -> Void] = []
    }

    private let lifecycle = NIOLockedValueBox(Lifecycle())

    /// Joins `group` for `topics` right away (in the background); messages flow once the group
    /// assigned partitions. `config.consumer` supplies the group settings (session timeout,
    /// heartbeat interval, assignors, auto-commit, `auto.offset.reset` for partitions without
    /// a committed offset).
    ///
    /// Throws ``KafkaError/Code-swift.struct/invalidConfiguration`` for an empty group or
    /// topic list, an assignor other than `range` and `roundrobin`, or settings a client refuses.
    /// Problems joining (no coordinator, a broker refusing) are not thrown: the member keeps
    /// trying, and ``status`` and ``waitUntilAssigned(timeout:)`` tell.
    public init(group: String, topics: [String], config: KafkaConfiguration) throws(KafkaError) {
        guard !group.isEmpty else { throw .invalidConfiguration("group.id is empty: name the consumer group") }
        guard !topics.isEmpty else { throw .invalidConfiguration("a group consumer needs at least one topic") }
        var assignors: [any PartitionAssignor] = []
        for name in config.consumer.partitionAssignmentStrategy {
            guard let assignor = PartitionAssignors.named(name) else {
                throw .invalidConfiguration("partition.assignment.strategy=\(name): supported are range and roundrobin")
            }
            assignors.append(assignor)
        }
        // Its own client: a JoinGroup held open by the coordinator must not block another
        // member's requests on a shared connection.
        let client = try KafkaClient(config: config)
        self.client = client
        self.group = group
        self.topics = topics
        self.settings = config.consumer
        self.engine = FetchEngine(client: client)
        self.member = GroupMember(
            client: client, groupId: group, topics: topics,
            settings: GroupMemberSettings(
                sessionTimeoutMs: Int32(config.consumer.sessionTimeoutMs),
                rebalanceTimeoutMs: Int32(config.consumer.maxPollIntervalMs),
                heartbeatIntervalMs: config.consumer.heartbeatIntervalMs,
                groupInstanceId: config.consumer.groupInstanceId,
                assignors: assignors))
        start()
    }

    private func start() {
        let membership = Task { [member, engine] in
            do throws(KafkaError) {
                try await member.run(delegate: MembershipDelegate(consumer: self))
            } catch {
                self.lifecycle.withLockedValue { $0.failure = error }
                engine.close()
            }
        }
        var autoCommit: Task<Void, Never>?
        if settings.enableAutoCommit, settings.autoCommitIntervalMs > 0 {
            let interval = UInt64(settings.autoCommitIntervalMs) * 1_000_000
            autoCommit = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: interval)
                    guard let self, !Task.isCancelled else { return }
                    try? await self.commit()
                }
            }
        }
        // Once a second: a warning while the group takes longer than session.timeout.ms to form.
        let watchdog = Task { [watch = member.watch] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                watch.checkOverdue()
            }
        }
        lifecycle.withLockedValue { state in
            state.membership = membership
            state.autoCommit = autoCommit
            state.watchdog = watchdog
        }
    }

    /// The task that holds the membership until close (or failure); `Service.run()` waits on it.
    var membershipTask: Task<Void, Never>? { lifecycle.withLockedValue { $0.membership } }

    /// What the member is doing: joining (how long, the request under way, the last problem),
    /// a stable member, failed or closed. The dashboard and `kfast consume -g` show it.
    public var status: GroupConsumerStatus { member.watch.status }

    /// Waits until the group has formed and assigned this member its partitions (possibly
    /// none). Throws `groupNotFormed`, naming the coordinator and the last problem, when that
    /// takes longer than `timeout`; the member itself keeps trying until closed.
    public func waitUntilAssigned(timeout: Duration) async throws(KafkaError) {
        let ms = timeout.components.seconds * 1_000 + timeout.components.attoseconds / 1_000_000_000_000_000
        try await member.watch.waitUntilStable(timeoutMs: ms)
    }

    /// Whether every assigned partition has been processed up to the high watermark its last
    /// fetch reported (kcat's -e for a group). False before the first assignment, or while a
    /// partition's position or watermark is not known yet.
    public var hasReachedEnd: Bool {
        guard case .stable = status else { return false }
        for partition in offsets.assigned {
            guard let high = engine.highWatermark(of: partition),
                  let next = offsets.next(of: partition) ?? engine.position(of: partition), next >= high
            else { return false }
        }
        return true
    }

    /// The partitions currently assigned to this member.
    public var assignment: [KafkaTopicPartition] { offsets.assigned.sorted() }

    /// Why the consumer stopped, if the group refused it for good.
    public var failure: KafkaError? { lifecycle.withLockedValue { $0.failure } }

    /// Marks `message` (and every earlier one of its partition) processed, for the next commit:
    /// what a loop over `messages` that stops with `break` does for the message it stopped at.
    public func markProcessed(_ message: ConsumedMessage) {
        offsets.mark(KafkaTopicPartition(message.topic, message.partition), next: message.offset + 1)
    }

    /// Commits every processed message's offset now (synchronously with the coordinator).
    /// Throws when the group is rebalancing or the coordinator refuses; what was not committed
    /// is committed by the next commit, or before the partitions are handed over.
    public func commit() async throws(KafkaError) {
        let pending = offsets.uncommitted()
        guard !pending.isEmpty else { return }
        try await member.commit(pending)
        offsets.didCommit(pending)
    }

    /// Commits what was processed, leaves the group (the others take over at once) and stops.
    public func close() async {
        let (membership, autoCommit, alreadyClosed) = lifecycle.withLockedValue { state in
            defer { state.closed = true }
            return (state.membership, state.autoCommit, state.closed)
        }
        guard !alreadyClosed else {
            await membership?.value
            return
        }
        autoCommit?.cancel()
        lifecycle.withLockedValue { $0.watchdog }?.cancel()
        member.close()
        await membership?.value
        engine.close()
        client.close()
    }

    /// Called on every new assignment (empty on revoke); used by the worker dispatcher.
    func onAssignmentChange(_ listener: @escaping @Sendable (Set<KafkaTopicPartition>) -> Void) {
        lifecycle.withLockedValue { $0.assignmentListeners.append(listener) }
    }

    fileprivate func assigned(_ partitions: PartitionsByTopic, committed: OffsetsByTopic) {
        var starts: [KafkaTopicPartition: StartPosition] = [:]
        var committedByPartition: [KafkaTopicPartition: Int64] = [:]
        let reset: StartPosition = settings.autoOffsetReset == .latest ? .end : .beginning
        for (topic, ids) in partitions {
            for id in ids {
                let tp = KafkaTopicPartition(topic, id)
                if let offset = committed[topic]?[id] {
                    starts[tp] = .offset(offset)
                    committedByPartition[tp] = offset
                } else {
                    starts[tp] = reset
                }
            }
        }
        offsets.assign(Set(starts.keys), committed: committedByPartition)
        engine.assign(starts)
        notify(Set(starts.keys))
    }

    fileprivate func revoked() async -> OffsetsByTopic {
        engine.revokeAll()
        notify([])
        await waitForWorkersIdle()
        return offsets.revokeAll()
    }

    private func notify(_ partitions: Set<KafkaTopicPartition>) {
        for listener in lifecycle.withLockedValue({ $0.assignmentListeners }) { listener(partitions) }
    }

    /// Set by `run(workers:handler:)`: waits until no handler is running, so the commit before
    /// a rebalance covers every message a worker finished.
    let idleWaiter = NIOLockedValueBox<(@Sendable () async -> Void)?>(nil)

    private func waitForWorkersIdle() async {
        if let wait = idleWaiter.withLockedValue({ $0 }) { await wait() }
    }

    /// The messages of the partitions assigned to this member, in offset order per partition,
    /// across rebalances. One reader at a time. Ends when the consumer is closed; throws when
    /// the group refused the member for good, and a partition's fetch error (the group and the
    /// other partitions go on; iterate again to read on).
    public var messages: GroupMessages { GroupMessages(consumer: self) }
}

/// Bridges the group member's callbacks to the consumer.
private final class MembershipDelegate: GroupMemberDelegate {
    // The consumer owns the membership task that holds this; no cycle outlives close().
    let consumer: KafkaGroupConsumer
    init(consumer: KafkaGroupConsumer) { self.consumer = consumer }

    func partitionsAssigned(_ partitions: PartitionsByTopic, committed: OffsetsByTopic) async {
        consumer.assigned(partitions, committed: committed)
    }

    func partitionsRevoked() async -> OffsetsByTopic {
        await consumer.revoked()
    }
}

/// ``KafkaGroupConsumer/messages``: each message handed out counts as processed once the next
/// one is asked for (or the loop ends).
public struct GroupMessages: AsyncSequence, Sendable {
    /// Each element is one message of an assigned partition.
    public typealias Element = ConsumedMessage
    let consumer: KafkaGroupConsumer

    /// The iterator; one reader at a time.
    public func makeAsyncIterator() -> Iterator { Iterator(consumer: consumer) }

    /// Hands out messages and marks each one processed when the next is asked for.
    public struct Iterator: AsyncIteratorProtocol {
        @usableFromInline let consumer: KafkaGroupConsumer
        /// The current chunk's messages not handed out yet, the next one last (`popLast()` moves
        /// it out; see ``ConsumerMessages/Iterator``).
        @usableFromInline var remaining: [ConsumedMessage] = []
        /// Where the chunk's partition's marks go, looked up once per chunk.
        @usableFromInline var progress: ProcessedOffsets.Progress?
        /// The offset after the message handed out last: processed once the next is asked for.
        @usableFromInline var handedOutNext: Int64?

        init(consumer: KafkaGroupConsumer) {
            self.consumer = consumer
        }

        /// The next message, waiting for one (also across a rebalance); nil once the consumer is closed.
        /// Throws only why the group refused the member for good (``KafkaGroupConsumer/failure``);
        /// a partition's own error stops that partition, and the others go on.
        ///
        /// Inlinable so that a message of the chunk in hand is handed out (and the one before
        /// marked processed) in the caller's code: an async call into this module per message cost
        /// more than the message itself. Only the next chunk waits.
        @inlinable
        public mutating func next() async throws -> ConsumedMessage? {
            if let handedOutNext {
                progress?.advance(to: handedOutNext)
                self.handedOutNext = nil
            }
            if let message = remaining.popLast() {
                handedOutNext = message.offset + 1
                return message
            }
            return try await nextChunk()
        }

        /// The first message of the next chunk that has one.
        @usableFromInline
        mutating func nextChunk() async throws -> ConsumedMessage? {
            while true {
                remaining = []
                progress = nil
                // A partition's error is thrown here (the group and the other partitions go on:
                // iterate `messages` again to read on).
                let next = try await consumer.engine.poll()
                guard var next else {
                    if let failure = consumer.failure { throw failure }
                    return nil
                }
                remaining.takeReversed(&next.messages)
                progress = consumer.offsets.progress(of: next.topicPartition)
                if let message = remaining.popLast() {
                    handedOutNext = message.offset + 1
                    return message
                }
            }
        }
    }
}
