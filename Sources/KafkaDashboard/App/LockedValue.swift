import Foundation

/// A value only reached under a pthread mutex (NSLock), for state the UI loop shares with the
/// background tasks.
///
/// Not `Synchronization.Mutex`: on Linux a contended Mutex is handed from one thread to the next
/// inside the kernel (FUTEX_LOCK_PI / FUTEX_UNLOCK_PI, called from the uninstrumented
/// libswiftSynchronization), where ThreadSanitizer cannot see it, so `make test-tsan` reported
/// every contended handover as a race (the inbox's `post` against `drain`) and would hide a real
/// one among them. TSan intercepts pthread mutexes, so with this lock a report is a real race.
///
/// `@unchecked Sendable`: `value` is read and written only inside `withLock`, under `lock`.
final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with the value, holding the lock for exactly that long.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
