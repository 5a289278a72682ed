import KafkaProtocol
import NIOConcurrencyHelpers
import NIOCore

/// Offsets by topic and partition: what to commit, or what is committed.
public typealias OffsetsByTopic = [String: [Int32: Int64]]

/// What a group member needs from whoever consumes its partitions.
protocol GroupMemberDelegate: AnyObject, Sendable {
    /// A new generation assigned these partitions; `committed` holds the group's committed
    /// offset where there is one (the others start at `auto.offset.reset`).
    func partitionsAssigned(_ partitions: PartitionsByTopic, committed: OffsetsByTopic) async
    /// Every partition is being taken away (a rebalance, or close): stop handing out their
    /// messages and return the offsets processed so far, to commit before giving them up.
    func partitionsRevoked() async -> OffsetsByTopic
}

/// How a member joins: the group settings of `KafkaConsumerConfiguration` that the protocol needs.
struct GroupMemberSettings: Sendable {
    var sessionTimeoutMs: Int32 = 45_000
    var rebalanceTimeoutMs: Int32 = 300_000
    var heartbeatIntervalMs = 3_000
    var groupInstanceId: String?
    var assignors: [any PartitionAssignor] = [RangeAssignor(), RoundRobinAssignor()]
}

/// The driver of `GroupMembership`: performs the actions the state machine returns (the
/// requests to the coordinator, heartbeats, revocation) and feeds the answers back.
/// One task runs `run(delegate:)`; commits may come from any task.
final class GroupMember: Sendable {
    let client: KafkaClient
    let groupId: String
    let topics: [String]
    let settings: GroupMemberSettings
    /// The way into the group, visible: status, and a warning while it takes too long.
    let watch: GroupJoinWatch

    struct Shared {
        var coordinator: GroupCoordinatorAddress?
        var generation: GroupGeneration?
        /// A group-level error a commit saw, for the loop to act on.
        var pendingError: KafkaErrorCode?
        /// A heartbeat that got no answer (connection lost, timeout).
        var pendingFailure: KafkaError?
        var closing = false
        /// The connection a JoinGroup or SyncGroup waits on: a coordinator may hold those for
        /// minutes, so close() closes it rather than wait.
        var waitingOn: BrokerConnection?
        var wakeup: CheckedContinuation<Void, Never>?
        var woken = false
    }

    let shared = NIOLockedValueBox(Shared())

    init(client: KafkaClient, groupId: String, topics: [String], settings: GroupMemberSettings) {
        self.client = client
        self.groupId = groupId
        self.topics = topics
        self.settings = settings
        self.watch = GroupJoinWatch(groupId: groupId, boundMs: Int64(settings.sessionTimeoutMs), logger: client.config.logger)
    }

    /// The generation offsets are committed under, while the member holds an assignment.
    var generation: GroupGeneration? { shared.withLockedValue { $0.generation } }

    // MARK: The loop

