import KafkaProtocol
import NIOCore

/// Which broker leads each partition, and the sinks that send to them: leaders from metadata
/// (checked on the way in), the routing of partition buffers to sinks, waking the sinks.
extension ProducerCore {
    /// Leaders after a metadata refresh; partitions whose leader moved go to the new sink. One
    /// refresh at a time (the housekeeping tick, sinks that cannot connect and leader errors all
    /// ask), at most one per `retry.backoff.ms` while they fail, each failure logged.
    func refreshLeaders() async {
        let names = topics.withLockedValue { Array($0.keys) }
        guard !names.isEmpty, leaderRefresh.begin() else { return }
        defer { leaderRefresh.end(backoffMs: settings.retryBackoffMs) }
        do throws(KafkaError) {
            applyLeaders(try await client.metadata(topics: names, refresh: true))
            leaderRefresh.streak.succeeded()
        } catch {
            leaderRefresh.streak.failed(broker: error.broker ?? "any", reason: error.description)
            noteTrouble(error.description)
        }
    }

    /// Gives each partition buffer its leader from `metadata` (checked by `ClusterMetadata`:
    /// partition ids 0..<count, leaders that are brokers of the answer or -1). A topic whose
    /// partition count changed keeps its buffers: only partitions both know are updated.
    package func applyLeaders(_ metadata: ClusterMetadata) {
        for (name, route) in topics.withLockedValue({ $0 }) {
            guard let buffers = route.partitions, let topic = metadata.topics[name] else { continue }
            for partition in topic.partitions where buffers.indices.contains(Int(partition.id)) {
                let buffer = buffers[Int(partition.id)]
                let previous = buffer.leader
                guard previous != partition.leader else { continue }
                buffer.leader = partition.leader
                // A move is news (a broker went away, a reassignment); the first leader is not.
                if previous >= 0 {
                    client.config.logger.info("partition leader moved", metadata: [
                        "topic": "\(name)", "partition": "\(partition.id)", "from": "\(previous)", "to": "\(partition.leader)"])
                }
            }
        }
        rebuildRouting()
        wakeAllSinks()
    }

    func rebuildRouting() {
        let all = topics.withLockedValue { $0.values.compactMap(\.partitions) }.flatMap { $0 }
        var bySink: [SinkKey: [PartitionBuffer]] = [:]
        for buffer in all { bySink[SinkKey(nodeId: buffer.leader, lane: buffer.lane), default: []].append(buffer) }
        routing.withLockedValue { $0 = bySink }
    }

    func partitions(for sink: SinkKey) -> [PartitionBuffer] { routing.withLockedValue { $0[sink] ?? [] } }

    package func allPartitions() -> [PartitionBuffer] { routing.withLockedValue { $0.values.flatMap { $0 } } }

    /// The sink of the partition's leader and lane, nil while no leader is known.
    func sink(for buffer: PartitionBuffer) -> BrokerSink? { sink(for: SinkKey(nodeId: buffer.leader, lane: buffer.lane)) }

    private func sink(for key: SinkKey) -> BrokerSink? {
        guard key.nodeId >= 0 else { return nil }
        return sinks.withLockedValue { sinks in
            if let sink = sinks[key] { return sink }
            let sink = BrokerSink(key: key, owner: self, eventLoop: client.group.next())
            sinks[key] = sink
            return sink
        }
    }

    func wakeAllSinks() {
        for key in routing.withLockedValue({ Array($0.keys) }) { sink(for: key)?.wakeup() }
    }
}
