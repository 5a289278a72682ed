import Atomics
import NIOConcurrencyHelpers
import NIOCore

/// Live counters of one broker connection, written on its event loop and read by metrics
/// snapshots from any thread.
public final class ConnectionStats: Sendable {
    private let bytesOut = ManagedAtomic<Int64>(0)
    private let bytesIn = ManagedAtomic<Int64>(0)
    private let requests = ManagedAtomic<Int64>(0)
    private let responses = ManagedAtomic<Int64>(0)
    private let inFlight = ManagedAtomic<Int>(0)
    private let roundTrips = NIOLockedValueBox(LatencyHistogram())

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

    public struct Snapshot: Sendable {
        public var bytesOut: Int64
        public var bytesIn: Int64
        public var requests: Int64
        public var responses: Int64
        public var inFlight: Int
        public var roundTrip: LatencyHistogram
    }

    public func snapshot() -> Snapshot {
        Snapshot(
            bytesOut: bytesOut.load(ordering: .relaxed), bytesIn: bytesIn.load(ordering: .relaxed),
            requests: requests.load(ordering: .relaxed), responses: responses.load(ordering: .relaxed), inFlight: inFlight.load(ordering: .relaxed),
            roundTrip: roundTrips.withLockedValue { $0 })
    }
}
