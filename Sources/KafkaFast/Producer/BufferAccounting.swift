import NIOConcurrencyHelpers
import NIOCore
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
        var forSpace: [(id: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
        var forEmpty: [CheckedContinuation<Void, Never>] = []
        var nextId: UInt64 = 0
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
        while isFull(adding: size) { await sleepUntilRelease(size: size, deadline: nil) }
    }

    /// Like `waitForRoom(bytes:)`, giving up at `deadline`: false when there was no room by then.
    func waitForRoom(bytes size: Int, deadline: NIODeadline) async -> Bool {
        while isFull(adding: size) {
            guard NIODeadline.now() < deadline else { return false }
            await sleepUntilRelease(size: size, deadline: deadline)
        }
        return true
    }

    /// Sleeps until the next release (or `deadline`, when given).
    private func sleepUntilRelease(size: Int, deadline: NIODeadline?) async {
        await withCheckedContinuation { continuation in
            let id = waiters.withLockedValue { waiters -> UInt64? in
                // Re-check under the lock so a release between the check and here is not missed.
                guard isFull(adding: size) else { return nil }
                waiters.nextId &+= 1
                waiters.forSpace.append((waiters.nextId, continuation))
                return waiters.nextId
            }
            guard let id else { return continuation.resume() }
            guard let deadline else { return }
            Task { [waiters] in
                try? await Task.sleep(nanoseconds: UInt64(max((deadline - .now()).nanoseconds, 0)))
                // Still waiting at the deadline (no release woke it): wake it now.
                waiters.withLockedValue { waiters -> CheckedContinuation<Void, Never>? in
                    guard let index = waiters.forSpace.firstIndex(where: { $0.id == id }) else { return nil }
                    return waiters.forSpace.remove(at: index).continuation
                }?.resume()
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
            var woken = waiters.forSpace.map(\.continuation)
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
