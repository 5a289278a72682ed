import Atomics
import NIOConcurrencyHelpers
import NIOCore

/// Live counters of one link to a broker (an address and a connection purpose), written on the
/// connection's event loop and read by metrics snapshots from any thread.
///
/// The pool keeps one per link for the client's lifetime and hands it to every connection it dials
/// for that link, so the counters add up across reconnects: rates computed from two snapshots stay
/// right when a connection is replaced, and dials, failures and disconnects can be counted at all.
public final class ConnectionStats: Sendable {
    private let bytesOut = ManagedAtomic<Int64>(0)
    private let bytesIn = ManagedAtomic<Int64>(0)
    private let requests = ManagedAtomic<Int64>(0)
    private let responses = ManagedAtomic<Int64>(0)
    private let inFlight = ManagedAtomic<Int>(0)
    private let failedRequests = ManagedAtomic<Int64>(0)
    private let roundTrips = NIOLockedValueBox(LatencyHistogram())
    private let history = NIOLockedValueBox(LinkHistory())

    /// Dials and their outcomes: how often the link came up, failed to, or went down.
    private struct LinkHistory {
        var connects: Int64 = 0
        var connectFailures: Int64 = 0
        var disconnects: Int64 = 0
        var lastFailure: String?
        var lastFailureAt: NIODeadline?
        /// Whether the newest event was a failure or a disconnect (nothing since came up).
        var down = false
    }

    /// Counters at zero, for a link about to be dialled.
    public init() {}

    func recordWrite(bytes: Int) {
        bytesOut.wrappingIncrement(by: Int64(bytes), ordering: .relaxed)
        requests.wrappingIncrement(ordering: .relaxed)
    }

    func recordRead(bytes: Int) {
        bytesIn.wrappingIncrement(by: Int64(bytes), ordering: .relaxed)
        responses.wrappingIncrement(ordering: .relaxed)
    }
    func inFlightChanged(by delta: Int) { inFlight.wrappingIncrement(by: delta, ordering: .relaxed) }
    func recordRoundTrip(_ duration: TimeAmount) { roundTrips.withLockedValue { $0.record(nanoseconds: duration.nanoseconds) } }

    /// Requests that got no answer: timed out, or failed with their connection.
    func recordFailedRequests(_ count: Int) {
        guard count > 0 else { return }
        failedRequests.wrappingIncrement(by: Int64(count), ordering: .relaxed)
    }

    func recordConnect() {
        history.withLockedValue {
            $0.connects += 1
            $0.down = false
        }
    }

    func recordConnectFailure(_ reason: String) { recordFailure(reason, counting: \.connectFailures) }

    /// The connection closed, by the broker or after an error (not by the client closing).
    func recordDisconnect(_ reason: String) { recordFailure(reason, counting: \.disconnects) }

    private func recordFailure(_ reason: String, counting counter: WritableKeyPath<LinkHistory, Int64>) {
        history.withLockedValue {
            $0[keyPath: counter] += 1
            $0.lastFailure = reason
            $0.lastFailureAt = .now()
            $0.down = true
        }
    }

    /// The counters at one moment; subtract two snapshots for rates.
    public struct Snapshot: Sendable {
        /// Bytes written, frames and all.
        public var bytesOut: Int64
        /// Bytes read, frames and all.
        public var bytesIn: Int64
        /// Requests written.
        public var requests: Int64
        /// Answers read.
        public var responses: Int64
        /// Requests written and not answered yet.
        public var inFlight: Int
        /// Round trip of every answered request (written to answer read).
        public var roundTrip: LatencyHistogram
        /// Connections this link made; more than one means it reconnected.
        public var connects: Int64
        /// Dials that failed (refused, timed out, version negotiation failed).
        public var connectFailures: Int64
        /// Connections that closed under the client: the broker went away or a request failed.
        public var disconnects: Int64
        /// Requests that got no answer because they timed out or their connection failed.
        public var failedRequests: Int64
        /// Why the last dial failed or the last connection closed, if either happened.
        public var lastFailure: String?
        /// When that was (monotonic time).
        public var lastFailureAt: NIODeadline?
        /// True while the newest event was a failure or a disconnect and no dial since succeeded.
        public var isDown: Bool
    }

    /// The counters now; safe from any thread.
    public func snapshot() -> Snapshot {
        let history = history.withLockedValue { $0 }
        return Snapshot(
            bytesOut: bytesOut.load(ordering: .relaxed), bytesIn: bytesIn.load(ordering: .relaxed),
            requests: requests.load(ordering: .relaxed), responses: responses.load(ordering: .relaxed),
            inFlight: inFlight.load(ordering: .relaxed), roundTrip: roundTrips.withLockedValue { $0 },
            connects: history.connects, connectFailures: history.connectFailures, disconnects: history.disconnects,
            failedRequests: failedRequests.load(ordering: .relaxed), lastFailure: history.lastFailure,
            lastFailureAt: history.lastFailureAt, isDown: history.down)
    }
}
