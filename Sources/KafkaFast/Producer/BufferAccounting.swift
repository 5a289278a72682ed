import NIOConcurrencyHelpers
import Synchronization

/// The producer-wide limits `queue.buffering.max.messages` and `.kbytes`: space is reserved
/// per message before it is buffered and released when its delivery report is handed over.
/// Waiters (awaitable sends, flush) sleep on a list, never poll.
final class BufferAccounting: Sendable {
    // Inline atomics (every send reserves): swift-atomics' ManagedAtomic is an object of its
    // own, reached through a call per access.
    private let messages = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)
    let maxMessages: Int
    let maxBytes: Int
    private let waiters = NIOLockedValueBox(Waiters())

    private struct Waiters {
        var forSpace: [CheckedContinuation<Void, Never>] = []
        var forEmpty: [CheckedContinuation<Void, Never>] = []
    }

    init(maxMessages: Int, maxBytes: Int) {
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
    }

    var bufferedMessages: Int { messages.load(ordering: .relaxed) }
    var bufferedBytes: Int { bytes.load(ordering: .relaxed) }

    /// Reserves room for one message; false when the buffer is full. A message larger than
    /// the whole byte limit still gets in when the buffer is empty, so it can fail on its own merits.
    func tryReserve(bytes size: Int) -> Bool {
        let count = messages.wrappingAdd(1, ordering: .relaxed).newValue
        let total = bytes.wrappingAdd(size, ordering: .relaxed).newValue
        if count > maxMessages || (total > maxBytes && count > 1) {
            release(messages: 1, bytes: size)
            return false
        }
        return true
    }

    /// Reserves room, waiting while the buffer is full.
    func reserve(bytes size: Int) async {
        while !tryReserve(bytes: size) { await waitForRoom(bytes: size) }
    }

    /// Returns once a message of `size` bytes would fit (it may be taken again before the caller tries).
    func waitForRoom(bytes size: Int) async {
        while isFull(adding: size) {
            await withCheckedContinuation { continuation in
                let stillFull = waiters.withLockedValue { waiters -> Bool in
                    // Re-check under the lock so a release between the check and here is not missed.
                    guard isFull(adding: size) else { return false }
                    waiters.forSpace.append(continuation)
                    return true
                }
                if !stillFull { continuation.resume() }
            }
        }
    }

    private func isFull(adding size: Int) -> Bool {
        let count = messages.load(ordering: .relaxed)
        return count >= maxMessages || (count > 0 && bytes.load(ordering: .relaxed) + size > maxBytes)
    }

    func release(messages count: Int, bytes size: Int) {
        let leftMessages = messages.wrappingSubtract(count, ordering: .relaxed).newValue
        bytes.wrappingSubtract(size, ordering: .relaxed)
        let woken = waiters.withLockedValue { waiters -> [CheckedContinuation<Void, Never>] in
            var woken = waiters.forSpace
            waiters.forSpace.removeAll()
            if leftMessages == 0 {
                woken += waiters.forEmpty
                waiters.forEmpty.removeAll()
            }
            return woken
        }
        woken.forEach { $0.resume() }
    }

    /// Returns once nothing is buffered.
    func waitUntilEmpty() async {
        while messages.load(ordering: .relaxed) > 0 {
            await withCheckedContinuation { continuation in
                let empty = waiters.withLockedValue { waiters -> Bool in
                    if messages.load(ordering: .relaxed) == 0 { return true }
                    waiters.forEmpty.append(continuation)
                    return false
                }
                if empty { continuation.resume() }
            }
        }
    }
}
