import KfastFormats
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import KafkaDashboard
import KafkaFast

#if canImport(Glibc)
import Glibc
#endif

/// The dashboard's admin actions and its `w` on the client: the same admin calls the CLI makes.
extension KafkaDashboardSource {
    package func perform(_ action: AdminAction) async throws -> AdminOutcome {
        switch action {
        case .createTopic(let creation):
            try await client.createTopic(
                creation.name, partitions: creation.partitions ?? -1, replicationFactor: creation.replicationFactor ?? -1,
                configs: Dictionary(creation.configs.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }))
            let count = try await client.metadata(topics: [creation.name], refresh: true).topics[creation.name]?.partitions.count
            return .done("created topic \(creation.name)" + (count.map { " with \($0) partition\($0 == 1 ? "" : "s")" } ?? ""))
        case .deleteTopic(let topic):
            try await client.deleteTopic(topic)
            forgetDeleted(topic)
            return .done("deleted topic \(topic)")
        case let .addPartitions(topic, count):
            let before = try await client.createPartitions(topic: topic, totalCount: count)
            return .done("topic \(topic) has \(count) partitions (was \(before))")
        case .previewOffsetReset(let request):
            let plan = try await client.planOffsetReset(
                group: request.group, topics: request.topic.map { [$0] }, to: Self.target(request.mode))
            return .preview(OffsetResetPreview(request: request, entries: plan.partitions.map {
                OffsetResetPreview.Entry(topic: $0.topic, partition: $0.partition, current: $0.current, new: $0.new, clamped: $0.clamped)
            }))
        case .applyOffsetReset(let preview):
            // Exactly what was shown and confirmed, not worked out again.
            let plan = OffsetResetPlan(
                group: preview.request.group, target: Self.target(preview.request.mode),
                partitions: preview.entries.map {
                    OffsetResetPlan.Partition(topic: $0.topic, partition: $0.partition, current: $0.current, new: $0.new,
                                              low: 0, high: 0, clamped: $0.clamped)
                })
            try await client.applyOffsetReset(plan)
            let count = preview.entries.count
            return .done("reset \(count) partition\(count == 1 ? "" : "s") of group \(preview.request.group)")
        }
    }

    static func target(_ mode: OffsetResetMode) -> OffsetResetTarget {
        switch mode {
        case .earliest: .earliest
        case .latest: .latest
        case .timestamp(let millis): .timestamp(millis)
        case .offset(let offset): .offset(offset)
        }
    }

    /// JSON lines in `kfast consume -J`'s envelope; "broker" is the partition's leader now.
    package func saveMessages(_ messages: [KafkaDashboard.ConsumedMessage], to path: String) async throws -> String {
        let metadata = try? await client.metadata()
        let home = getenv("HOME").map { String(cString: $0) } ?? ""
        let expanded = path.hasPrefix("~/") && !home.isEmpty ? home + path.dropFirst() : path
        let absolute = URL(fileURLWithPath: expanded).standardizedFileURL.path
        let fd = open(absolute, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DashboardFailure(description: String(cString: strerror(errno))) }
        defer { close(fd) }
        var out = ByteOutput(fd: fd)
        for message in messages {
            let leader = metadata?.topics[message.topic]?.partition(message.partition)?.leader ?? -1
            JSONEnvelope.write(
                topic: message.topic, partition: message.partition, offset: message.offset,
                logAppendTime: message.timestampType == .logAppend, timestamp: message.timestampMillis, broker: leader,
                headers: message.headers, name: \.key, value: \.value, key: message.key, payload: message.value, to: &out)
            out.flushIfFull()
        }
        out.flush()
        guard !out.pipeClosed else { throw DashboardFailure(description: "write failed: \(String(cString: strerror(errno)))") }
        return absolute
    }
}
