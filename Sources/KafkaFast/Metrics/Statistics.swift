import NIOCore

/// librdkafka-style statistics (its `stats_cb` JSON, STATISTICS.md), so tooling written for
/// librdkafka can read kafka-fast's producer. Field names are librdkafka's where the meaning is
/// the same; times are microseconds as there. Fields librdkafka has and kafka-fast cannot know
/// are left out; a few of kafka-fast's own are added (`acked_msgs`, `failed_msgs`, `retries`).
extension KafkaProducer {
    /// Statistics JSON documents, one every `statistics.interval.ms`, until the producer closes.
    /// With `statistics.interval.ms=0` (the default) the sequence ends at once. A reader that
    /// falls behind gets the newest documents (eight are kept).
    public func statistics() -> AsyncStream<String> {
        let interval = settings.statisticsIntervalMs
        return AsyncStream(bufferingPolicy: .bufferingNewest(8)) { continuation in
            guard interval > 0 else { return continuation.finish() }
            let task = core.timerLoop.scheduleRepeatedTask(
                initialDelay: .milliseconds(Int64(interval)), delay: .milliseconds(Int64(interval))
            ) { [weak self] task in
                guard let self, !self.core.isClosed else {
                    continuation.finish()
                    return task.cancel()
                }
                continuation.yield(self.statisticsJSON())
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// One statistics document now.
    public func statisticsJSON() -> String {
        let metrics = metrics()
        let now = NIODeadline.now()
        let wallMicros = WallClock.milliseconds() * 1_000
        let brokers = metrics.brokers
        var document: [(String, OrderedJSON)] = [
            ("name", .string("\(client.config.clientId)#producer-1")),
            ("client_id", .string(client.config.clientId)),
            ("type", .string("producer")),
            ("ts", .int(Int64(now.uptimeNanoseconds / 1_000))),
            ("time", .int(wallMicros / 1_000_000)),
            ("age", .int((now - createdAt).nanoseconds / 1_000)),
            ("msg_cnt", .int(metrics.bufferedMessages)),
            ("msg_size", .int(metrics.bufferedBytes)),
            ("msg_max", .int(metrics.maxBufferedMessages)),
            ("msg_size_max", .int(metrics.maxBufferedBytes)),
            ("tx", .int(brokers.reduce(0) { $0 + $1.requests })),
            ("tx_bytes", .int(brokers.reduce(0) { $0 + $1.bytesOut })),
            ("rx", .int(brokers.reduce(0) { $0 + $1.responses })),
            ("rx_bytes", .int(brokers.reduce(0) { $0 + $1.bytesIn })),
            ("txmsgs", .int(metrics.partitions.reduce(0) { $0 + $1.sentMessages })),
            ("txmsg_bytes", .int(metrics.partitions.reduce(0) { $0 + $1.sentBytes })),
            ("rxmsgs", .int(0)),
            ("rxmsg_bytes", .int(0)),
            ("acked_msgs", .int(metrics.delivered)),
            ("failed_msgs", .int(metrics.failed)),
        ]
        document.append(("brokers", .object(Self.brokerStatistics(brokers))))
        document.append(("topics", .object(Self.topicStatistics(metrics.partitions))))
        return OrderedJSON.object(document).rendered
    }

    /// One entry per broker address ("host:port/nodeid", as librdkafka names them), summing the
    /// client's connections to it (produce, metadata, ...).
    private static func brokerStatistics(_ connections: [ProducerMetrics.Broker]) -> [(String, OrderedJSON)] {
        var order: [BrokerAddress] = []
        var byAddress: [BrokerAddress: [ProducerMetrics.Broker]] = [:]
        for connection in connections {
            if byAddress[connection.address] == nil { order.append(connection.address) }
            byAddress[connection.address, default: []].append(connection)
        }
        return order.sorted { $0.description < $1.description }.map { address in
            let group = byAddress[address]!
            var rtt = LatencyHistogram()
            for connection in group { rtt.merge(connection.roundTrip) }
            let nodeId = group.first?.nodeId ?? -1
            let name = "\(address)/\(nodeId)"
            return (name, .object([
                ("name", .string(name)),
                ("nodeid", .int(Int64(nodeId))),
                ("nodename", .string(address.description)),
                ("source", .string(nodeId >= 0 ? "learned" : "configured")),
                ("state", .string("UP")),
                ("connections", .int(group.count)),
                // Requests are written as soon as they are made: none waits in a user-space queue.
                ("outbuf_cnt", .int(0)),
                ("waitresp_cnt", .int(group.reduce(0) { $0 + $1.inFlightRequests })),
                ("tx", .int(group.reduce(0) { $0 + $1.requests })),
                ("txbytes", .int(group.reduce(0) { $0 + $1.bytesOut })),
                ("rx", .int(group.reduce(0) { $0 + $1.responses })),
                ("rxbytes", .int(group.reduce(0) { $0 + $1.bytesIn })),
                ("connects", .int(group.reduce(0) { $0 + $1.connects })),
                ("disconnects", .int(group.reduce(0) { $0 + $1.disconnects })),
                ("rtt", windowStatistics(rtt)),
            ]))
        }
    }

    /// librdkafka's window statistics object, in microseconds.
    private static func windowStatistics(_ histogram: LatencyHistogram) -> OrderedJSON {
        func micros(_ nanoseconds: Int64?) -> OrderedJSON { .int((nanoseconds ?? 0) / 1_000) }
        let empty = histogram.count == 0
        return .object([
            ("min", micros(empty ? 0 : histogram.minNanoseconds)),
            ("max", micros(histogram.maxNanoseconds)),
            ("avg", micros(histogram.meanNanoseconds)),
            ("sum", micros(histogram.totalNanoseconds)),
            ("cnt", .int(Int64(histogram.count))),
            ("p50", micros(histogram.quantileNanoseconds(0.5))),
            ("p75", micros(histogram.quantileNanoseconds(0.75))),
            ("p90", micros(histogram.quantileNanoseconds(0.9))),
            ("p95", micros(histogram.quantileNanoseconds(0.95))),
            ("p99", micros(histogram.quantileNanoseconds(0.99))),
            ("p99_99", micros(histogram.quantileNanoseconds(0.9999))),
        ])
    }

    private static func topicStatistics(_ partitions: [ProducerMetrics.Partition]) -> [(String, OrderedJSON)] {
        var order: [String] = []
        var byTopic: [String: [ProducerMetrics.Partition]] = [:]
        for partition in partitions {
            if byTopic[partition.topic] == nil { order.append(partition.topic) }
            byTopic[partition.topic, default: []].append(partition)
        }
        return order.map { topic in
            let members = byTopic[topic]!
            var latency = LatencyHistogram()
            for partition in members { latency.merge(partition.ackLatency) }
            return (topic, .object([
                ("topic", .string(topic)),
                ("ack_latency", windowStatistics(latency)),
                ("partitions", .object(members.map { p in
                    (String(p.partition), .object([
                        ("partition", .int(Int64(p.partition))),
                        ("broker", .int(Int64(p.leader))),
                        ("leader", .int(Int64(p.leader))),
                        ("msgq_cnt", .int(p.queuedMessages)),
                        ("msgq_bytes", .int(p.queuedBytes)),
                        ("xmit_msgq_cnt", .int(0)),
                        ("xmit_msgq_bytes", .int(0)),
                        ("msgs_inflight", .int(p.bufferedMessages - p.queuedMessages)),
                        ("txmsgs", .int(p.sentMessages)),
                        ("txbytes", .int(p.sentBytes)),
                        ("rxmsgs", .int(0)),
                        ("rxbytes", .int(0)),
                        ("msgs", .int(p.bufferedMessages + p.ackedMessages + p.failedMessages)),
                        ("acked_msgs", .int(p.ackedMessages)),
                        ("failed_msgs", .int(p.failedMessages)),
                        ("retries", .int(p.retries)),
                    ]))
                })),
            ]))
        }
    }
}
