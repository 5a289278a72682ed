// Inputs of the brokers, groups and topic configuration views: plain values the adapter fills from
// the client, like those in DashboardInput.swift.

/// One broker as the client sees it, sampled every refresh.
public struct BrokerActivity: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        /// The client has a connection open to it.
        case up
        /// Its last dial failed or its last connection dropped, and nothing came up since.
        case down
        /// Not needed yet (or every connection was closed by the client).
        case idle
    }

    /// Node id; nil for a bootstrap address no metadata has named.
    public var id: Int32?
    public var address: String
    public var state: State
    /// Whether the cluster's latest metadata lists it (a broker that is down drops out).
    public var listed: Bool
    public var inFlightRequests: Int
    /// Acknowledged produce traffic of the partitions it leads.
    public var produce: Throughput
    /// Bytes a second read from it by fetches.
    public var fetchBytesPerSecond: Double
    /// Round trip of the requests answered over the last few seconds; nil when none were.
    public var roundTripP50Millis: Double?
    public var roundTripP99Millis: Double?
    /// Failed dials, dropped connections and unanswered requests since the start.
    public var errors: Int64
    public var reconnects: Int64
    /// Why its last dial failed or its last connection dropped.
    public var lastFailure: String?

    public init(
        id: Int32?, address: String, state: State, listed: Bool = true, inFlightRequests: Int = 0,
        produce: Throughput = .zero, fetchBytesPerSecond: Double = 0, roundTripP50Millis: Double? = nil,
        roundTripP99Millis: Double? = nil, errors: Int64 = 0, reconnects: Int64 = 0, lastFailure: String? = nil
    ) {
        self.id = id
        self.address = address
        self.state = state
        self.listed = listed
        self.inFlightRequests = inFlightRequests
        self.produce = produce
        self.fetchBytesPerSecond = fetchBytesPerSecond
        self.roundTripP50Millis = roundTripP50Millis
        self.roundTripP99Millis = roundTripP99Millis
        self.errors = errors
        self.reconnects = reconnects
        self.lastFailure = lastFailure
    }
}

/// One consumer group in the groups list.
public struct GroupSummary: Sendable, Equatable {
    public var id: String
    /// Kafka's state names (Stable, Empty, PreparingRebalance, ...), or what the broker says.
    public var state: String
    public var protocolType: String
    /// The assignor a consumer group chose (range, roundrobin, ...).
    public var protocolName: String
    public var memberCount: Int
    /// Topics the group has committed offsets on or its members are assigned.
    public var topics: [String]
    /// The topics with committed offsets (the offsets view's group picker offers these groups).
    public var committedTopics: [String]
    /// Sum over committed partitions of end offset minus committed offset; nil when nothing is committed.
    public var totalLag: Int64?
    /// Why part of the group's data is missing, if it is.
    public var problem: String?

    public init(
        id: String, state: String, protocolType: String = "consumer", protocolName: String = "", memberCount: Int = 0,
        topics: [String] = [], committedTopics: [String] = [], totalLag: Int64? = nil, problem: String? = nil
    ) {
        self.id = id
        self.state = state
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.memberCount = memberCount
        self.topics = topics
        self.committedTopics = committedTopics
        self.totalLag = totalLag
        self.problem = problem
    }
}

/// Every group on the cluster, or why there is no list.
public struct GroupsSnapshot: Sendable, Equatable {
    public var groups: [GroupSummary]
    /// Set when the cluster cannot list or describe groups at all (a missing API): the view says so.
    public var unavailable: String?

    public init(groups: [GroupSummary] = [], unavailable: String? = nil) {
        self.groups = groups
        self.unavailable = unavailable
    }
}

/// One group opened from the groups list: its members and where it is on each partition.
public struct GroupDetail: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var memberId: String
        public var clientId: String
        public var host: String
        /// Empty when the broker gives no assignment (Tansu sends members without partitions).
        public var assignment: [TopicPartition]

        public init(memberId: String, clientId: String, host: String, assignment: [TopicPartition]) {
            self.memberId = memberId
            self.clientId = clientId
            self.host = host
            self.assignment = assignment
        }
    }

    public struct Partition: Sendable, Equatable {
        public var topic: String
        public var partition: Int32
        /// Nil when the group has committed nothing here.
        public var committed: Int64?
        /// The partition's end offset (high watermark).
        public var end: Int64

        public init(topic: String, partition: Int32, committed: Int64?, end: Int64) {
            self.topic = topic
            self.partition = partition
            self.committed = committed
            self.end = end
        }

        public var lag: Int64? { committed.map { max(0, end - $0) } }
    }

    public var group: String
    public var state: String
    public var protocolName: String
    public var members: [Member]
    /// Every partition of every topic the group has committed on or is assigned, by topic and partition.
    public var partitions: [Partition]

    public init(group: String, state: String, protocolName: String = "", members: [Member] = [], partitions: [Partition] = []) {
        self.group = group
        self.state = state
        self.protocolName = protocolName
        self.members = members
        self.partitions = partitions
    }
}

/// A topic's configuration as the cluster describes it.
public struct TopicConfig: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        /// Nil for a sensitive value (never sent) or one that is not set.
        public var value: String?
        /// Where the value comes from: "topic", "default", "static broker", "dynamic broker", ...
        public var source: String
        /// Kafka's or the broker's default rather than set on the topic: drawn dimmed.
        public var isDefault: Bool
        public var isSensitive: Bool
        public var isReadOnly: Bool

        public init(name: String, value: String?, source: String, isDefault: Bool, isSensitive: Bool = false, isReadOnly: Bool = false) {
            self.name = name
            self.value = value
            self.source = source
            self.isDefault = isDefault
            self.isSensitive = isSensitive
            self.isReadOnly = isReadOnly
        }
    }

    public var topic: String
    public var entries: [Entry]

    public init(topic: String, entries: [Entry]) {
        self.topic = topic
        self.entries = entries
    }
}
