import NIOCore

/// One broker as the client sees it: whether it is reachable, and the traffic, round trips and
/// failures of every connection the client made to it (all purposes together).
public struct BrokerStatistics: Sendable {
    /// Reachability from the client's point of view, not the cluster's.
    public enum State: Sendable, Equatable {
        /// At least one connection is open.
        case up
        /// The last dial failed or the last connection dropped, and nothing came up since.
        case down
        /// Never needed yet, or every connection closed by the client.
        case idle
    }

    /// The broker's address, as dialled or as the metadata gives it.
    public var address: BrokerAddress
    /// The broker's node id, when some cluster metadata named this address.
    public var nodeId: Int32?
    /// Whether the latest metadata lists the broker (a broker that is down drops out of it).
    public var isListed: Bool
    /// Whether the client can reach it now.
    public var state: State
    /// Open connections now.
    public var connections: Int
    /// Requests sent and not answered yet, all connections together.
    public var inFlightRequests: Int
    /// Requests sent since the client started.
    public var requests: Int64
    /// Answers read since the client started.
    public var responses: Int64
    /// Bytes written to the broker, every connection and reconnect together.
    public var bytesOut: Int64
    /// Bytes read from the broker, every connection and reconnect together.
    public var bytesIn: Int64
    /// Bytes written on the produce connections (record batches and their request headers).
    public var produceBytesOut: Int64
    /// Bytes read on the fetch connection (record batches and their response headers).
    public var fetchBytesIn: Int64
    /// Round trip of every answered request since the client started, but for fetches and group
    /// requests: those wait at the broker on purpose (a long poll, a join), which is not latency.
    public var roundTrip: LatencyHistogram
    /// Connections made.
    public var connects: Int64
    /// Dials that failed (refused, timed out, TLS or login refused).
    public var connectFailures: Int64
    /// Connections that dropped under the client (not closed by it).
    public var disconnects: Int64
    /// Requests that got no answer: timed out, or lost with their connection.
    public var failedRequests: Int64
    /// The latest failure's one-line description, when there was one.
    public var lastFailure: String?
    /// When it happened (monotonic time, for "how long ago").
    public var lastFailureAt: NIODeadline?

    /// Connections made again after one of the same purpose had been made before.
    public var reconnects: Int64
    /// Failed dials, dropped connections and requests that got no answer.
    public var errors: Int64 { connectFailures + disconnects + failedRequests }
}

extension KafkaClient {
    /// Every broker the client has dialled or any metadata listed, by node id then address.
    public func brokerStatistics() -> [BrokerStatistics] {
        let listed = Set((metadataCache.current?.brokers ?? [:]).values.map(\.address))
        var byAddress: [BrokerAddress: BrokerStatistics] = [:]
        for (id, address) in metadataCache.everListed {
            byAddress[address] = BrokerStatistics.empty(address, nodeId: id, isListed: listed.contains(address))
        }
        for link in pool.links() {
            let snapshot = link.stats.snapshot()
            var entry = byAddress[link.address] ?? .empty(link.address, nodeId: nil, isListed: false)
            entry.add(snapshot, purpose: link.purpose, isActive: link.isActive)
            byAddress[link.address] = entry
        }
        return byAddress.values.sorted {
            ($0.nodeId ?? .max, $0.address.description) < ($1.nodeId ?? .max, $1.address.description)
        }
    }
}

extension BrokerStatistics {
    static func empty(_ address: BrokerAddress, nodeId: Int32?, isListed: Bool) -> BrokerStatistics {
        BrokerStatistics(
            address: address, nodeId: nodeId, isListed: isListed, state: .idle, connections: 0, inFlightRequests: 0, requests: 0,
            responses: 0, bytesOut: 0, bytesIn: 0, produceBytesOut: 0, fetchBytesIn: 0, roundTrip: LatencyHistogram(),
            connects: 0, connectFailures: 0, disconnects: 0, failedRequests: 0, lastFailure: nil, lastFailureAt: nil,
            reconnects: 0)
    }

    /// Adds one link. The broker is up if any link is, else down if any link is.
    mutating func add(_ link: ConnectionStats.Snapshot, purpose: ConnectionPurpose, isActive: Bool) {
        if isActive {
            connections += 1
            state = .up
        } else if link.isDown, state != .up {
            state = .down
        }
        inFlightRequests += link.inFlight
        requests += link.requests
        responses += link.responses
        bytesOut += link.bytesOut
        bytesIn += link.bytesIn
        if case .produce = purpose { produceBytesOut += link.bytesOut }
        switch purpose {
        case .fetch:
            fetchBytesIn += link.bytesIn
        case .group:
            break
        default:
            roundTrip.merge(link.roundTrip)
        }
        connects += link.connects
        connectFailures += link.connectFailures
        disconnects += link.disconnects
        failedRequests += link.failedRequests
        reconnects += max(0, link.connects - 1)
        if let at = link.lastFailureAt, at > (lastFailureAt ?? .distantPast) {
            lastFailure = link.lastFailure
            lastFailureAt = at
        }
    }
}