    /// Joins and stays in the group until `close()`; returns after LeaveGroup. Throws when the
    /// group refuses us for good (e.g. INCONSISTENT_GROUP_PROTOCOL, an unknown assignor).
    func run(delegate: any GroupMemberDelegate) async throws(KafkaError) {
        var machine = GroupMembership(groupId: groupId)
        var action = machine.start()
        var closedDown = false
        while true {
            if isClosing, !closedDown {
                closedDown = true
                action = await closeDown(&machine, delegate: delegate)
            }
            switch action {
            case .none:
                watch.closed()
                return
            case .findCoordinator(let backoffMs):
                await pause(backoffMs)
                watch.begin("FindCoordinator for group '\(groupId)'")
                do throws(KafkaError) {
                    let coordinator = try await client.findGroupCoordinator(groupId, attempts: 1)
                    shared.withLockedValue { $0.coordinator = coordinator }
                    action = machine.coordinatorFound()
                } catch {
                    watch.problem("FindCoordinator: \(error)")
                    action = machine.coordinatorLookupFailed(error)
                }
            case .join(let memberId, let backoffMs):
                await pause(backoffMs)
                if isClosing { continue }
                watch.begin("JoinGroup to \(coordinatorName)")
                do throws(KafkaError) {
                    let result = try await join(memberId: memberId)
                    if result.errorCode != .none, result.errorCode != .memberIdRequired {
                        watch.problem("JoinGroup to \(coordinatorName) answered \(result.errorCode.name) [\(result.errorCode.rawValue)]")
                    }
                    action = machine.joined(result)
                } catch {
                    watch.problem("JoinGroup to \(coordinatorName): \(error)")
                    action = machine.requestFailed(error)
                }
            case .sync(let generation, let assign):
                watch.begin("SyncGroup to \(coordinatorName)")
                do throws(KafkaError) {
                    let (code, assignment) = try await sync(generation, assign: assign)
                    if code != .none { watch.problem("SyncGroup to \(coordinatorName) answered \(code.name) [\(code.rawValue)]") }
                    action = machine.synced(errorCode: code, assignment: assignment)
                } catch {
                    watch.problem("SyncGroup to \(coordinatorName): \(error)")
                    action = machine.requestFailed(error)
                }
            case .startConsuming(let generation, let assignment):
                shared.withLockedValue { $0.generation = generation }
                watch.begin("OffsetFetch of the assignment from \(coordinatorName)")
                if let committed = await fetchCommittedWithRetry(assignment) {
                    client.config.logger.debug("partitions assigned", metadata: [
                        "group": "\(groupId)", "generation": "\(generation.id)",
                        "assignment": "\(assignment.sorted { $0.key < $1.key }.map { "\($0.key)\($0.value.sorted())" }.joined(separator: " "))"])
                    await delegate.partitionsAssigned(assignment, committed: committed)
                    // Stable only once the consumer holds the assignment: `hasReachedEnd` reads both.
                    watch.stable(generation: generation.id, partitions: assignment.values.reduce(0) { $0 + $1.count })
                    action = await heartbeatUntilChange(&machine)
                } else {
                    // Without the committed offsets the assignment cannot start where the
                    // group left off: give it up and join the next generation.
                    watch.problem("cannot read the committed offsets of the assignment from \(coordinatorName)")
                    action = machine.membershipResponse(.illegalGeneration)
                }
            case .resumeHeartbeats:
                watch.resumed()
                action = await heartbeatUntilChange(&machine)
            case .revokeAll(let commitFirst):
                watch.rejoining(because: machine.lastReason ?? "the group is rebalancing")
                let processed = await delegate.partitionsRevoked()
                if commitFirst, !processed.isEmpty { _ = try? await commit(processed, reportErrors: false) }
                shared.withLockedValue { $0.generation = nil }
                action = machine.revoked()
            case .leave(let memberId):
                await leave(memberId: memberId)
                machine.left()
                shared.withLockedValue { $0.generation = nil }
                watch.closed()
                return
            case .fail(let error):
                shared.withLockedValue { $0.generation = nil }
                watch.failed(error)
                _ = await delegate.partitionsRevoked()
                throw error
            }
        }
    }

    /// The coordinator as logs and errors name it: "coordinator 2 (127.0.0.1:9093)".
    private var coordinatorName: String {
        guard let coordinator = shared.withLockedValue({ $0.coordinator }) else { return "the coordinator" }
        return "coordinator \(coordinator.nodeId) (\(coordinator.address))"
    }

    /// Asks the loop to commit what was processed, leave the group and return.
    func close() {
        let (waiter, held) = shared.withLockedValue { state -> (CheckedContinuation<Void, Never>?, BrokerConnection?) in
            state.closing = true
            state.woken = true
            defer {
                state.wakeup = nil
                state.waitingOn = nil
            }
            return (state.wakeup, state.waitingOn)
        }
        held?.close()
        waiter?.resume()
    }

    var isClosing: Bool { shared.withLockedValue { $0.closing } }

    /// Revoke (committing what was processed while the generation is still valid), then leave.
    private func closeDown(_ machine: inout GroupMembership, delegate: any GroupMemberDelegate) async -> GroupMembership.Action {
        let processed = await delegate.partitionsRevoked()
        if generation != nil, !processed.isEmpty { _ = try? await commit(processed, reportErrors: false) }
        shared.withLockedValue { $0.generation = nil }
        return machine.close()
    }

