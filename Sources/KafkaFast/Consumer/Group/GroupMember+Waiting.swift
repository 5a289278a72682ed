import NIOCore

// How the membership loop waits: paused between retries, woken by close() or a commit's error,
// and a held JoinGroup or SyncGroup that close() can cut short.
extension GroupMember {
    /// Runs a JoinGroup or SyncGroup on `connection` so that close() can cut it short.
    func whileWaiting<T>(
        on connection: BrokerConnection, _ body: () async throws(KafkaError) -> T
    ) async throws(KafkaError) -> T {
        let closing = shared.withLockedValue { state -> Bool in
            if !state.closing { state.waitingOn = connection }
            return state.closing
        }
        if closing { throw .clientClosed }
        defer { shared.withLockedValue { $0.waitingOn = nil } }
        return try await body()
    }

    // MARK: Waiting

    func pause(_ milliseconds: Int) async {
        guard milliseconds > 0 else { return }
        await sleepOrWake(milliseconds: milliseconds)
    }

    /// Sleeps, unless `close()` or a commit's error wakes the loop first.
    func sleepOrWake(milliseconds: Int) async {
        let timer = Task { [weak self] in
            try? await Task.sleep(nanoseconds: UInt64(milliseconds) * 1_000_000)
            self?.wake()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = shared.withLockedValue { state -> Bool in
                if state.woken { return true }
                state.wakeup = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer.cancel()
        shared.withLockedValue { state in
            if !state.closing { state.woken = false }
        }
    }

    func wake() {
        let waiter = shared.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.woken = true
            defer { state.wakeup = nil }
            return state.wakeup
        }
        waiter?.resume()
    }
}
