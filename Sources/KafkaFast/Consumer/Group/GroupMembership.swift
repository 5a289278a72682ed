import KafkaProtocol

/// One generation of the group as this member saw it after JoinGroup.
struct GroupGeneration: Sendable, Equatable {
    var id: Int32
    var memberId: String
    var leaderId: String
    var protocolName: String
    var isLeader: Bool { memberId == leaderId }
}

/// The classic group protocol for one member, as a pure state machine in the style of
/// postgres-nio: every event returns the action the driver must perform next; no I/O here.
///
///     idle → findingCoordinator → joining → syncing → stable ⟲ heartbeats
///                  ↑   (NOT_COORDINATOR, lost connection: find it again, keep membership)
///     stable → revoking (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID) → joining
///     any → leaving → closed
///
/// The member id survives rejoins (MEMBER_ID_REQUIRED hands one out, UNKNOWN_MEMBER_ID
/// clears it) so the coordinator recognises us and does not wait for a ghost.
struct GroupMembership: Sendable {
    enum State: Sendable, Equatable {
        case idle
        /// Looking up the coordinator; `thenJoin` false means a stable member that lost its
        /// coordinator and only resumes heartbeats once it is found.
        case findingCoordinator(thenJoin: Bool)
        case joining
        case syncing(GroupGeneration)
        case stable(GroupGeneration)
        /// Eager protocol: the driver commits (if allowed) and gives up every partition, then
        /// reports `revoked()`.
        case revoking
        case leaving
        case closed
        case failed(String)
    }

    enum Action: Sendable, Equatable {
        case findCoordinator(backoffMs: Int)
        case join(memberId: String, backoffMs: Int)
        /// SyncGroup: as leader with every member's metadata to assign, as follower with none.
        case sync(GroupGeneration, assign: Bool)
        /// Start consuming the assignment and heartbeating.
        case startConsuming(GroupGeneration, PartitionsByTopic)
        /// Resume heartbeats on the newly found coordinator; the assignment is unchanged.
        case resumeHeartbeats(GroupGeneration)
        /// Give up every partition before rejoining; commit first only while the generation
        /// is still one the coordinator accepts.
        case revokeAll(commitFirst: Bool)
        case leave(memberId: String)
        case fail(KafkaError)
        case none

        static func == (lhs: Action, rhs: Action) -> Bool {
            switch (lhs, rhs) {
            case let (.findCoordinator(a), .findCoordinator(b)): return a == b
            case let (.join(a, x), .join(b, y)): return a == b && x == y
            case let (.sync(a, x), .sync(b, y)): return a == b && x == y
            case let (.startConsuming(a, x), .startConsuming(b, y)): return a == b && x == y
            case let (.resumeHeartbeats(a), .resumeHeartbeats(b)): return a == b
            case let (.revokeAll(a), .revokeAll(b)): return a == b
            case let (.leave(a), .leave(b)): return a == b
            case let (.fail(a), .fail(b)): return a.description == b.description
            case (.none, .none): return true
            default: return false
            }
        }
    }

    private(set) var state: State = .idle
    private(set) var memberId = ""
    /// Why the member last gave up its generation (the error code that said so), for the logs.
    private(set) var lastReason: String?
    private var consecutiveFailures = 0
    let groupId: String

    init(groupId: String) { self.groupId = groupId }

    /// The generation offsets may be committed under, when consuming.
    var generation: GroupGeneration? {
        if case .stable(let generation) = state { return generation }
        if case .findingCoordinator = state, let last = lastStable { return last }
        return nil
    }

    private var lastStable: GroupGeneration?

    // MARK: Events

    mutating func start() -> Action {
        guard state == .idle else { return .none }
        state = .findingCoordinator(thenJoin: true)
        return .findCoordinator(backoffMs: 0)
    }

    mutating func coordinatorFound() -> Action {
        guard case .findingCoordinator(let thenJoin) = state else { return .none }
        // The backoff keeps growing until a join or sync succeeds: a coordinator that is found
        // and then answers every JoinGroup with an error must not be asked ten times a second.
        if !thenJoin, let generation = lastStable {
            state = .stable(generation)
            return .resumeHeartbeats(generation)
        }
        state = .joining
        return .join(memberId: memberId, backoffMs: 0)
    }

    mutating func coordinatorLookupFailed(_ error: KafkaError) -> Action {
        guard case .findingCoordinator = state else { return .none }
        let retry: Bool
        if let code = error.kafkaErrorCode {
            retry = Self.isCoordinatorError(code) || code.isRetriable
        } else {
            retry = error.isRetriable
        }
        return retry ? .findCoordinator(backoffMs: nextBackoff()) : fail(error)
    }

    struct JoinResult: Sendable, Equatable {
        var errorCode: KafkaErrorCode
        var memberId: String
        var generationId: Int32
        var leaderId: String
        var protocolName: String
    }

