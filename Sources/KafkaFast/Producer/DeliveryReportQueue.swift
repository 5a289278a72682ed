import DequeModule
import NIOConcurrencyHelpers

/// Delivery reports as an `AsyncSequence`, for one reader, from ``KafkaProducer/deliveryReports()``.
/// It ends when the producer is closed.
///
/// Bounded with back-pressure: a report keeps its message's room in the producer's buffer
/// until it is read, so a reader that falls behind makes `send` report queue-full (and the
/// awaitable send wait) instead of letting reports pile up without limit.
public final class DeliveryReports: AsyncSequence, Sendable {
    /// Each element is one message's report.
    public typealias Element = DeliveryReport

    private struct State {
        var queue = Deque<(report: DeliveryReport, messages: Int, bytes: Int)>()
        var waiter: CheckedContinuation<DeliveryReport?, Never>?
        var finished = false
    }

    private let state = NIOLockedValueBox(State())
    private let accounting: BufferAccounting

    init(accounting: BufferAccounting) {
        self.accounting = accounting
    }

    /// Queues a report holding `messages` reserved messages and `bytes` of buffer space, given
    /// back when it is read (0 and 0 for a report whose space was never reserved or is released already).
    func push(_ report: DeliveryReport, messages: Int = 1, bytes: Int) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<DeliveryReport?, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.queue.append((report, messages, bytes))
            return nil
        }
        if let waiter {
            if messages > 0 || bytes > 0 { accounting.release(messages: messages, bytes: bytes) }
            waiter.resume(returning: report)
        }
    }

    func finish() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<DeliveryReport?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    func next() async -> DeliveryReport? {
        await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> (DeliveryReport, Int, Int)?? in
                if let head = state.queue.popFirst() { return .some(head) }
                if state.finished { return .some(nil) }
                state.waiter = continuation
                return nil
            }
            switch ready {
            case .some(.some(let (report, messages, bytes))):
                if messages > 0 || bytes > 0 { accounting.release(messages: messages, bytes: bytes) }
                continuation.resume(returning: report)
            case .some(.none):
                continuation.resume(returning: nil)
            case .none:
                break
            }
        }
    }

    /// Reads the reports in the order they were made; one iterator at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let reports: DeliveryReports
        /// The next report, waiting for one; nil once the producer is closed and every report was read.
        public mutating func next() async -> DeliveryReport? { await reports.next() }
    }

    /// The iterator; iterate the reports from one task only.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(reports: self) }
}
