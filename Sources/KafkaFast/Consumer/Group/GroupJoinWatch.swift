import Logging
import NIOConcurrencyHelpers
import NIOCore

/// What a group consumer is doing, so a user can always tell why nothing is consumed.
public enum GroupConsumerStatus: Sendable, Equatable, CustomStringConvertible {
    /// Finding the coordinator, joining or syncing: for `waitingMs` so far, after `attempts`
    /// requests; `step` is the request under way, `lastProblem` the last failure seen.
    case joining(waitingMs: Int64, attempts: Int, step: String, lastProblem: String?)
    /// A member of generation `generation`, consuming `partitions` partitions.
    case stable(generation: Int32, partitions: Int)
    /// The group refused the member for good.
    case failed(String)
    /// Closed by the application (or by a graceful shutdown).
    case closed

    /// One line for a status bar or a log: what the member does and, while joining, why it waits.
    public var description: String {
        switch self {
        case let .joining(waitingMs, attempts, step, problem):
            let tail = problem.map { "; last problem: \($0)" } ?? ""
            return "joining for \(waitingMs / 1000) s (\(attempts) request\(attempts == 1 ? "" : "s")), now \(step)\(tail)"
        case let .stable(generation, partitions):
            return "member of generation \(generation) with \(partitions) partition\(partitions == 1 ? "" : "s")"
        case .failed(let reason):
            return "failed: \(reason)"
        case .closed:
            return "closed"
        }
    }
}

/// Watches a member's way into its group: the step under way, the attempts and the last
/// problem, and how long it has been trying. The membership loop retries forever (a coordinator
/// can come back); this makes that loop visible: a warning every `boundMs` while the group has
/// not formed, and `waitUntilStable` for callers that cannot wait forever.
final class GroupJoinWatch: Sendable {
    private struct State {
        var joiningSince: NIODeadline? = .now()
        var attempts = 0
        var step = "starting"
        var lastProblem: String?
        var generation: Int32 = -1
        var partitions = 0
        var failure: String?
        var closed = false
        var lastWarning: NIODeadline?
        var waiters: [OneShotWake] = []
    }

    private let state = NIOLockedValueBox(State())
    let groupId: String
    /// How long joining may take before each warning: `session.timeout.ms`.
    let boundMs: Int64
    let logger: Logger

    init(groupId: String, boundMs: Int64, logger: Logger) {
        self.groupId = groupId
        self.boundMs = boundMs
        self.logger = logger
    }

    /// A request of the way in starts (FindCoordinator, JoinGroup, SyncGroup, OffsetFetch).
    func begin(_ step: String) {
        state.withLockedValue { state in
            if state.joiningSince == nil { state.joiningSince = .now() }
            state.attempts += 1
            state.step = step
        }
        logger.debug("group step", metadata: ["group": "\(groupId)", "step": "\(step)"])
    }

    /// A step failed, or was answered with an error code; the loop will retry.
    func problem(_ description: String) {
        state.withLockedValue { $0.lastProblem = description }
        logger.debug("group retry", metadata: ["group": "\(groupId)", "reason": "\(description)"])
    }

    /// The member lost its generation and joins again.
    func rejoining(because reason: String) {
        state.withLockedValue { state in
            if state.joiningSince == nil { state.joiningSince = .now() }
            state.lastProblem = reason
        }
        logger.info("group rebalance", metadata: ["group": "\(groupId)", "reason": "\(reason)"])
    }

    func stable(generation: Int32, partitions: Int) {
        let waiters = state.withLockedValue { state -> [OneShotWake] in
            state.joiningSince = nil
            state.attempts = 0
            state.lastProblem = nil
            state.lastWarning = nil
            state.generation = generation
            state.partitions = partitions
            defer { state.waiters = [] }
            return state.waiters
        }
        logger.info("group joined", metadata: [
            "group": "\(groupId)", "generation": "\(generation)", "partitions": "\(partitions)",
        ])
        waiters.forEach { $0.resume() }
    }

    /// The coordinator was found again and the member keeps its generation and partitions.
    func resumed() {
        let (generation, partitions) = state.withLockedValue { ($0.generation, $0.partitions) }
        stable(generation: generation, partitions: partitions)
    }

