import KafkaProtocol
import Testing
@testable import KafkaFast

/// The membership state machine without sockets: each broker answer leads to the action a
/// classic-protocol member must take next.
@Suite struct GroupMembershipTests {
    func joinResult(_ code: KafkaErrorCode, member: String = "m-1", generation: Int32 = 1, leader: String = "m-1") -> GroupMembership.JoinResult {
        .init(errorCode: code, memberId: member, generationId: generation, leaderId: leader, protocolName: "range")
    }

    /// A machine that reached `stable` in generation 1 as leader.
    func stableMachine() -> GroupMembership {
        var machine = GroupMembership(groupId: "g")
        _ = machine.start()
        _ = machine.coordinatorFound()
        _ = machine.joined(joinResult(.none))
        _ = machine.synced(errorCode: .none, assignment: ["t": [0]])
        return machine
    }

    @Test func firstJoinRejoinsWithTheMemberIdTheBrokerHandsOut() {
        var machine = GroupMembership(groupId: "g")
        #expect(machine.start() == .findCoordinator(backoffMs: 0))
        #expect(machine.coordinatorFound() == .join(memberId: "", backoffMs: 0))
        #expect(machine.joined(joinResult(.memberIdRequired, member: "m-9")) == .join(memberId: "m-9", backoffMs: 0))
        let generation = GroupGeneration(id: 4, memberId: "m-9", leaderId: "other", protocolName: "range")
        #expect(machine.joined(joinResult(.none, member: "m-9", generation: 4, leader: "other")) == .sync(generation, assign: false))
        #expect(machine.synced(errorCode: .none, assignment: ["t": [1, 2]]) == .startConsuming(generation, ["t": [1, 2]]))
        #expect(machine.generation == generation)
    }

    @Test func theLeaderAssigns() {
        var machine = GroupMembership(groupId: "g")
        _ = machine.start()
        _ = machine.coordinatorFound()
        let action = machine.joined(joinResult(.none, member: "me", leader: "me"))
        #expect(action == .sync(GroupGeneration(id: 1, memberId: "me", leaderId: "me", protocolName: "range"), assign: true))
    }

    @Test func coordinatorErrorsFindTheCoordinatorAgain() {
        var machine = GroupMembership(groupId: "g")
        _ = machine.start()
        if case .findCoordinator = machine.coordinatorLookupFailed(.broker(code: .coordinatorNotAvailable, context: "", message: nil)) {} else {
            Issue.record("COORDINATOR_NOT_AVAILABLE must retry the lookup")
        }
        _ = machine.coordinatorFound()
        if case .findCoordinator = machine.joined(joinResult(.notCoordinator)) {} else { Issue.record("NOT_COORDINATOR must re-find") }
        #expect(machine.coordinatorFound() == .join(memberId: "", backoffMs: 0))
    }

    @Test func aStableMemberThatLosesItsCoordinatorKeepsItsAssignment() {
        var machine = stableMachine()
        guard case .findCoordinator = machine.membershipResponse(.notCoordinator) else {
            Issue.record("expected a coordinator lookup")
            return
        }
        #expect(machine.generation?.id == 1, "commits may still use the generation")
        #expect(machine.coordinatorFound() == .resumeHeartbeats(GroupGeneration(id: 1, memberId: "m-1", leaderId: "m-1", protocolName: "range")))
    }

    @Test func rebalanceInProgressCommitsThenRevokesThenRejoins() {
        var machine = stableMachine()
        #expect(machine.membershipResponse(.rebalanceInProgress) == .revokeAll(commitFirst: true))
        #expect(machine.generation == nil)
        #expect(machine.revoked() == .join(memberId: "m-1", backoffMs: 0))
    }

    @Test func illegalGenerationRevokesWithoutCommitAndKeepsTheMemberId() {
        var machine = stableMachine()
        #expect(machine.membershipResponse(.illegalGeneration) == .revokeAll(commitFirst: false))
        #expect(machine.revoked() == .join(memberId: "m-1", backoffMs: 0))
    }

