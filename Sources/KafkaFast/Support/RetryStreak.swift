import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The visible state of one retry loop (a metadata refresh, a producer id, a fetch from one
/// broker): its first failure is logged at info with the broker and the reason, a streak that
/// lasts `warnAfter` becomes a warning (repeated every `warnEvery` while it lasts, with the count),
/// and the first success after failures says how long it took. A loop that retries forever is
/// then never silent, and a brief hiccup never reaches a CLI user who did not ask with `-v`.
final class RetryStreak: Sendable {
    private struct State {
        var failures = 0
        var since: NIODeadline?
        var lastWarning: NIODeadline?
    }

    let what: String
    private let logger: Logger
    private let warnAfter: TimeAmount
    private let warnEvery: TimeAmount
    private let state = NIOLockedValueBox(State())

    init(_ what: String, logger: Logger, warnAfter: TimeAmount = .seconds(10), warnEvery: TimeAmount = .seconds(30)) {
        self.what = what
        self.logger = logger
        self.warnAfter = warnAfter
        self.warnEvery = warnEvery
    }

    /// Failures in a row so far (0 after a success).
    var failures: Int { state.withLockedValue { $0.failures } }

    /// One more failure; returns how many in a row.
    @discardableResult
    func failed(broker: String, reason: String, now: NIODeadline = .now()) -> Int {
        enum Say { case nothing, first, warning(Int, Int64) }
        let (count, say) = state.withLockedValue { state -> (Int, Say) in
            state.failures += 1
            guard let since = state.since else {
                state.since = now
                return (state.failures, .first)
            }
            let lasting = now - since
            guard lasting >= warnAfter, state.lastWarning.map({ now - $0 >= warnEvery }) ?? true else { return (state.failures, .nothing) }
            state.lastWarning = now
            return (state.failures, .warning(state.failures, lasting.nanoseconds / 1_000_000_000))
        }
        switch say {
        case .nothing: break
        case .first:
            logger.info("\(what) failed, retrying", metadata: ["broker": "\(broker)", "reason": "\(reason)"])
        case .warning(let failures, let seconds):
            logger.warning("\(what) still failing after \(failures) attempts in \(seconds) s, retrying",
                           metadata: ["broker": "\(broker)", "reason": "\(reason)"])
        }
        return count
    }

    /// A success: ends the streak, saying so when there was one.
    func succeeded(now: NIODeadline = .now()) {
        let ended = state.withLockedValue { state -> (Int, NIODeadline)? in
            defer { state = State() }
            guard state.failures > 0, let since = state.since else { return nil }
            return (state.failures, since)
        }
        guard let (failures, since) = ended else { return }
        logger.info("\(what) works again after \(failures) failed attempts in \((now - since).nanoseconds / 1_000_000) ms")
    }
}

/// One run of a retried chore at a time, and after a failure none before the backoff passed:
/// many callers may ask (a timer, every sink), one request goes out.
final class SingleFlight: Sendable {
    private struct State {
        var running = false
        var notBefore = NIODeadline.uptimeNanoseconds(0)
    }

    let streak: RetryStreak
    private let state = NIOLockedValueBox(State())

    init(_ streak: RetryStreak) { self.streak = streak }

    /// True when the caller may run the chore now; it must call `end(backoffMs:)` after.
    func begin(now: NIODeadline = .now()) -> Bool {
        state.withLockedValue { state in
            guard !state.running, now >= state.notBefore else { return false }
            state.running = true
            return true
        }
    }

    /// The chore ended (its outcome told to `streak`); while it keeps failing the next waits the
    /// backoff, doubling up to 10 s.
    func end(backoffMs: Int, now: NIODeadline = .now()) {
        let failures = streak.failures
        let delay = failures == 0 ? 0 : min(backoffMs << min(failures - 1, 8), 10_000)
        state.withLockedValue { state in
            state.running = false
            state.notBefore = now + .milliseconds(Int64(delay))
        }
    }
}
