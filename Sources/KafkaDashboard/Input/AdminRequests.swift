// Changes to the cluster the dashboard asks for, each only after the user confirmed it (and never
// with `DashboardOptions.readOnly`), and what comes back.

/// A topic to create.
public struct TopicCreation: Sendable, Equatable {
    public var name: String
    /// Nil: the broker's default.
    public var partitions: Int32?
    /// Nil: the broker's default.
    public var replicationFactor: Int16?
    /// name=value settings, in the order typed.
    public var configs: [ConfigSetting]

    public init(name: String, partitions: Int32? = nil, replicationFactor: Int16? = nil, configs: [ConfigSetting] = []) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}

/// One `name=value` topic setting.
public struct ConfigSetting: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Where a group's offsets are reset to.
public enum OffsetResetMode: Sendable, Equatable {
    case earliest
    case latest
    /// The first message at or after this time (ms since the epoch); the end where none is that new.
    case timestamp(Int64)
    /// This offset on every partition, brought into the log's range.
    case offset(Int64)
}

/// A reset to preview: `group`'s offsets on `topic` (every partition of it; nil: every topic the
/// group has committed on).
public struct OffsetResetRequest: Sendable, Equatable {
    public var group: String
    public var topic: String?
    public var mode: OffsetResetMode

    public init(group: String, topic: String?, mode: OffsetResetMode) {
        self.group = group
        self.topic = topic
        self.mode = mode
    }
}

/// What a reset would do, partition by partition: shown before anything changes, and applied as shown.
public struct OffsetResetPreview: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var topic: String
        public var partition: Int32
        /// Nil when the group had committed nothing here.
        public var current: Int64?
        public var new: Int64
        /// An exact offset outside the log, brought to its nearest end.
        public var clamped: Bool

        public init(topic: String, partition: Int32, current: Int64?, new: Int64, clamped: Bool = false) {
            self.topic = topic
            self.partition = partition
            self.current = current
            self.new = new
            self.clamped = clamped
        }
    }

    public var request: OffsetResetRequest
    public var entries: [Entry]

    public init(request: OffsetResetRequest, entries: [Entry]) {
        self.request = request
        self.entries = entries
    }
}

/// A change to the cluster.
public enum AdminAction: Sendable, Equatable {
    case createTopic(TopicCreation)
    case deleteTopic(String)
    /// Raises the topic's partition count to `totalCount`.
    case addPartitions(topic: String, totalCount: Int32)
    /// Works out a reset without changing anything.
    case previewOffsetReset(OffsetResetRequest)
    case applyOffsetReset(OffsetResetPreview)
}

/// What an admin action came to.
public enum AdminOutcome: Sendable, Equatable {
    /// Done; the message says what changed.
    case done(String)
    /// The dry run of a reset, to confirm.
    case preview(OffsetResetPreview)
}
