import KafkaDashboard
import KafkaFast
import Synchronization

/// Turns the client's cumulative per-broker counters into what the brokers view shows: fetch bytes
/// a second and round-trip percentiles over the last few seconds, from snapshots kept per broker.
final class BrokerActivityMeter: Sendable {
    /// Rates and percentiles are taken over about this much history.
    static let windowMillis: Int64 = 5_000

    private struct Sample {
        var atMillis: Int64
        var fetchBytesIn: Int64
        var roundTrip: LatencyHistogram
    }

    private let history = Mutex<[String: [Sample]]>([:])

    /// One row per broker; `produce` is the acknowledged traffic of the partitions each leads.
    func activity(_ brokers: [BrokerStatistics], produce: [Int32: Throughput], nowMillis: Int64) -> [BrokerActivity] {
        history.withLock { history in
            brokers.map { broker in
                let key = broker.address.description
                var samples = history[key] ?? []
                samples.append(Sample(atMillis: nowMillis, fetchBytesIn: broker.fetchBytesIn, roundTrip: broker.roundTrip))
                samples.removeAll { nowMillis - $0.atMillis > Self.windowMillis }
                history[key] = samples
                let oldest = samples.first!
                let seconds = Double(nowMillis - oldest.atMillis) / 1000
                let recent = broker.roundTrip.subtracting(oldest.roundTrip)
                // The first sample has no window yet: the percentiles of everything so far stand in.
                let window = samples.count > 1 ? recent : broker.roundTrip
                let state: BrokerActivity.State =
                    switch broker.state {
                    case .up: .up
                    case .down: .down
                    case .idle: .idle
                    }
                return BrokerActivity(
                    id: broker.nodeId, address: key, state: state, listed: broker.isListed,
                    inFlightRequests: broker.inFlightRequests, produce: broker.nodeId.flatMap { produce[$0] } ?? .zero,
                    fetchBytesPerSecond: seconds > 0 ? Double(broker.fetchBytesIn - oldest.fetchBytesIn) / seconds : 0,
                    roundTripP50Millis: window.quantileMilliseconds(0.5), roundTripP99Millis: window.quantileMilliseconds(0.99),
                    errors: broker.errors, reconnects: broker.reconnects, lastFailure: broker.lastFailure)
            }
        }
    }
}
