import NIOConcurrencyHelpers
import NIOCore

/// A topic as the producer knows it: its partition buffers once metadata arrived, or the
/// messages that wait for that metadata (franz-go does the same for unknown topics).
final class TopicRoute: @unchecked Sendable {
    enum State {
        case loading([PendingMessage])
        case ready([PartitionBuffer])
        case failed(KafkaError)
    }

    /// A message sent before its topic's metadata arrived: a copy, replayed in order.
    struct PendingMessage {
        var key: [UInt8]?
        var value: [UInt8]?
        var headers: [MessageHeader]
        var partition: Int32?
        var timestamp: Int64
        var waiter: DeliveryWaiter?
        /// Since when its sender waited for room (its delivery timeout counts from then).
        var waitingSince: NIODeadline?
    }

    let name: String
    let chooser: PartitionChooser
    private let lock = NIOLock()
    private var state: State
    /// The partitions once the route is open (a route never closes again), kept here for the
    /// route's life so that the send path can read them through `openTableReference`: no lock,
    /// no retain per message.
    private var openTable: PartitionTable?
    private let openTableReference = UnretainedReference<PartitionTable>()

    final class PartitionTable: Sendable {
        let buffers: [PartitionBuffer]
        /// `buffers` again, read without retaining (the array above keeps them alive).
        let unretained: [Unmanaged<PartitionBuffer>]
        init(_ buffers: [PartitionBuffer]) {
            self.buffers = buffers
            self.unretained = buffers.map { Unmanaged.passUnretained($0) }
        }
    }

    /// True once the route is open for direct appends. Lock-free.
    var isOpen: Bool { openTableReference.isPublished }

    /// Runs `body` with the open partition table, without retaining it; nil while the route is
    /// loading or failed. Lock-free.
    @inline(__always)
    func withOpenTable<Result>(_ body: (PartitionTable) -> Result) -> Result? { openTableReference.withObject(body) }

    init(name: String, partitioner: KafkaProducerConfiguration.Partitioner) {
        self.name = name
        self.chooser = PartitionChooser(kind: partitioner)
        self.state = .loading([])
    }

    /// The partition buffers, or nil while loading (the message is then queued by `enqueuePending`).
    var partitions: [PartitionBuffer]? {
        lock.withLock {
            if case .ready(let partitions) = state { return partitions }
            return nil
        }
    }

    var failure: KafkaError? {
        lock.withLock {
            if case .failed(let error) = state { return error }
            return nil
        }
    }

    /// Queues a message while loading; returns false if the topic became ready or failed meanwhile.
    func enqueuePending(_ message: PendingMessage) -> Bool {
        lock.withLock {
            guard case .loading(var pending) = state else { return false }
            // Empty the enum's copy first so the append is in place: appending while `state`
            // still shared the array copied all of it per message (quadratic over a big burst).
            state = .loading([])
            pending.append(message)
            state = .loading(pending)
            return true
        }
    }

    private var resolvedPartitions: [PartitionBuffer] = []

    /// Records the metadata outcome. On success the route stays closed to direct appends until
    /// `takePendingOrOpen` has handed out every waiting message, so none is overtaken.
    func resolve(_ result: Result<[PartitionBuffer], KafkaError>) -> [PendingMessage] {
        lock.withLock {
            switch result {
            case .success(let partitions):
                resolvedPartitions = partitions
                return []
            case .failure(let error):
                let pending: [PendingMessage]
                if case .loading(let waiting) = state { pending = waiting } else { pending = [] }
                state = .failed(error)
                return pending
            }
        }
    }

    /// The messages that waited for metadata, oldest first; when none is left, opens the route
    /// for direct appends and returns nil.
    func takePendingOrOpen() -> [PendingMessage]? {
        lock.withLock {
            guard case .loading(let waiting) = state else { return nil }
            if waiting.isEmpty {
                state = .ready(resolvedPartitions)
                let table = PartitionTable(resolvedPartitions)
                openTable = table
                // Published once: readers hold it unretained, `openTable` keeps it for good.
                assert(!openTableReference.isPublished, "a route's partition table is published once")
                openTableReference.publish(table)
                return nil
            }
            state = .loading([])
            return waiting
        }
    }

    /// Back to loading after a failure, so a later send retries the lookup.
    func resetIfFailed() -> Bool {
        lock.withLock {
            guard case .failed = state else { return false }
            state = .loading([])
            return true
        }
    }
}
