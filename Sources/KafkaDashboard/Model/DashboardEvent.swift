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
