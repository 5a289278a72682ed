import Synchronization

/// An object handed from one thread to others by its address alone, for a hot path that must
/// not retain it on every use: a retain is an atomic add on a reference count that other
/// threads touch too. Whoever publishes an object keeps it alive while readers may use it.
final class UnretainedReference<Object: AnyObject>: @unchecked Sendable {
    private let address = Atomic<UInt>(0)

    init() {}

    /// Publishes `object`; the caller keeps it alive as long as this reference is read.
    func publish(_ object: Object) {
        address.store(UInt(bitPattern: Unmanaged.passUnretained(object).toOpaque()), ordering: .releasing)
    }

    var isPublished: Bool { address.load(ordering: .relaxed) != 0 }

    /// Runs `body` with the object last published, without retaining it; nil before any was.
    @inline(__always)
    func withObject<Result>(_ body: (Object) -> Result) -> Result? {
        let bits = address.load(ordering: .acquiring)
        guard bits != 0 else { return nil }
        return Unmanaged<Object>.fromOpaque(UnsafeRawPointer(bitPattern: bits)!)._withUnsafeGuaranteedRef(body)
    }
}
