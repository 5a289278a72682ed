import NIOConcurrencyHelpers
import Synchronization

/// An object handed from one thread to others by its address alone, for a hot path that must
/// not retain it on every use: a retain is an atomic add on a reference count that other
/// threads touch too. Whoever publishes an object keeps it alive while readers may use it.
///
/// That invariant is the caller's, so debug builds check it: each read asserts that the object
/// last published is still alive (a weak reference kept beside the address), which turns a read
/// after the owner let go into an assertion failure instead of a use of freed memory.
final class UnretainedReference<Object: AnyObject>: @unchecked Sendable {
    private let address = Atomic<UInt>(0)
    #if DEBUG
    private let livenessLock = NIOLock()
    /// Guarded by `livenessLock`.
    private weak var published: Object?
    #endif

    init() {}

    /// Publishes `object`; the caller keeps it alive as long as this reference is read.
    func publish(_ object: Object) {
        #if DEBUG
        livenessLock.withLock { published = object }
        #endif
        address.store(UInt(bitPattern: Unmanaged.passUnretained(object).toOpaque()), ordering: .releasing)
    }

    var isPublished: Bool { address.load(ordering: .relaxed) != 0 }

    /// Runs `body` with the object last published, without retaining it; nil before any was.
    @inline(__always)
    func withObject<Result>(_ body: (Object) -> Result) -> Result? {
        let bits = address.load(ordering: .acquiring)
        guard bits != 0 else { return nil }
        #if DEBUG
        let alive = livenessLock.withLock { published.map { UInt(bitPattern: Unmanaged.passUnretained($0).toOpaque()) == bits } ?? false }
        assert(alive, "UnretainedReference read after its object was released: its publisher must keep it alive")
        #endif
        return Unmanaged<Object>.fromOpaque(UnsafeRawPointer(bitPattern: bits)!)._withUnsafeGuaranteedRef(body)
    }
}