    mutating func joined(_ result: JoinResult) -> Action {
        guard state == .joining else { return .none }
        switch result.errorCode {
        case .none:
            consecutiveFailures = 0
            memberId = result.memberId
            let generation = GroupGeneration(
                id: result.generationId, memberId: result.memberId, leaderId: result.leaderId, protocolName: result.protocolName)
            state = .syncing(generation)
            return .sync(generation, assign: generation.isLeader)
        case .memberIdRequired:
            // KIP-394: the first join only hands out an id; join again at once with it.
            memberId = result.memberId
            return .join(memberId: memberId, backoffMs: 0)
        case .unknownMemberId:
            memberId = ""
            return .join(memberId: "", backoffMs: nextBackoff())
        case .rebalanceInProgress, .illegalGeneration:
            return .join(memberId: memberId, backoffMs: nextBackoff())
        case let code where Self.isCoordinatorError(code):
            return lostCoordinator(thenJoin: true)
        case let code where Self.isFatal(code):
            return fail(.broker(code: code, context: "cannot join group '\(groupId)'", message: nil))
        default:
            // Anything else, like librdkafka: join again after a backoff. The driver's watch
            // shows the code, and a caller with a bound gives up with it.
            return .join(memberId: memberId, backoffMs: nextBackoff())
        }
    }

    mutating func synced(errorCode: KafkaErrorCode, assignment: PartitionsByTopic) -> Action {
        guard case .syncing(let generation) = state else { return .none }
        switch errorCode {
        case .none:
            consecutiveFailures = 0
            state = .stable(generation)
            lastStable = generation
            return .startConsuming(generation, assignment)
        case .rebalanceInProgress, .illegalGeneration:
            // Tansu answers a follower's SyncGroup this way until the leader has synced.
            state = .joining
            return .join(memberId: memberId, backoffMs: nextBackoff())
        case .unknownMemberId:
            memberId = ""
            state = .joining
            return .join(memberId: "", backoffMs: nextBackoff())
        case let code where Self.isCoordinatorError(code):
            return lostCoordinator(thenJoin: true)
        case let code where Self.isFatal(code):
            return fail(.broker(code: code, context: "cannot sync group '\(groupId)'", message: nil))
        default:
            // librdkafka's mock answers a SyncGroup that reaches a group already stable with
            // INVALID_REQUEST where Kafka hands out the assignment: join again, after a backoff.
            state = .joining
            return .join(memberId: memberId, backoffMs: nextBackoff())
        }
    }

    /// A Heartbeat answer, or a group-level error from OffsetCommit (same meaning).
    mutating func membershipResponse(_ code: KafkaErrorCode) -> Action {
        guard case .stable = state else { return .none }
        if code != .none { lastReason = "the coordinator answered \(code.name)" }
        switch code {
        case .none:
            return .none
        case .rebalanceInProgress:
            state = .revoking
            return .revokeAll(commitFirst: true)
        case .illegalGeneration:
            state = .revoking
            return .revokeAll(commitFirst: false)
        case .unknownMemberId:
            memberId = ""
            state = .revoking
            return .revokeAll(commitFirst: false)
        case let code where Self.isCoordinatorError(code):
            return lostCoordinator(thenJoin: false)
        case let code:
            return fail(.broker(code: code, context: "group '\(groupId)' heartbeat", message: nil))
        }
    }

    /// The partitions were given up (and committed if asked); join the next generation.
    mutating func revoked() -> Action {
        guard state == .revoking else { return .none }
        lastStable = nil
        state = .joining
        return .join(memberId: memberId, backoffMs: 0)
    }

    /// A request to the coordinator failed without an answer (connection lost, timeout).
    mutating func requestFailed(_ error: KafkaError) -> Action {
        switch state {
        case .joining, .syncing:
            guard error.isRetriable else { return fail(error) }
            return lostCoordinator(thenJoin: true)
        case .stable:
            guard error.isRetriable else { return fail(error) }
            return lostCoordinator(thenJoin: false)
        default:
            return .none
        }
    }

    /// Close: leave the group if the coordinator knows us, so the others rebalance at once
    /// instead of after the session timeout.
    mutating func close() -> Action {
        switch state {
        case .closed, .leaving, .failed:
            return .none
        default:
            let id = memberId
            state = id.isEmpty ? .closed : .leaving
            return id.isEmpty ? .none : .leave(memberId: id)
        }
    }

    mutating func left() {
        state = .closed
    }

    // MARK: Helpers

    /// What no retry can fix: a configuration or permission the group refuses.
    static func isFatal(_ code: KafkaErrorCode) -> Bool {
        [.inconsistentGroupProtocol, .invalidGroupId, .invalidSessionTimeout, .groupAuthorizationFailed,
         .unsupportedVersion, .groupMaxSizeReached, .fencedInstanceId].contains(code)
    }

    static func isCoordinatorError(_ code: KafkaErrorCode) -> Bool {
        code == .coordinatorNotAvailable || code == .notCoordinator || code == .coordinatorLoadInProgress
    }

    private mutating func lostCoordinator(thenJoin: Bool) -> Action {
        if !thenJoin, case .stable(let generation) = state { lastStable = generation }
        state = .findingCoordinator(thenJoin: thenJoin)
        return .findCoordinator(backoffMs: nextBackoff())
    }

    private mutating func fail(_ error: KafkaError) -> Action {
        state = .failed(error.description)
        return .fail(error)
    }

    /// 100 ms doubling to 1.6 s: retries of a rebalance must not hammer the coordinator.
    private mutating func nextBackoff() -> Int {
        defer { consecutiveFailures += 1 }
        return 100 << min(consecutiveFailures, 4)
    }
}
