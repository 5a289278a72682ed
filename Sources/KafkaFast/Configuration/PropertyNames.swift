// The property names, and the closest of them to a name the parser does not know.
extension KafkaConfiguration {
    /// Every client property the configuration reads, under librdkafka's names and their
    /// aliases: the list an unknown name is compared with, to suggest the one that was meant,
    /// and what <doc:Configuration> documents one by one.
    public static let propertyNames: [String] = [
        // Connections and metadata
        "bootstrap.servers", "metadata.broker.list", "client.id", "socket.connection.setup.timeout.ms",
        "request.timeout.ms", "socket.timeout.ms", "receive.message.max.bytes", "topic.metadata.refresh.interval.ms",
        "api.version.max", "debug",
        // Producer
        "linger.ms", "queue.buffering.max.ms", "batch.size", "batch.num.messages", "queue.buffering.max.messages",
        "queue.buffering.max.kbytes", "compression.codec", "compression.type", "compression.level", "acks",
        "request.required.acks", "enable.idempotence", "max.in.flight.requests.per.connection", "max.in.flight",
        "produce.connections.per.broker", "retries", "message.send.max.retries", "retry.backoff.ms", "retry.backoff.max.ms",
        "delivery.timeout.ms", "message.timeout.ms", "message.max.bytes", "partitioner", "topic.auto.create",
        "allow.auto.create.topics", "statistics.interval.ms",
        // Consumer and group
        "fetch.min.bytes", "fetch.wait.max.ms", "fetch.max.bytes", "max.partition.fetch.bytes", "fetch.message.max.bytes",
        "queued.max.messages.kbytes", "fetch.connections.per.broker", "auto.offset.reset", "topic.metadata.propagation.max.ms",
        "check.crcs", "isolation.level", "group.id", "group.instance.id", "session.timeout.ms", "heartbeat.interval.ms",
        "max.poll.interval.ms", "auto.commit.interval.ms", "enable.auto.commit", "partition.assignment.strategy",
        "fetch.skip.ahead.lag", "fetch.skip.ahead.resume.lag",
        // Security
        "security.protocol", "ssl.ca.location", "ssl.ca.pem", "ssl.certificate.location", "ssl.certificate.pem",
        "ssl.key.location", "ssl.key.password", "ssl.key.pem", "ssl.keystore.location", "ssl.keystore.password",
        "ssl.endpoint.identification.algorithm", "enable.ssl.certificate.verification", "sasl.mechanisms", "sasl.mechanism",
        "sasl.username", "sasl.password", "sasl.oauthbearer.method", "sasl.oauthbearer.token", "sasl.oauthbearer.token.command",
        "sasl.oauthbearer.client.id", "sasl.oauthbearer.client.secret", "sasl.oauthbearer.token.endpoint.url",
        "sasl.oauthbearer.scope", "sasl.oauthbearer.extensions", "sasl.oauthbearer.config",
        "enable.sasl.oauthbearer.unsecure.jwt",
    ]

    /// The known property closest to `name` (by edit distance, or the one it ends or starts
    /// with), when one is close enough to be a typo of it.
    static func closestPropertyName(to name: String) -> String? {
        let lowered = name.lowercased()
        if let exact = propertyNames.first(where: { $0 == lowered }) { return exact }
        var best: (name: String, distance: Int)?
        for candidate in propertyNames {
            let distance = editDistance(Array(lowered.utf8), Array(candidate.utf8))
            if distance < best?.distance ?? .max { best = (candidate, distance) }
        }
        guard let best else { return nil }
        // A typo is a few edits, not a different property of the same length.
        return best.distance <= max(2, lowered.utf8.count / 4) ? best.name : nil
    }

    /// Levenshtein distance over bytes: property names are ASCII.
    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...max(b.count, 1) where j <= b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
