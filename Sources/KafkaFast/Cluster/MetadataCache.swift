import KafkaProtocol
import NIOConcurrencyHelpers

/// The client's view of the cluster, refreshed on demand (a missing topic, a leader change)
/// and on a timer. Concurrent refreshes for the whole cluster share one request.
package final class MetadataCache: Sendable {
    private struct State {
        var current: ClusterMetadata?
        /// Every broker any metadata answer named, by node id, at its latest address: a broker
        /// that went down drops out of the cluster's answers but not out of view.
        var everListed: [Int32: BrokerAddress] = [:]
        var fullRefresh: Task<ClusterMetadata, any Error>?
        var timer: Task<Void, Never>?
        var closed = false
    }

    private let state = NIOLockedValueBox(State())
    private let refreshIntervalMs: Int

    init(bootstrap: [BrokerAddress], refreshIntervalMs: Int) {
        self.refreshIntervalMs = refreshIntervalMs
    }

    var current: ClusterMetadata? { state.withLockedValue { $0.current } }

    /// Every broker listed since the client started, by node id (see `State.everListed`).
    var everListed: [Int32: BrokerAddress] { state.withLockedValue { $0.everListed } }
    /// Adds what `metadata` says about its topics (and its brokers) to the cache, as a refresh
    /// that named them would (the fuzz targets give the client answers this way).
    package func remember(_ metadata: ClusterMetadata) { _ = store(metadata, replacingAllTopics: false) }

    func refresh(topics: [String]?, using client: KafkaClient) async throws(KafkaError) -> ClusterMetadata {
        startTimerIfNeeded(client)
        if topics == nil {
            let task: Task<ClusterMetadata, any Error> = state.withLockedValue { state in
                if let running = state.fullRefresh { return running }
                let task = Task { try await Self.fetch(topics: nil, client: client) }
                state.fullRefresh = task
                return task
            }
            defer { state.withLockedValue { if $0.fullRefresh == task { $0.fullRefresh = nil } } }
            do {
                return store(try await task.value, replacingAllTopics: true)
            } catch {
                throw (error as? KafkaError) ?? .noBrokerAvailable("\(error)")
            }
        }
        return store(try await Self.fetch(topics: topics, client: client), replacingAllTopics: false)
    }

    private func store(_ fetched: ClusterMetadata, replacingAllTopics: Bool) -> ClusterMetadata {
        state.withLockedValue { state in
            let merged = state.current?.merging(fetched, replacingAllTopics: replacingAllTopics) ?? fetched
            state.current = merged
            for (id, broker) in fetched.brokers { state.everListed[id] = broker.address }
            return merged
        }
    }

    private static func fetch(topics: [String]?, client: KafkaClient) async throws(KafkaError) -> ClusterMetadata {
        let connection = try await client.anyConnection()
        let request = MetadataRequest(
            topics: topics.map { $0.map { MetadataRequest.MetadataRequestTopic(name: $0) } },
            allowAutoTopicCreation: false)
        let response = try await connection.send(request)
        let version = connection.version(for: MetadataRequest.self) ?? 0
        return try ClusterMetadata(
            validating: response, check: AnswerCheck(broker: connection.address.description, MetadataRequest.self, version: version),
            requested: topics)
    }

    private func startTimerIfNeeded(_ client: KafkaClient) {
        let interval = UInt64(refreshIntervalMs) * 1_000_000
        state.withLockedValue { state in
            guard state.timer == nil, !state.closed else { return }
            state.timer = Task { [weak client] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: interval)
                    guard let client, !Task.isCancelled else { return }
                    _ = try? await client.metadataCache.refresh(topics: nil, using: client)
                }
            }
        }
    }

    func close() {
        let timer = state.withLockedValue { state -> Task<Void, Never>? in
            state.closed = true
            return state.timer
        }
        timer?.cancel()
    }
}