    func failed(_ error: KafkaError) {
        let waiters = state.withLockedValue { state -> [OneShotWake] in
            state.failure = error.description
            defer { state.waiters = [] }
            return state.waiters
        }
        // The caller gets the failure itself (status, the message stream, waitUntilStable): at
        // error level kfast would print it twice, once as a log line and once as its last word.
        logger.notice("group member failed", metadata: ["group": "\(groupId)", "reason": "\(error)"])
        waiters.forEach { $0.resume() }
    }

    func closed() {
        let waiters = state.withLockedValue { state -> [OneShotWake] in
            state.closed = true
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }

    var status: GroupConsumerStatus {
        state.withLockedValue { state in
            if state.closed { return .closed }
            if let failure = state.failure { return .failed(failure) }
            guard let since = state.joiningSince else {
                return .stable(generation: state.generation, partitions: state.partitions)
            }
            let waited = (NIODeadline.now() - since).nanoseconds / 1_000_000
            return .joining(waitingMs: waited, attempts: state.attempts, step: state.step, lastProblem: state.lastProblem)
        }
    }

    /// Called about once a second: warns when the group has not formed within the bound, and
    /// again every bound after that, naming the step under way and the last problem.
    func checkOverdue(now: NIODeadline = .now()) {
        let message = state.withLockedValue { state -> String? in
            guard !state.closed, state.failure == nil, let since = state.joiningSince else { return nil }
            let bound = TimeAmount.milliseconds(boundMs)
            guard now - since >= bound, state.lastWarning.map({ now - $0 >= bound }) ?? true else { return nil }
            state.lastWarning = now
            let waited = (now - since).nanoseconds / 1_000_000_000
            let problem = state.lastProblem.map { "; last problem: \($0)" } ?? ""
            return "group '\(groupId)' has not formed after \(waited) s (\(state.attempts) requests), now \(state.step)\(problem)"
        }
        if let message { logger.warning("\(message)") }
    }

    /// Returns once the member is stable; throws `groupNotFormed` with the step and the last
    /// problem when it is not within `timeoutMs`, or why it failed or closed.
    func waitUntilStable(timeoutMs: Int64) async throws(KafkaError) {
        let deadline = NIODeadline.now() + .milliseconds(timeoutMs)
        while true {
            switch status {
            case .stable: return
            case .failed(let reason): throw .groupNotFormed(group: groupId, waitedMs: timeoutMs, reason: reason)
            case .closed: throw .clientClosed
            case let .joining(_, attempts, step, problem):
                guard NIODeadline.now() < deadline else {
                    let reason = problem.map { "\(attempts) requests, the last problem: \($0)" }
                        ?? "no answer yet to \(step)"
                    throw .groupNotFormed(group: groupId, waitedMs: timeoutMs, reason: reason)
                }
            }
            await waitForChange(until: deadline)
        }
    }

    /// Sleeps until the status changes to stable, failed or closed, or `deadline` (at most a
    /// second, so a missed wake-up costs no more than that).
    private func waitForChange(until deadline: NIODeadline) async {
        let nanoseconds = min(max((deadline - .now()).nanoseconds, 0), 1_000_000_000)
        let wake = OneShotWake()
        let timer = Task {
            try? await Task.sleep(nanoseconds: UInt64(nanoseconds))
            wake.resume()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            wake.arm(continuation)
            state.withLockedValue { $0.waiters.append(wake) }
        }
        timer.cancel()
    }
}

/// A continuation that may be resumed from two places (a timer and an event): the first
/// resume wins, the second does nothing.
final class OneShotWake: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, Never>?
        var fired = false
    }

    private let state = NIOLockedValueBox(State())

    func arm(_ continuation: CheckedContinuation<Void, Never>) {
        let fireNow = state.withLockedValue { state -> Bool in
            if state.fired { return true }
            state.continuation = continuation
            return false
        }
        if fireNow { continuation.resume() }
    }

    func resume() {
        state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.fired = true
            defer { state.continuation = nil }
            return state.continuation
        }?.resume()
    }
}
