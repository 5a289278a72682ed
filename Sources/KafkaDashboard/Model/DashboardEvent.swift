/// Everything that can change the screen model. The app turns terminal input, timers and data-source
/// answers into these and feeds them to `DashboardReducer` one at a time.
public enum DashboardEvent: Sendable {
    case key(Key)
    case resize(TerminalSize)
    /// The refresh timer; carries the wall clock so the model itself never reads a clock.
    case tick(nowMillis: Int64)
    case cluster(ClusterSnapshot, atMillis: Int64)
    case producer(ProducerSnapshot)
    case consumer(ConsumerSnapshot)
    /// Messages from the tail consumer. `received` also counts messages read but dropped before they
    /// got here (the source sampled, or they arrived faster than the UI drained them); `skipped`,
    /// messages the source jumped over without reading.
    case consumed(generation: Int, messages: [ConsumedMessage], received: Int, skipped: Int64 = 0)
    case tailFailed(generation: Int, message: String)
    case sendCompleted(SendResult)
    case groupOffsets(GroupOffsets)
    case status(StatusEvent)
    case brokers([BrokerActivity])
    case groups(GroupsSnapshot, atMillis: Int64)
    case groupDetail(GroupDetail, atMillis: Int64)
    case topicConfig(TopicConfig)
    case topicConfigFailed(topic: String, message: String)
    /// An admin action finished: what it came to, or the error's description.
    case adminCompleted(AdminAction, Result<AdminOutcome, DashboardFailureMessage>)
}

/// A failure's one-line description, carried in a `Result`.
public struct DashboardFailureMessage: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A request from the model to the app. The model never does I/O; it asks for it with these.
public enum DashboardEffect: Equatable, Sendable {
    case quit
    /// Throw away what the terminal shows and paint everything again (Ctrl-L).
    case redrawAll
    case send(SendRequest)
    /// Nil stops the load generator.
    case setLoadGenerator(LoadGeneratorSettings?)
    /// Replaces any running tail.
    case startTail(TailRequest)
    case stopTail
    case setTailPaused(Bool)
    case queryGroupOffsets(group: String, topic: String)
    /// Start polling the groups list (from then on, for the sparklines' history).
    case watchGroups
    /// Poll this group's detail while it is open; nil stops.
    case watchGroupDetail(String?)
    case queryTopicConfig(String)
    case admin(AdminAction)
    case saveMessages(path: String, messages: [ConsumedMessage])
    /// Put these bytes on the terminal's clipboard (OSC 52); the UI loop does it, it owns the terminal.
    case copyToClipboard([UInt8])
}

/// Terminal size in character cells.
public struct TerminalSize: Equatable, Sendable {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
}
