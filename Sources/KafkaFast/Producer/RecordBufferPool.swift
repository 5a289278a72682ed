import NIOConcurrencyHelpers
import NIOCore
import KafkaProtocol

/// The producer's spare memory: record builders and compression outputs of finished batches,
/// shared by every partition. A buffer that is freed and allocated again comes back as fresh
/// pages the kernel must fault in and zero, which cost more than filling them (a third of the
/// producer's CPU in `make bench` before this pool); kept, it stays warm.
///
/// It can hold no more than was in use at once, which the buffering limits bound; what has sat
/// unused for `idleRelease` is let go, so a burst does not keep its memory for ever.
final class RecordBufferPool: Sendable {
    private struct Spares {
        var builders: [RecordBatchBuilder] = []
        var outputs: [ByteBuffer] = []
        var bytes = 0
        var lastTaken = NIODeadline.now()
    }

    private let spares = NIOLockedValueBox(Spares())
    let maxBytes: Int
    static let idleRelease = TimeAmount.seconds(10)

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    /// A builder with room for `batchBytes`, reset.
    func builder(batchBytes: Int) -> RecordBatchBuilder {
        let spare = spares.withLockedValue { spares -> RecordBatchBuilder? in
            spares.lastTaken = .now()
            guard let builder = spares.builders.popLast() else { return nil }
            spares.bytes -= builder.capacity
            return builder
        }
        guard var builder = spare else {
            // Room for a whole batch at once: growing by doubling would copy it and touch twice the
            // memory. Pages a batch never fills are never touched, so they cost nothing.
            return RecordBatchBuilder(initialCapacity: min(batchBytes, 16 << 20) + 1024)
        }
        builder.reset()
        return builder
    }

    /// An empty buffer of at least `capacity` bytes for a compressed batch.
    func output(capacity: Int) -> ByteBuffer {
        let spare = spares.withLockedValue { spares -> ByteBuffer? in
            guard let output = spares.outputs.popLast() else { return nil }
            spares.bytes -= output.capacity
            return output
        }
        guard var output = spare else { return ByteBufferAllocator().buffer(capacity: capacity) }
        output.clear()
        output.reserveCapacity(capacity)
        return output
    }

    func give(_ builder: RecordBatchBuilder) {
        keep(builder.capacity) { $0.builders.append(builder) }
    }

    func give(_ output: ByteBuffer) {
        keep(output.capacity) { $0.outputs.append(output) }
    }

    /// Keeps a spare of `capacity` bytes when it is worth keeping and the pool has room for it.
    private func keep(_ capacity: Int, _ add: (inout Spares) -> Void) {
        guard capacity >= 1024 else { return }
        spares.withLockedValue { spares in
            guard spares.bytes + capacity <= maxBytes else { return }
            spares.bytes += capacity
            add(&spares)
        }
    }

    /// Lets go of half the spares when none was taken for `idleRelease` (called every 100 ms).
    func releaseIdle(now: NIODeadline) {
        let released = spares.withLockedValue { spares -> ([RecordBatchBuilder], [ByteBuffer]) in
            guard now - spares.lastTaken >= Self.idleRelease, spares.bytes > 0 else { return ([], []) }
            spares.lastTaken = now
            let builders = Array(spares.builders.suffix((spares.builders.count + 1) / 2))
            let outputs = Array(spares.outputs.suffix((spares.outputs.count + 1) / 2))
            spares.builders.removeLast(builders.count)
            spares.outputs.removeLast(outputs.count)
            spares.bytes -= builders.reduce(0) { $0 + $1.capacity } + outputs.reduce(0) { $0 + $1.capacity }
            return (builders, outputs)
        }
        _ = released  // freed here, outside the lock
    }
}
