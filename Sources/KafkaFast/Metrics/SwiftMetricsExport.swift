import CoreMetrics
import NIOConcurrencyHelpers
import NIOCore

/// The producer's counters published through apple/swift-metrics, so any backend bootstrapped
/// there (Prometheus, StatsD, OpenTelemetry) sees them. Each update turns a metrics snapshot into
/// counter increments (the difference since the last update), gauges and timer samples.
///
/// Names, with `prefix` (default `kafka_fast_producer`) before each:
/// - per topic and partition (dimensions `topic`, `partition`): counters `_messages_sent_total`,
///   `_bytes_sent_total` (wire bytes), `_messages_acked_total`, `_bytes_acked_total`,
///   `_messages_failed_total`, `_retries_total`, `_errors_total` (also `error`: the code's name);
///   gauges `_messages_buffered`, `_bytes_buffered`, `_batches_in_flight`, `_buffer_fill`,
///   `_compression_ratio`; timer `_ack_latency` (one sample per acknowledged batch);
/// - per broker connection (dimensions `broker`, `purpose`): counters `_broker_requests_total`,
///   `_broker_bytes_out_total`, `_broker_bytes_in_total`; gauge `_broker_requests_in_flight`;
///   timer `_broker_rtt`;
/// - totals: gauges `_queue_messages`, `_queue_bytes`; counters `_delivered_total`, `_failed_total`.
public final class MetricsExport: Sendable {
    private let state: NIOLockedValueBox<ExportState>
    private let task: NIOLockedValueBox<RepeatedTask?>
    private weak let connector: KafkaProducer?

    init(connector: KafkaProducer, prefix: String, factory: any MetricsFactory) {
        self.connector = connector
        self.state = NIOLockedValueBox(ExportState(prefix: prefix, factory: factory))
        self.task = NIOLockedValueBox(nil)
    }

    /// Publishes the current counters now.
    public func update() {
        guard let connector else { return }
        let snapshot = connector.metrics()
        state.withLockedValue { $0.publish(snapshot) }
    }

    /// Stops periodic updates (the metrics already published stay with the backend).
    public func cancel() {
        task.withLockedValue { $0?.cancel(); $0 = nil }
    }

    func schedule(every interval: TimeAmount, on loop: any EventLoop) {
        let repeated = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [weak self] task in
            guard let self, self.connector != nil else { return task.cancel() }
            self.update()
        }
        task.withLockedValue { $0 = repeated }
    }
}

extension KafkaProducer {
    /// Publishes this producer's metrics through swift-metrics every `interval` (nil: only when
    /// `update()` is called). Uses the bootstrapped `MetricsSystem` unless given a factory.
    ///
    /// Keep the returned ``MetricsExport``: the periodic updates stop once it is released (or
    /// cancelled, or the producer is gone).
    public func exportMetrics(
        every interval: TimeAmount? = .seconds(1), prefix: String = "kafka_fast_producer",
        factory: any MetricsFactory = MetricsSystem.factory
    ) -> MetricsExport {
        let export = MetricsExport(connector: self, prefix: prefix, factory: factory)
        if let interval { export.schedule(every: interval, on: core.timerLoop) }
        return export
    }
}

/// The metric objects made so far and the values last published, to turn totals into increments.
private struct ExportState {
    let prefix: String
    let factory: any MetricsFactory
    var counters: [String: (metric: Counter, last: Int64)] = [:]
    var gauges: [String: Gauge] = [:]
    var timers: [String: (metric: CoreMetrics.Timer, last: LatencyHistogram)] = [:]

    init(prefix: String, factory: any MetricsFactory) {
        self.prefix = prefix
        self.factory = factory
    }

    mutating func publish(_ snapshot: ProducerMetrics) {
        for p in snapshot.partitions {
            let dims = [("topic", p.topic), ("partition", String(p.partition))]
            count("messages_sent_total", dims, p.sentMessages)
            count("bytes_sent_total", dims, p.sentBytes)
            count("messages_acked_total", dims, p.ackedMessages)
            count("bytes_acked_total", dims, p.ackedBytes)
            count("messages_failed_total", dims, p.failedMessages)
            count("retries_total", dims, p.retries)
            for (code, total) in p.errorCounts { count("errors_total", dims + [("error", code.name)], total) }
            gauge("messages_buffered", dims, Double(p.bufferedMessages))
            gauge("bytes_buffered", dims, Double(p.bufferedBytes))
            gauge("batches_in_flight", dims, Double(p.inFlightBatches))
            gauge("buffer_fill", dims, p.fill)
            gauge("compression_ratio", dims, p.compressionRatio)
            time("ack_latency", dims, p.ackLatency)
        }
        for b in snapshot.brokers {
            let dims = [("broker", b.address.description), ("purpose", "\(b.purpose)")]
            count("broker_requests_total", dims, Int(b.requests))
            count("broker_bytes_out_total", dims, Int(b.bytesOut))
            count("broker_bytes_in_total", dims, Int(b.bytesIn))
            gauge("broker_requests_in_flight", dims, Double(b.inFlightRequests))
            time("broker_rtt", dims, b.roundTrip)
        }
        gauge("queue_messages", [], Double(snapshot.bufferedMessages))
        gauge("queue_bytes", [], Double(snapshot.bufferedBytes))
        count("delivered_total", [], snapshot.delivered)
        count("failed_total", [], snapshot.failed)
    }

    private func key(_ name: String, _ dims: [(String, String)]) -> String {
        dims.reduce(name) { $0 + "|" + $1.0 + "=" + $1.1 }
    }

    /// Adds what `total` grew by since the last update (a new connection starts again from 0).
    private mutating func count(_ name: String, _ dims: [(String, String)], _ total: Int) {
        let id = key(name, dims)
        var entry = counters[id] ?? (Counter(label: "\(prefix)_\(name)", dimensions: dims, factory: factory), 0)
        let total = Int64(total)
        let increment = total >= entry.last ? total - entry.last : total
        if increment > 0 { entry.metric.increment(by: increment) }
        entry.last = total
        counters[id] = entry
    }

    private mutating func gauge(_ name: String, _ dims: [(String, String)], _ value: Double) {
        let id = key(name, dims)
        let metric = gauges[id] ?? Gauge(label: "\(prefix)_\(name)", dimensions: dims, factory: factory)
        gauges[id] = metric
        metric.record(value)
    }

    /// One timer sample per duration recorded since the last update (at its bucket's bound).
    private mutating func time(_ name: String, _ dims: [(String, String)], _ histogram: LatencyHistogram) {
        let id = key(name, dims)
        var entry = timers[id] ?? (CoreMetrics.Timer(label: "\(prefix)_\(name)", dimensions: dims, factory: factory), LatencyHistogram())
        histogram.forEachSample(since: entry.last) { nanoseconds, count in
            for _ in 0..<count { entry.metric.recordNanoseconds(nanoseconds) }
        }
        entry.last = histogram
        timers[id] = entry
    }
}
