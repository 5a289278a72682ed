import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// What a connection is used for. Like franz-go, the client keeps separate connections per
/// purpose, so a long-polling Fetch or a JoinGroup that blocks for seconds never delays a
/// Produce or a metadata request queued behind it on the same socket.
public enum ConnectionPurpose: Hashable, Sendable, CustomStringConvertible {
    /// Metadata, admin calls, offsets: short requests answered at once.
    case general
    /// One of the producer's connections to a broker (`produce.connections.per.broker`).
    case produce(lane: Int)
    /// One of a consumer's fetch connections to a broker (`fetch.connections.per.broker`): its
    /// Fetches, which the broker holds up to `fetch.wait.max.ms`.
    case fetch(lane: Int)
    /// The group consumer's coordinator requests: a JoinGroup may be held for seconds.
    case group

    /// A fetch connection, whichever lane.
    public var isFetch: Bool {
        if case .fetch = self { return true }
        return false
    }

    /// `general`, `produce` / `fetch` (`produce#2`, `fetch#2`, ... for further lanes) or `group`, as metrics label it.
    public var description: String {
        switch self {
        case .general: "general"
        case .produce(let lane): lane == 0 ? "produce" : "produce#\(lane + 1)"
        case .fetch(let lane): lane == 0 ? "fetch" : "fetch#\(lane + 1)"
        case .group: "group"
        }
    }
}

/// Connections to every broker, dialled on first use and again after they drop.
/// Concurrent callers asking for the same connection share one dial.
final class BrokerPool: Sendable {
    private struct Key: Hashable {
        var address: BrokerAddress
        var purpose: ConnectionPurpose
    }

    private struct State {
        var connections: [Key: BrokerConnection] = [:]
        var dials: [Key: Task<BrokerConnection, any Error>] = [:]
        /// Every link ever dialled, with counters that outlive its connections.
        var links: [Key: ConnectionStats] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())
    private let config: KafkaConfiguration
    private let security: ConnectionSecurity
    private let group: any EventLoopGroup

    init(config: KafkaConfiguration, security: ConnectionSecurity, group: any EventLoopGroup) {
        self.config = config
        self.security = security
        self.group = group
    }

    /// The connection for `address` and `purpose`, dialled if there is none. A new one runs on
    /// `eventLoop` when given, so a caller that lives on that loop (a producer sink) writes and
    /// reads it without crossing threads.
    func connection(
        to address: BrokerAddress, purpose: ConnectionPurpose = .general, on eventLoop: (any EventLoop)? = nil
    ) async throws(KafkaError) -> BrokerConnection {
        let key = Key(address: address, purpose: purpose)
        enum Lookup {
            case closed
            case open(BrokerConnection)
            case dialing(Task<BrokerConnection, any Error>)
        }
        let lookup = state.withLockedValue { state -> Lookup in
            if state.closed { return .closed }
            if let existing = state.connections[key], existing.isActive { return .open(existing) }
            if let pending = state.dials[key] { return .dialing(pending) }
            let (config, security) = (self.config, self.security)
            let group: any EventLoopGroup = eventLoop ?? self.group
            let stats = state.links[key] ?? ConnectionStats()
            state.links[key] = stats
            let task = Task {
                do {
                    let connection = try await BrokerConnection.connect(to: address, config: config, group: group, stats: stats, security: security)
                    stats.recordConnect()
                    return connection
                } catch {
                    stats.recordConnectFailure((error as? KafkaError)?.description ?? "\(error)")
                    throw error
                }
            }
            state.dials[key] = task
            return .dialing(task)
        }
        let dial: Task<BrokerConnection, any Error>
        switch lookup {
        case .closed: throw .clientClosed
        case .open(let connection): return connection
        case .dialing(let task): dial = task
        }
        do {
            let connection = try await dial.value
            let stillOpen = state.withLockedValue { state -> Bool in
                state.dials[key] = nil
                guard !state.closed else { return false }
                if state.connections[key] !== connection { state.connections[key] = connection }
                return true
            }
            if !stillOpen {
                connection.close()
                throw KafkaError.clientClosed
            }
            return connection
        } catch {
            state.withLockedValue { $0.dials[key] = nil }
            throw (error as? KafkaError) ?? .connectionFailed(broker: address.description, reason: "\(error)")
        }
    }

    /// Live connections, for per-broker metrics.
    func activeConnections() -> [(address: BrokerAddress, purpose: ConnectionPurpose, connection: BrokerConnection)] {
        state.withLockedValue { state in
            state.connections.compactMap { key, connection in
                connection.isActive ? (key.address, key.purpose, connection) : nil
            }
        }
    }

    /// Every link dialled so far, whether connected now, with its counters.
    func links() -> [(address: BrokerAddress, purpose: ConnectionPurpose, stats: ConnectionStats, isActive: Bool)] {
        state.withLockedValue { state in
            state.links.map { key, stats in
                (key.address, key.purpose, stats, state.connections[key]?.isActive ?? false)
            }
        }
    }

    func close() {
        let (connections, dials) = state.withLockedValue { state in
            state.closed = true
            defer {
                state.connections.removeAll()
                state.dials.removeAll()
            }
            return (Array(state.connections.values), Array(state.dials.values))
        }
        dials.forEach { $0.cancel() }
        connections.forEach { $0.close() }
    }
}
