/// The only code that changes `DashboardState`. Pure: it reads no clock, does no I/O, and asks the app
/// for side effects by returning `DashboardEffect`s.
public struct DashboardReducer: Sendable {
    public var keyTable: KeyTable

    public init(keyTable: KeyTable = .standard) {
        self.keyTable = keyTable
    }

    public func reduce(_ state: inout DashboardState, _ event: DashboardEvent) -> [DashboardEffect] {
        switch event {
        case .key(let key):
            return handle(key: key, state: &state)

        case .resize(let size):
            state.size = size
            clampCursors(&state)
            return []

        case .tick(let now):
            state.nowMillis = now
            state.tail.sampling.roll(nowMillis: now)
            if !state.paused {
                state.history.sampleIfDue(nowMillis: now, producer: state.producer)
                state.groups.sampleLag(nowMillis: now)
            }
            return []

        case let .cluster(snapshot, at):
            if state.paused {
                state.pendingCluster = (snapshot, at)
                return []
            }
            return apply(cluster: snapshot, at: at, state: &state)

        case .producer(let snapshot):
            if state.paused {
                state.pendingProducer = snapshot
                return []
            }
            state.producer = snapshot
            refreshRows(&state)
            return []

        case .consumer(let snapshot):
            if state.paused {
                state.pendingConsumer = snapshot
                return []
            }
            state.consumer = snapshot
            // Consume rates are only in the topic rows; the partition rows stay as they are.
            refreshRows(&state, partitions: false)
            return []

        case let .consumed(generation, messages, received, skipped):
            guard generation == state.tail.request?.generation else { return [] }
            state.tail.ingest(messages, received: received, skipped: skipped, nowMillis: state.nowMillis)
            state.tail.lastError = nil
            return []

        case let .tailFailed(generation, message):
            guard generation == state.tail.request?.generation else { return [] }
            state.tail.lastError = message
            report(.error, "tail stopped: \(message)", &state)
            return []

        case .sendCompleted(let result):
            guard state.lastSend?.request.id == result.requestID else { return [] }
            state.lastSend?.result = result
            if case .failed(let name) = result.outcome { report(.warning, "send failed: \(name)", &state) }
            return []

        case .groupOffsets(let offsets):
            guard offsets.group == state.groupID, offsets.topic == state.selectedTopic else { return [] }
            state.groupOffsets = offsets
            return []

        case .status(let event):
            state.status = event
            if event.severity == .error { state.statusErrorCount += 1 }
            return []

        case .brokers(let activity):
            if !state.paused { state.brokers.activity = activity }
            clampCursors(&state)
            return []

        case let .groups(snapshot, at):
            // Held back while paused like the other live data; the next poll after resuming brings it.
            guard !state.paused else { return [] }
            state.groups.apply(snapshot, atMillis: at)
            state.picker?.setCandidates(from: snapshot)
            clampCursors(&state)
            return []

        case let .groupDetail(detail, at):
            guard state.groups.detail?.group == detail.group else { return [] }
            state.groups.detail?.apply(detail, atMillis: at)
            return []

        case .topicConfig(let config):
            state.configs.apply(config)
            clampCursors(&state)
            return []

        case let .topicConfigFailed(topic, message):
            state.configs.fail(topic: topic, message)
            return []

        case let .adminCompleted(action, result):
            return adminCompleted(action, result, state: &state)
        }
    }

    // MARK: - Data

    private func apply(cluster: ClusterSnapshot, at: Int64, state: inout DashboardState) -> [DashboardEffect] {
        state.cluster = cluster
        state.clusterUpdatedAtMillis = at
        state.brokers.countLeaders(cluster)
        refreshRows(&state)
        if let tailed = state.tail.request?.topic, !cluster.topics.contains(where: { $0.name == tailed }) {
            state.tail.request = nil
            report(.warning, "topic \(tailed) no longer exists; tail stopped", &state)
            return [.stopTail]
        }
        // The first topic to appear is opened so the screen has something to show straight away.
        let effects = viewEffects(&state)
        guard state.tail.request == nil, let topic = state.selectedTopic else { return effects }
        return effects + [startTail(topic: topic, partition: nil, start: .end, state: &state)]
    }

