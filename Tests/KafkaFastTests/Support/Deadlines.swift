import Foundation

// Deadlines for tests of code that used to hang or that reaches a state in its own time.

/// Runs `body`, failing with `what` when it takes longer than `seconds`: for code that used to
/// hang. The body is left running then (a hung await cannot be cancelled), unawaited.
func withinSeconds<T: Sendable>(
    _ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let first = FirstOutcome<T>()
    return try await withCheckedThrowingContinuation { continuation in
        first.arm(continuation)
        Task { first.resume(with: await Result(catching: body)) }
        Task {
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            first.resume(with: .failure(TestEnvironmentError(description: "\(what): still running after \(seconds) s")))
        }
    }
}

/// A continuation resumed by whichever outcome comes first.
private final class FirstOutcome<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var early: Result<T, any Error>?

    func arm(_ continuation: CheckedContinuation<T, any Error>) {
        lock.lock()
        if let early {
            lock.unlock()
            return continuation.resume(with: early)
        }
        self.continuation = continuation
        lock.unlock()
    }

    func resume(with result: Result<T, any Error>) {
        lock.lock()
        guard let continuation else {
            if early == nil { early = result }
            return lock.unlock()
        }
        self.continuation = nil
        early = result
        lock.unlock()
        continuation.resume(with: result)
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

/// Polls `condition` every 100 ms for up to 30 s.
func waitUntil(_ what: String, seconds: Double = 30, _ condition: @Sendable () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if await condition() { return }
        try await Task.sleep(nanoseconds: 100_000_000)
    }
    throw TestEnvironmentError(description: "waited \(seconds) s for: \(what)")
}
