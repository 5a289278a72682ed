import KafkaFast

/// `kfast topics` output, as text and as the documented JSON object.
enum TopicListing {
    static func json(metadata: ClusterMetadata, topics: [TopicMetadata], watermarks: [String: [Int32: PartitionWatermarks]]) -> String {
        let brokers: [JSON] = metadata.sortedBrokers.map {
            .object([("id", .int(Int64($0.id))), ("host", .string($0.host)), ("port", .int(Int64($0.port)))])
        }
        let topicValues: [JSON] = topics.map { topic in
            let partitions: [JSON] = topic.partitions.map { partition in
                let marks = watermarks[topic.name]?[partition.id]
                return .object([
                    ("partition", .int(Int64(partition.id))),
                    ("leader", .int(Int64(partition.leader))),
                    ("replicas", .array(partition.replicas.map { .int(Int64($0)) })),
                    ("isr", .array(partition.isr.map { .int(Int64($0)) })),
                    ("low", marks.map { .int($0.low) } ?? .null),
                    ("high", marks.map { .int($0.high) } ?? .null),
                ])
            }
            return .object([("name", .string(topic.name)), ("partitions", .array(partitions))])
        }
        return JSON.object([("brokers", .array(brokers)), ("topics", .array(topicValues))]).rendered
    }

    static func text(metadata: ClusterMetadata, topics: [TopicMetadata], watermarks: [String: [Int32: PartitionWatermarks]]) -> String {
        var lines: [String] = []
        let cluster = metadata.clusterId.map { "cluster \($0)" } ?? "cluster (no id)"
        lines.append("\(cluster), \(metadata.brokers.count) broker\(metadata.brokers.count == 1 ? "" : "s"):")
        for broker in metadata.sortedBrokers {
            let controller = broker.id == metadata.controllerId ? " (controller)" : ""
            lines.append("  broker \(broker.id) at \(broker.address)\(controller)")
        }
        lines.append("\(topics.count) topic\(topics.count == 1 ? "" : "s"):")
        for topic in topics {
            let internalMark = topic.isInternal ? ", internal" : ""
            let error = topic.error == .none ? "" : ", error \(topic.error.name)"
            lines.append("  topic \"\(topic.name)\" with \(topic.partitions.count) partitions\(internalMark)\(error):")
            var table = TextTable(headers: ["PARTITION", "LEADER", "REPLICAS", "ISR", "LOW", "HIGH"], rightAligned: [0, 1, 4, 5])
            for partition in topic.partitions {
                let marks = watermarks[topic.name]?[partition.id]
                table.add([
                    String(partition.id), String(partition.leader),
                    partition.replicas.map(String.init).joined(separator: ","),
                    partition.isr.map(String.init).joined(separator: ","),
                    marks.map { String($0.low) } ?? "-", marks.map { String($0.high) } ?? "-",
                ])
            }
            lines.append(table.rendered.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        return lines.joined(separator: "\n")
    }
}