    /// Rebuilds the topic and partition rows, keeping the cursors on the same topic and partition.
    /// `partitions: false` rebuilds only the topic rows, unless the selected topic changes.
    func refreshRows(_ state: inout DashboardState, partitions: Bool = true) {
        let previousPartition = state.selectedPartitionRow?.partition.id
        let previousTopic = state.selectedTopic
        state.topicRows = DerivedRows.topicRows(
            cluster: state.cluster, producer: state.producer, consumer: state.consumer,
            filter: state.topicFilter, showInternal: state.showInternalTopics)
        if let selected = state.selectedTopic, let index = state.topicRows.firstIndex(where: { $0.name == selected }) {
            state.topicCursor.selected = index
        } else if !state.topicRows.isEmpty {
            // The selected topic was filtered out or deleted: select whatever is under the cursor now.
            let index = min(max(0, state.topicCursor.selected), state.topicRows.count - 1)
            state.topicCursor.selected = index
            state.selectedTopic = state.topicRows[index].name
        }
        guard partitions || state.selectedTopic != previousTopic else {
            clampCursors(&state)
            return
        }
        state.partitionRows = DerivedRows.partitionRows(
            topic: state.selectedTopicMetadata, producer: state.producer, sort: state.partitionSort)
        if let previousPartition,
            let index = state.partitionRows.firstIndex(where: { $0.partition.id == previousPartition })
        {
            state.partitionCursor.selected = index
        }
        clampCursors(&state)
    }

    func clampCursors(_ state: inout DashboardState) {
        let layout = DashboardLayout(for: state)
        state.topicCursor.clamp(count: state.topicRows.count, visibleRows: layout.listRows(for: .topics, state: state))
        state.partitionCursor.clamp(
            count: state.partitionRows.count, visibleRows: layout.listRows(for: .partitions, state: state))
        state.offsetsCursor.clamp(
            count: state.partitionRows.count, visibleRows: layout.listRows(for: .offsets, state: state))
        state.groups.cursor.clamp(count: state.groups.rows.count, visibleRows: layout.listRows(for: .groups, state: state))
        state.brokers.cursor.clamp(
            count: state.brokers.rows(cluster: state.cluster).count, visibleRows: layout.listRows(for: .brokers, state: state))
        state.configs.cursor.clamp(count: state.configs.rows.count, visibleRows: layout.listRows(for: .configs, state: state))
    }

    func report(_ severity: StatusEvent.Severity, _ message: String, _ state: inout DashboardState) {
        _ = reduce(&state, .status(StatusEvent(severity, message, atMillis: state.nowMillis)))
    }

    /// Replaces the running tail: a new generation, so late batches from the old one are ignored.
    func startTail(topic: String, partition: Int32?, start: TailStart, state: inout DashboardState) -> DashboardEffect {
        let request = TailRequest(
            generation: state.nextTailGeneration, topic: topic, partition: partition, start: start,
            messagesPerSecond: state.tail.displayBudgetPerSecond)
        state.nextTailGeneration += 1
        state.tail.request = request
        state.tail.clear()
        state.tail.receivedTotal = 0
        state.tail.skippedTotal = 0
        state.tail.lastError = nil
        return .startTail(request)
    }

    /// Applies what arrived while paused.
    func resume(_ state: inout DashboardState) -> [DashboardEffect] {
        state.paused = false
        var effects: [DashboardEffect] = [.setTailPaused(false)]
        if let (cluster, at) = state.pendingCluster { effects += apply(cluster: cluster, at: at, state: &state) }
        if let producer = state.pendingProducer { state.producer = producer }
        if let consumer = state.pendingConsumer { state.consumer = consumer }
        state.pendingCluster = nil
        state.pendingProducer = nil
        state.pendingConsumer = nil
        refreshRows(&state)
        return effects
    }
}
