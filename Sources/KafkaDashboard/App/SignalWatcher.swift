import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns SIGINT, SIGTERM and SIGHUP into a flag the UI loop checks, so it can leave the loop and restore
/// the terminal itself instead of dying with the terminal in raw mode. Installed before ncurses starts,
/// so ncurses leaves these signals alone.
///
/// `@unchecked Sendable` because the dispatch sources are not Sendable; they are only touched
/// under `lock` (made in `init`, cancelled once by `stop`).
final class SignalWatcher: @unchecked Sendable {
    static let watched: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private let flag = SignalFlag()
    private let lock = LockedValue<Void>(())
    /// Guarded by `lock`.
    private var sources: [any DispatchSourceSignal] = []

    init() {
        for number in Self.watched {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [flag] in flag.record(number) }
            source.resume()
            lock.withLock { _ in sources.append(source) }
        }
    }

    /// The first signal received, if any.
    var receivedSignal: Int32? { flag.first }

    func stop() {
        let stopping = lock.withLock { _ in
            defer { sources.removeAll() }
            return sources
        }
        for source in stopping { source.cancel() }
        for number in Self.watched { signal(number, SIG_DFL) }
    }
}

private final class SignalFlag: Sendable {
    private let value = LockedValue<Int32?>(nil)

    func record(_ signal: Int32) {
        value.withLock { if $0 == nil { $0 = signal } }
    }

    var first: Int32? { value.withLock { $0 } }
}
