#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value only reached under a pthread mutex, for state the UI loop shares with the background
/// tasks.
///
/// Not `Synchronization.Mutex`: on Linux a contended Mutex is handed from one thread to the next
/// inside the kernel (FUTEX_LOCK_PI / FUTEX_UNLOCK_PI, called from the uninstrumented
/// libswiftSynchronization), where ThreadSanitizer cannot see it, so `make test-tsan` reported
/// every contended handover as a race (the inbox's `post` against `drain`) and would hide a real
/// one among them. TSan intercepts pthread mutexes, so with this lock a report is a real race.
///
/// `@unchecked Sendable`: `value` is read and written only inside `withLock`, under `mutex`, which
/// lives at a fixed address of its own (a pthread mutex must not move).
final class LockedValue<Value>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the lock for exactly that long.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