    @Test func unknownMemberIdStartsOverWithoutAnId() {
        var machine = stableMachine()
        #expect(machine.membershipResponse(.unknownMemberId) == .revokeAll(commitFirst: false))
        #expect(machine.revoked() == .join(memberId: "", backoffMs: 0))
    }

    /// Tansu answers a follower's SyncGroup with REBALANCE_IN_PROGRESS until the leader synced.
    @Test func syncRebalanceInProgressRejoinsWithBackoff() {
        var machine = GroupMembership(groupId: "g")
        _ = machine.start()
        _ = machine.coordinatorFound()
        _ = machine.joined(joinResult(.none, leader: "other"))
        #expect(machine.synced(errorCode: .rebalanceInProgress, assignment: [:]) == .join(memberId: "m-1", backoffMs: 100))
        _ = machine.joined(joinResult(.none, leader: "other"))
        #expect(machine.synced(errorCode: .rebalanceInProgress, assignment: [:]) == .join(memberId: "m-1", backoffMs: 100))
    }

    @Test func backoffGrowsWhileJoinsKeepFailing() {
        var machine = GroupMembership(groupId: "g")
        _ = machine.start()
        _ = machine.coordinatorFound()
        let backoffs = (0..<6).map { _ -> Int in
            if case .join(_, let backoff) = machine.joined(joinResult(.rebalanceInProgress)) { return backoff }
            return -1
        }
        #expect(backoffs == [100, 200, 400, 800, 1600, 1600])
    }

    /// The coordinator is found again and again but refuses every join: the lookups back off.
    @Test func backoffGrowsWhileTheCoordinatorKeepsRefusingJoins() {
        var machine = GroupMembership(groupId: "g")
        _ = machine.start()
        _ = machine.coordinatorFound()
        let backoffs = (0..<6).map { _ -> Int in
            let action = machine.joined(joinResult(.coordinatorLoadInProgress))
            _ = machine.coordinatorFound()
            if case .findCoordinator(let backoff) = action { return backoff }
            return -1
        }
        #expect(backoffs == [100, 200, 400, 800, 1600, 1600])
    }

    /// An error no one told us about is retried, not fatal (librdkafka's mock answers a late
    /// SyncGroup with INVALID_REQUEST); the backoff still grows.
    @Test func unexpectedJoinAndSyncErrorsRejoinWithBackoff() {
        var machine = GroupMembership(groupId: "g")
        _ = machine.start()
        _ = machine.coordinatorFound()
        #expect(machine.joined(joinResult(.invalidRequest)) == .join(memberId: "", backoffMs: 100))
        _ = machine.joined(joinResult(.none, leader: "other"))
        #expect(machine.synced(errorCode: .invalidRequest, assignment: [:]) == .join(memberId: "m-1", backoffMs: 100))
        #expect(machine.state == .joining)
    }

    @Test func fatalJoinErrorsFail() {
        var machine = GroupMembership(groupId: "g")
        _ = machine.start()
        _ = machine.coordinatorFound()
        guard case .fail(let error) = machine.joined(joinResult(.inconsistentGroupProtocol)) else {
            Issue.record("INCONSISTENT_GROUP_PROTOCOL must fail")
            return
        }
        #expect(error.description == "cannot join group 'g': INCONSISTENT_GROUP_PROTOCOL [23]")
        #expect(machine.close() == .none)
    }

    @Test func closeLeavesOnlyWhenTheCoordinatorKnowsUs() {
        var fresh = GroupMembership(groupId: "g")
        _ = fresh.start()
        #expect(fresh.close() == .none)
        var machine = stableMachine()
        #expect(machine.close() == .leave(memberId: "m-1"))
        #expect(machine.close() == .none)
    }

    @Test func lostConnectionWhileJoiningFindsTheCoordinatorAgain() {
        var machine = GroupMembership(groupId: "g")
        _ = machine.start()
        _ = machine.coordinatorFound()
        guard case .findCoordinator = machine.requestFailed(.connectionClosed(broker: "b")) else {
            Issue.record("expected a coordinator lookup")
            return
        }
        #expect(machine.coordinatorFound() == .join(memberId: "", backoffMs: 0))
    }
}
