/// One group member as the leader's assignor sees it.
public struct AssignorMember: Sendable, Equatable {
    /// The member id the coordinator gave it.
    public var memberId: String
    /// Its `group.instance.id`, for a static member; static members sort first.
    public var groupInstanceId: String?
    /// The topics it subscribes to.
    public var topics: [String]

    /// A member with its subscription.
    public init(memberId: String, groupInstanceId: String? = nil, topics: [String]) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.topics = topics
    }

    /// Java's `MemberInfo` order: static members (by instance id) first, then by member id.
    /// Mixed groups agree on who gets what only if every leader sorts the same way.
    static func precedes(_ a: AssignorMember, _ b: AssignorMember) -> Bool {
        switch (a.groupInstanceId, b.groupInstanceId) {
        case let (x?, y?): return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a.memberId < b.memberId
        }
    }
}

/// A strategy the group leader runs to split partitions among members; its `name` is the
/// protocol name in JoinGroup, shared with the Java client and librdkafka.
public protocol PartitionAssignor: Sendable {
    /// The protocol name in JoinGroup (`range`, `roundrobin`): members of any client that offer
    /// the same name run the same algorithm.
    var name: String { get }
    /// - Parameters:
    ///   - members: every member of the generation with its subscription, in any order.
    ///   - partitionCounts: partitions per subscribed topic (topics missing here are
    ///     unknown to the cluster and get assigned to nobody).
    /// - Returns: an entry for every member, possibly empty.
    func assign(members: [AssignorMember], partitionCounts: [String: Int32]) -> [String: PartitionsByTopic]
}

extension PartitionAssignor {
    static func emptyAssignment(_ members: [AssignorMember]) -> [String: PartitionsByTopic] {
        Dictionary(uniqueKeysWithValues: members.map { ($0.memberId, [:]) })
    }
}

/// Kafka's `range`: per topic, the subscribed members in order take consecutive ranges, the
/// first `partitions % members` of them one partition more.
public struct RangeAssignor: PartitionAssignor {
    /// `range`.
    public let name = "range"
    /// The range assignor.
    public init() {}

    /// Per topic, consecutive ranges to the subscribed members in Java's member order.
    public func assign(members: [AssignorMember], partitionCounts: [String: Int32]) -> [String: PartitionsByTopic] {
        var result = Self.emptyAssignment(members)
        let topics = Set(members.flatMap(\.topics)).sorted()
        for topic in topics {
            guard let count = partitionCounts[topic], count > 0 else { continue }
            let subscribed = members.filter { $0.topics.contains(topic) }.sorted(by: AssignorMember.precedes)
            let perMember = Int(count) / subscribed.count
            let extra = Int(count) % subscribed.count
            for (index, member) in subscribed.enumerated() {
                let start = perMember * index + min(index, extra)
                let length = perMember + (index < extra ? 1 : 0)
                guard length > 0 else { continue }
                result[member.memberId, default: [:]][topic] = (start..<start + length).map { Int32($0) }
            }
        }
        return result
    }
}

/// Kafka's `roundrobin`: every partition of every subscribed topic, sorted by topic then
/// partition, dealt in turn to the members (in order) that subscribe to its topic.
public struct RoundRobinAssignor: PartitionAssignor {
    /// `roundrobin`.
    public let name = "roundrobin"
    /// The round-robin assignor.
    public init() {}

    /// Every partition dealt in turn to the members that subscribe to its topic.
    public func assign(members: [AssignorMember], partitionCounts: [String: Int32]) -> [String: PartitionsByTopic] {
        var result = Self.emptyAssignment(members)
        let ordered = members.sorted(by: AssignorMember.precedes)
        guard !ordered.isEmpty else { return result }
        var next = 0
        for topic in Set(members.flatMap(\.topics)).sorted() {
            guard let count = partitionCounts[topic], count > 0 else { continue }
            for partition in 0..<count {
                // Someone subscribes to this topic (it came from a subscription), so this ends.
                while !ordered[next].topics.contains(topic) { next = (next + 1) % ordered.count }
                result[ordered[next].memberId, default: [:]][topic, default: []].append(partition)
                next = (next + 1) % ordered.count
            }
        }
        return result
    }
}

/// The assignors `partition.assignment.strategy` can name.
public enum PartitionAssignors {
    /// The assignor for a `partition.assignment.strategy` name, nil when not supported.
    public static func named(_ name: String) -> (any PartitionAssignor)? {
        switch name {
        case "range": return RangeAssignor()
        case "roundrobin": return RoundRobinAssignor()
        default: return nil
        }
    }
}
