import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The batch a partition is filling. It lives inside its buffer, not in an object of its own,
/// so appending a message touches nothing but the buffer and its record builder.
struct OpenBatch {
    var records = ProducerBatch.emptyRecords
    var messageCount = 0
    var payloadBytes = 0
    var createdAt = NIODeadline.uptimeNanoseconds(0)
    var waiters: [(index: Int, continuation: DeliveryWaiter)] = []
    /// Counts the batches opened, so a linger timer seals only the batch it was armed for.
    var generation: UInt64 = 0
}

/// The open batch and its lock in an object of their own, padded away from its header: other
/// threads retain and release the partition buffer all the time (every sink pass), and a lock
/// word on the cache line of that reference count made each append's unlock a cache miss (a
/// twelfth of the producer's CPU in `make bench`).
///
/// The lock is a flag that waiters spin on, then yield, rather than a futex mutex: a mutex's
/// unlock is a locked instruction (it must see whether anyone sleeps), which waits for every
/// store before it to land, the whole message the append just copied into the batch (most of
/// an append's own time). Here the unlock is a plain store. It is held for one append or one
/// seal, never across I/O or a wait, so a waiter rarely waits long. `@unchecked Sendable`: the
/// open batch is reached only inside `withLock` (OpenBatchCellTests proves the exclusion with
/// more threads than cores, and fails with the lock removed; it runs under ThreadSanitizer).
final class OpenBatchCell: @unchecked Sendable {
    private let padding: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    private let locked = Atomic<Bool>(false)
    /// Behind a pointer rather than a stored `var`: the lock already makes access exclusive,
    /// and a class's `var` would pay a dynamic exclusivity check on every append.
    private let open: UnsafeMutablePointer<OpenBatch>

    init() {
        open = .allocate(capacity: 1)
        open.initialize(to: OpenBatch())
    }

    deinit {
        open.deinitialize(count: 1)
        open.deallocate()
    }

    @inline(__always)
    func withLock<Result>(_ body: (inout OpenBatch) -> Result) -> Result {
        if !locked.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged { waitForLock() }
        defer { locked.store(false, ordering: .releasing) }
        return body(&open.pointee)
    }

    @inline(never)
    private func waitForLock() {
        var attempts = 0
        while true {
            if !locked.load(ordering: .relaxed),
               locked.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged { return }
            attempts += 1
            if attempts > 100 { sched_yield() }
        }
    }
}
