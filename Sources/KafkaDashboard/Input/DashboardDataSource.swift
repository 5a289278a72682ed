/// Everything the dashboard reads from, or asks of, a Kafka client.
///
/// The app calls these from background tasks, never from the UI loop, so a slow or unreachable broker
/// shows up as a status-line message and stale numbers, never as a frozen screen. Implementations should
/// still return promptly where they can (a cached snapshot is better than a fresh network round trip).
public protocol DashboardDataSource: Sendable {
    /// Cluster id, brokers and their connection state, topics with partitions and watermarks.
    /// Polled about once a second; a thrown error is shown on the status line and the last snapshot kept.
    func clusterSnapshot() async throws -> ClusterSnapshot

    /// Producer metrics, polled every refresh.
    func producerSnapshot() async -> ProducerSnapshot

    /// Consumer metrics, polled every refresh.
    func consumerSnapshot() async -> ConsumerSnapshot

    /// Things worth telling the user as they happen (broker unreachable, request failed, ...).
    /// The stream is read until the dashboard exits.
    func statusEvents() -> AsyncStream<StatusEvent>

    /// Sends one test message and reports where it landed.
    func send(_ request: SendRequest) async -> SendResult

    /// Starts, retunes (a new value) or stops (nil) the load generator.
    func setLoadGenerator(_ settings: LoadGeneratorSettings?) async

    /// Follows a topic. The dashboard cancels the reading task to stop the tail. A source should
    /// hand over about `request.messagesPerSecond` messages a second: following the end of a flood it
    /// samples (and counts what it passed over in `TailBatch.received` and `skipped`); reading from an
    /// older position it pages through in order, at that pace, waiting while the dashboard does not
    /// read. Either way the dashboard never falls behind.
    func tail(_ request: TailRequest) -> AsyncThrowingStream<TailBatch, any Error>

    /// Committed offsets (and, when the source knows it, lag) of a consumer group on a topic.
    func groupOffsets(group: String, topic: String) async throws -> GroupOffsets

    /// Every broker the client knows or has dialled, polled every refresh.
    func brokerActivity() async -> [BrokerActivity]

    /// Every consumer group, polled once the groups view (or the group picker) was first opened.
    /// A cluster that cannot list groups returns a snapshot that says why (`unavailable`) rather
    /// than throwing; a thrown error is shown on the status line and the last list kept.
    func groups() async throws -> GroupsSnapshot

    /// One group's members and offsets, polled while it is open.
    func groupDetail(_ group: String) async throws -> GroupDetail

    /// A topic's configuration (the configuration view).
    func topicConfig(_ topic: String) async throws -> TopicConfig

    /// Carries out a change the user confirmed; a thrown error's description is shown as it is.
    func perform(_ action: AdminAction) async throws -> AdminOutcome

    /// Writes `messages` to `path` as JSON lines, one message each, in the envelope
    /// `kfast consume -J` prints (so `kfast produce --json` replays them); returns the path written.
    func saveMessages(_ messages: [ConsumedMessage], to path: String) async throws -> String
}
