import KafkaDashboard
import KafkaFast

/// The brokers, groups and configuration views on the client: per-broker statistics, the groups
/// overview with lag against the watermarks the cluster poll keeps, one group's detail, DescribeConfigs.
extension KafkaDashboardSource {
    package func brokerActivity() async -> [BrokerActivity] {
        let produce = state.withLock { $0.produceByLeader }
        return brokerMeter.activity(client.brokerStatistics(), produce: produce, nowMillis: Self.nowMillis())
    }

    /// A cluster without ListGroups (librdkafka's mock, say) gives a list that says so, not an error.
    package func groups() async throws -> GroupsSnapshot {
        let overviews: [GroupOverview]
        do {
            overviews = try await client.groupOverviews()
        } catch {
            if error.code == .unsupportedApi { return GroupsSnapshot(unavailable: error.description) }
            throw error
        }
        let watermarks = state.withLock { $0.watermarks }
        return GroupsSnapshot(groups: overviews.map { overview in
            let description = overview.description
            var lag: Int64?
            for (topic, partitions) in overview.committed {
                for (partition, committed) in partitions {
                    guard let high = watermarks[topic]?[partition]?.high else { continue }
                    lag = (lag ?? 0) + max(0, high - committed)
                }
            }
            let assigned = Set(description?.members.flatMap { $0.assignment.keys } ?? [])
            return GroupSummary(
                id: overview.groupId, state: description?.state ?? "?", protocolType: description?.protocolType ?? "",
                protocolName: description?.protocolName ?? "", memberCount: description?.members.count ?? 0,
                topics: assigned.union(overview.committed.keys).sorted(), committedTopics: overview.committed.keys.sorted(),
                totalLag: lag, problem: overview.problem)
        })
    }

    /// Members and, for every partition of the topics the group committed on or is assigned, its
    /// committed offset against a fresh end offset.
    package func groupDetail(_ group: String) async throws -> GroupDetail {
        let description = try await client.describeGroup(group)
        let committed = try await client.committedOffsets(group: group, partitions: nil)
        let assigned = description.members.flatMap { member in
            member.assignment.flatMap { topic, partitions in partitions.map { TopicPartition(topic, $0) } }
        }
        let topics = Set(committed.keys).union(assigned.map(\.topic)).sorted()
        var partitions: [GroupDetail.Partition] = []
        for topic in topics {
            let marks = try await client.watermarks(topic: topic)
            for mark in marks {
                partitions.append(GroupDetail.Partition(
                    topic: topic, partition: mark.partition, committed: committed[topic]?[mark.partition], end: mark.high))
            }
        }
        return GroupDetail(
            group: group, state: description.state, protocolName: description.protocolName,
            members: description.members.map { member in
                GroupDetail.Member(
                    memberId: member.memberId, clientId: member.clientId, host: member.clientHost,
                    assignment: member.assignment.keys.sorted().flatMap { topic in
                        member.assignment[topic]!.sorted().map { TopicPartition(topic, $0) }
                    })
            },
            partitions: partitions)
    }

    package func topicConfig(_ topic: String) async throws -> TopicConfig {
        let entries = try await client.describeTopicConfig(topic)
        return TopicConfig(topic: topic, entries: entries.map { entry in
            TopicConfig.Entry(
                name: entry.name, value: entry.value, source: entry.source.description, isDefault: entry.source.isDefault,
                isSensitive: entry.isSensitive, isReadOnly: entry.isReadOnly)
        })
    }
}