    /// Heartbeats every `heartbeat.interval.ms` until an answer (or a commit) says the
    /// membership changed, or close is asked. The heartbeats are timed and sent on the
    /// coordinator connection's event loop, not from this task: an application that keeps
    /// Swift's cooperative threads busy cannot starve them into a session timeout.
    private func heartbeatUntilChange(_ machine: inout GroupMembership) async -> GroupMembership.Action {
        guard let generation = machine.generation else { return .none }
        let heartbeats: RepeatedTask
        do throws(KafkaError) {
            heartbeats = try await startHeartbeats(generation)
        } catch {
            return machine.requestFailed(error)
        }
        defer { heartbeats.cancel() }
        while true {
            await sleepOrWake(milliseconds: max(settings.heartbeatIntervalMs, 1_000) * 10)
            let (closing, pending, failure) = shared.withLockedValue { state in
                defer {
                    state.pendingError = nil
                    state.pendingFailure = nil
                }
                return (state.closing, state.pendingError, state.pendingFailure)
            }
            if closing { return .none }
            if let failure {
                let action = machine.requestFailed(failure)
                if action != .none { return action }
            }
            if let pending {
                let action = machine.membershipResponse(pending)
                if action != .none { return action }
            }
        }
    }

    private func startHeartbeats(_ generation: GroupGeneration) async throws(KafkaError) -> RepeatedTask {
        let connection = try await coordinatorConnection()
        let version = try connection.requireVersion(for: HeartbeatRequest.self)
        let request = HeartbeatRequest(
            groupId: groupId, generationId: generation.id, memberId: generation.memberId, groupInstanceId: settings.groupInstanceId)
        let interval = TimeAmount.milliseconds(Int64(settings.heartbeatIntervalMs))
        return connection.channel.eventLoop.scheduleRepeatedAsyncTask(initialDelay: interval, delay: interval) { [weak self] _ in
            let member = self  // one constant for both callbacks (a captured weak var is not Sendable)
            return connection.sendFuture(request, version: version).map { response in
                let code = KafkaErrorCode(rawValue: response.errorCode)
                if code != .none { member?.reportMembershipError(code) }
            }.flatMapErrorThrowing { error in
                member?.reportRequestFailure(BrokerConnection.kafkaError(error, broker: connection.address.description))
            }
        }
    }

    // MARK: Requests

    func coordinatorConnection() async throws(KafkaError) -> BrokerConnection {
        guard let coordinator = shared.withLockedValue({ $0.coordinator }) else {
            throw .broker(code: .coordinatorNotAvailable, context: "group '\(groupId)'", message: nil)
        }
        return try await client.groupConnection(coordinator)
    }

    private var subscriptionMetadata: ByteBuffer {
        ConsumerProtocol.encode(ConsumerProtocol.Subscription(topics: topics))
    }

    private func join(memberId: String) async throws(KafkaError) -> GroupMembership.JoinResult {
        let connection = try await coordinatorConnection()
        let metadata = subscriptionMetadata
        let request = JoinGroupRequest(
            groupId: groupId, sessionTimeoutMs: settings.sessionTimeoutMs, rebalanceTimeoutMs: settings.rebalanceTimeoutMs,
            memberId: memberId, groupInstanceId: settings.groupInstanceId, protocolType: ConsumerProtocol.protocolType,
            protocols: settings.assignors.map { .init(name: $0.name, metadata: metadata) }, reason: nil)
        // The coordinator may hold JoinGroup until every member rejoined: up to the rebalance timeout.
        let timeout = TimeAmount.milliseconds(Int64(settings.rebalanceTimeoutMs) + Int64(client.config.requestTimeoutMs))
        let response: JoinGroupResponse
        let answer = try await whileWaiting(on: connection) { () async throws(KafkaError) in
            try await connection.sendAcceptingErrorAnswer(request, timeout: timeout, throttleFirstFrom: 2)
        }
        switch answer {
        case .response(let decoded): response = decoded
        case .errorCode(let code):
            return GroupMembership.JoinResult(errorCode: code, memberId: "", generationId: -1, leaderId: "", protocolName: "")
        }
        joinMembers.withLockedValue { $0 = response.members }
        return GroupMembership.JoinResult(
            errorCode: KafkaErrorCode(rawValue: response.errorCode), memberId: response.memberId,
            generationId: response.generationId, leaderId: response.leader,
            protocolName: response.protocolName ?? settings.assignors.first?.name ?? "")
    }

