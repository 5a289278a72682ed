import Testing
@testable import KafkaFast

/// The assignors against the results Kafka's Java RangeAssignor / RoundRobinAssignor give for
/// the same input (worked out from their documented algorithms).
@Suite struct PartitionAssignorTests {
    let range = RangeAssignor()
    let roundRobin = RoundRobinAssignor()

    func members(_ ids: [String], topics: [String]) -> [AssignorMember] {
        ids.map { AssignorMember(memberId: $0, topics: topics) }
    }

    /// Every partition of every topic owned by exactly one member.
    func expectExactCover(_ plan: [String: PartitionsByTopic], _ counts: [String: Int32]) {
        var owners: [String: Int] = [:]
        for assignment in plan.values {
            for (topic, partitions) in assignment {
                for partition in partitions { owners["\(topic)/\(partition)", default: 0] += 1 }
            }
        }
        let expected = Set(counts.flatMap { topic, count in (0..<count).map { "\(topic)/\($0)" } })
        #expect(Set(owners.keys) == expected)
        #expect(owners.values.allSatisfy { $0 == 1 })
    }

    @Test func rangeGivesTheFirstMembersTheRemainder() {
        let plan = range.assign(members: members(["c", "a", "b"], topics: ["t"]), partitionCounts: ["t": 8])
        #expect(plan["a"] == ["t": [0, 1, 2]])
        #expect(plan["b"] == ["t": [3, 4, 5]])
        #expect(plan["c"] == ["t": [6, 7]])
        expectExactCover(plan, ["t": 8])
    }

    @Test func rangeWorksPerTopic() {
        let plan = range.assign(members: members(["m1", "m2"], topics: ["x", "y"]), partitionCounts: ["x": 3, "y": 3])
        #expect(plan["m1"] == ["x": [0, 1], "y": [0, 1]])
        #expect(plan["m2"] == ["x": [2], "y": [2]])
    }

    @Test func rangeLeavesSurplusMembersEmpty() {
        let plan = range.assign(members: members(["a", "b", "c"], topics: ["t"]), partitionCounts: ["t": 2])
        #expect(plan["a"] == ["t": [0]])
        #expect(plan["b"] == ["t": [1]])
        #expect(plan["c"] == [:])
    }

    @Test func roundRobinDealsAcrossTopicsInOrder() {
        let plan = roundRobin.assign(members: members(["b", "a"], topics: ["x", "y"]), partitionCounts: ["x": 3, "y": 2])
        // x0 a, x1 b, x2 a, y0 b, y1 a
        #expect(plan["a"] == ["x": [0, 2], "y": [1]])
        #expect(plan["b"] == ["x": [1], "y": [0]])
        expectExactCover(plan, ["x": 3, "y": 2])
    }

    @Test func roundRobinSkipsMembersNotSubscribed() {
        let group = [
            AssignorMember(memberId: "a", topics: ["x"]),
            AssignorMember(memberId: "b", topics: ["x", "y"]),
            AssignorMember(memberId: "c", topics: ["y"]),
        ]
        let plan = roundRobin.assign(members: group, partitionCounts: ["x": 3, "y": 3])
        // x0 a, x1 b, x2 a (c skipped), y0 b, y1 c, y2 b
        #expect(plan["a"] == ["x": [0, 2]])
        #expect(plan["b"] == ["x": [1], "y": [0, 2]])
        #expect(plan["c"] == ["y": [1]])
        expectExactCover(plan, ["x": 3, "y": 3])
    }

    @Test func staticMembersSortFirstByInstanceId() {
        let group = [
            AssignorMember(memberId: "a", topics: ["t"]),
            AssignorMember(memberId: "z", groupInstanceId: "i2", topics: ["t"]),
            AssignorMember(memberId: "y", groupInstanceId: "i1", topics: ["t"]),
        ]
        let plan = range.assign(members: group, partitionCounts: ["t": 3])
        #expect(plan["y"] == ["t": [0]])
        #expect(plan["z"] == ["t": [1]])
        #expect(plan["a"] == ["t": [2]])
    }

    @Test(arguments: [1, 2, 3, 5, 8], [1, 7, 8, 16])
    func bothCoverEveryPartitionOnce(memberCount: Int, partitions: Int) {
        let group = members((0..<memberCount).map { "member-\($0)" }, topics: ["t", "u"])
        let counts: [String: Int32] = ["t": Int32(partitions), "u": 3]
        for assignor in [range, roundRobin] as [any PartitionAssignor] {
            let plan = assignor.assign(members: group, partitionCounts: counts)
            #expect(plan.count == memberCount)
            expectExactCover(plan, counts)
        }
    }

    @Test func unknownTopicsAreAssignedToNobody() {
        let plan = range.assign(members: members(["a"], topics: ["gone"]), partitionCounts: [:])
        #expect(plan["a"] == [:])
    }

    @Test func namesMatchTheStandardProtocols() {
        #expect(PartitionAssignors.named("range")?.name == "range")
        #expect(PartitionAssignors.named("roundrobin")?.name == "roundrobin")
        #expect(PartitionAssignors.named("sticky") == nil)
    }
}