    /// The members the last JoinGroup answer listed (only the leader gets them).
    private let joinMembers = NIOLockedValueBox<[JoinGroupResponse.JoinGroupResponseMember]>([])

    private func sync(_ generation: GroupGeneration, assign: Bool) async throws(KafkaError) -> (KafkaErrorCode, PartitionsByTopic) {
        let connection = try await coordinatorConnection()
        var assignments: [SyncGroupRequest.SyncGroupRequestAssignment] = []
        if assign {
            assignments = try await assignPartitions(generation)
        }
        let request = SyncGroupRequest(
            groupId: groupId, generationId: generation.id, memberId: generation.memberId,
            groupInstanceId: settings.groupInstanceId, protocolType: ConsumerProtocol.protocolType,
            protocolName: generation.protocolName, assignments: assignments)
        let timeout = TimeAmount.milliseconds(Int64(settings.rebalanceTimeoutMs) + Int64(client.config.requestTimeoutMs))
        let response: SyncGroupResponse
        let answer = try await whileWaiting(on: connection) { () async throws(KafkaError) in
            try await connection.sendAcceptingErrorAnswer(request, timeout: timeout, throttleFirstFrom: 1)
        }
        switch answer {
        case .response(let decoded): response = decoded
        case .errorCode(let code): return (code, [:])
        }
        let code = KafkaErrorCode(rawValue: response.errorCode)
        guard code == .none else { return (code, [:]) }
        do {
            return (code, try ConsumerProtocol.decodeAssignment(response.assignment).partitions)
        } catch {
            throw .protocolViolation(broker: connection.address.description, detail: "SyncGroup assignment: \(error)")
        }
    }

    /// The leader's job: decode every member's subscription, look up partition counts, run
    /// the protocol's assignor and encode one assignment per member.
    private func assignPartitions(_ generation: GroupGeneration) async throws(KafkaError) -> [SyncGroupRequest.SyncGroupRequestAssignment] {
        guard let assignor = settings.assignors.first(where: { $0.name == generation.protocolName }) else {
            throw .invalidConfiguration("group '\(groupId)' chose assignor '\(generation.protocolName)', which this client lacks")
        }
        var members: [AssignorMember] = []
        for member in joinMembers.withLockedValue({ $0 }) {
            // A member whose metadata we cannot read still gets an (empty) assignment.
            let topics = (try? ConsumerProtocol.decodeSubscription(member.metadata).topics) ?? []
            members.append(AssignorMember(memberId: member.memberId, groupInstanceId: member.groupInstanceId, topics: topics))
        }
        let wanted = Set(members.flatMap(\.topics)).sorted()
        var counts: [String: Int32] = [:]
        if !wanted.isEmpty {
            let metadata = try await client.metadata(topics: wanted, refresh: true)
            for topic in wanted {
                if let described = metadata.topics[topic], described.error == .none {
                    counts[topic] = Int32(described.partitions.count)
                }
            }
        }
        let plan = assignor.assign(members: members, partitionCounts: counts)
        return members.map { member in
            .init(memberId: member.memberId, assignment: ConsumerProtocol.encode(
                ConsumerProtocol.Assignment(partitions: plan[member.memberId] ?? [:])))
        }
    }

    private func leave(memberId: String) async {
        guard let connection = try? await coordinatorConnection(),
              let version = try? connection.requireVersion(for: LeaveGroupRequest.self) else { return }
        let request = version >= 3
            ? LeaveGroupRequest(groupId: groupId, memberId: "", members: [.init(memberId: memberId, groupInstanceId: settings.groupInstanceId, reason: "closing")])
            : LeaveGroupRequest(groupId: groupId, memberId: memberId, members: [])
        // Leaving only spares the others a session timeout's wait: close does not wait long for it.
        _ = try? await connection.send(request, version: version, timeout: .milliseconds(Int64(min(client.config.requestTimeoutMs, 5_000))))
    }

    private func reportRequestFailure(_ error: KafkaError) {
        let waiter = shared.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.pendingFailure = error
            state.woken = true
            defer { state.wakeup = nil }
            return state.wakeup
        }
        waiter?.resume()
    }

    func reportMembershipError(_ code: KafkaErrorCode) {
        let waiter = shared.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.pendingError = code
            state.woken = true
            defer { state.wakeup = nil }
            return state.wakeup
        }
        waiter?.resume()
    }
}
