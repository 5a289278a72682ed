import NIOConcurrencyHelpers

extension KafkaGroupConsumer {
    /// Runs `workers` concurrent workers (the seed's "consumer threads"), each owning a share of
    /// the assigned partitions: worker `i` handles every message of its partitions, in offset
    /// order. A message counts as processed once `handler` returns for it; that is what
    /// auto-commit, `commit()` and the commit before a rebalance cover.
    ///
    /// Returns when the consumer is closed (from another task, e.g. on Ctrl-C) or the calling
    /// task is cancelled (then it closes the consumer: commit and leave). Throws what a handler
    /// threw, a partition's fetch error (a deleted topic, corrupt records), or why the group
    /// refused the member, after closing.
    public func run(
        workers: Int, handler: @escaping @Sendable (_ worker: Int, _ message: ConsumedMessage) async throws -> Void
    ) async throws {
        guard workers > 0 else { throw KafkaError.invalidConfiguration("workers must be at least 1") }
        let dispatcher = WorkerDispatcher(workers: workers)
        onAssignmentChange { dispatcher.reassign($0) }
        idleWaiter.withLockedValue { $0 = { await dispatcher.waitUntilIdle() } }
        let firstError = NIOLockedValueBox<(any Error)?>(nil)
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { tasks in
                for worker in 0..<workers {
                    tasks.addTask {
                        while let chunk = await dispatcher.next(for: worker) {
                            let progress = self.offsets.progress(of: chunk.topicPartition)
                            for message in chunk.messages {
                                do {
                                    try await handler(worker, message)
                                } catch {
                                    firstError.withLockedValue { $0 = $0 ?? error }
                                    dispatcher.finish(worker: worker)
                                    dispatcher.close()
                                    self.engine.close()
                                    return
                                }
                                progress?.advance(to: message.offset + 1)
                            }
                            dispatcher.finish(worker: worker)
                        }
                    }
                }
                // The dispatcher: chunks from the fetch engine to the worker owning the partition.
                // A partition's fetch error ends the run like a handler's error: said, not dropped.
                while true {
                    let chunk: FetchChunk?
                    do {
                        chunk = try await engine.poll()
                    } catch {
                        client.config.logger.debug("partition error, the group consumer stops", metadata: ["reason": "\(error)"])
                        firstError.withLockedValue { $0 = $0 ?? error }
                        break
                    }
                    guard let chunk else { break }
                    if !chunk.messages.isEmpty { await dispatcher.push(chunk) }
                }
                dispatcher.close()
                await tasks.waitForAll()
            }
        } onCancel: {
            Task { await self.close() }
        }
        idleWaiter.withLockedValue { $0 = nil }
        if let error = firstError.withLockedValue({ $0 }) {
            await close()
            throw error
        }
        if let failure { throw failure }
    }
}

/// Routes fetched chunks to workers by partition and applies back-pressure: each worker holds
/// at most `capacity` chunks, so a slow worker slows fetching instead of growing a queue.
final class WorkerDispatcher: Sendable {
    static let capacity = 2

    private struct State {
        var owner: [KafkaTopicPartition: Int] = [:]
        var queues: [[FetchChunk]]
        var busy: [Int]
        var popWaiters: [CheckedContinuation<FetchChunk?, Never>?]
        var pushWaiter: (worker: Int, continuation: CheckedContinuation<Void, Never>)?
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        var closed = false
    }

    private let state: NIOLockedValueBox<State>
    let workers: Int

    init(workers: Int) {
        self.workers = workers
        state = NIOLockedValueBox(State(
            queues: Array(repeating: [], count: workers), busy: Array(repeating: 0, count: workers),
            popWaiters: Array(repeating: nil, count: workers)))
    }

    /// A new assignment: partitions in order, dealt round-robin to the workers. Queued chunks
    /// of partitions no longer assigned are dropped (their messages are redelivered to the
    /// next owner from the committed offset).
    func reassign(_ partitions: Set<KafkaTopicPartition>) {
        let wake = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.owner = Dictionary(uniqueKeysWithValues: partitions.sorted().enumerated().map { ($1, $0 % workers) })
            for worker in 0..<workers {
                state.queues[worker].removeAll { partitions.contains($0.topicPartition) == false }
            }
            var wake: [CheckedContinuation<Void, Never>] = []
            if let push = state.pushWaiter, state.queues[push.worker].count < Self.capacity {
                wake.append(push.continuation)
                state.pushWaiter = nil
            }
            return wake + Self.takeIdleWaiters(&state)
        }
        wake.forEach { $0.resume() }
    }

    func push(_ chunk: FetchChunk) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            enum Outcome { case delivered(CheckedContinuation<FetchChunk?, Never>?), wait }
            let outcome = state.withLockedValue { state -> Outcome in
                guard !state.closed else { return .delivered(nil) }
                // A chunk of a partition no longer assigned here is not handed out.
                guard let worker = state.owner[chunk.topicPartition] else { return .delivered(nil) }
                if let waiter = state.popWaiters[worker] {
                    state.popWaiters[worker] = nil
                    state.busy[worker] += 1
                    return .delivered(waiter)
                }
                if state.queues[worker].count < Self.capacity {
                    state.queues[worker].append(chunk)
                    return .delivered(nil)
                }
                state.queues[worker].append(chunk)
                state.pushWaiter = (worker, continuation)
                return .wait
            }
            switch outcome {
            case .delivered(let waiter):
                waiter?.resume(returning: chunk)
                continuation.resume()
            case .wait:
                break
            }
        }
    }

    /// The next chunk for `worker`; nil once closed.
    func next(for worker: Int) async -> FetchChunk? {
        await withCheckedContinuation { (continuation: CheckedContinuation<FetchChunk?, Never>) in
            let (ready, wakePush) = state.withLockedValue { state -> (FetchChunk??, CheckedContinuation<Void, Never>?) in
                if !state.queues[worker].isEmpty {
                    let chunk = state.queues[worker].removeFirst()
                    state.busy[worker] += 1
                    var wake: CheckedContinuation<Void, Never>?
                    if let push = state.pushWaiter, push.worker == worker, state.queues[worker].count < Self.capacity {
                        wake = push.continuation
                        state.pushWaiter = nil
                    }
                    return (.some(chunk), wake)
                }
                if state.closed { return (.some(nil), nil) }
                state.popWaiters[worker] = continuation
                return (nil, nil)
            }
            wakePush?.resume()
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// `worker` is done with the chunk it took.
    func finish(worker: Int) {
        let wake = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.busy[worker] = max(state.busy[worker] - 1, 0)
            return Self.takeIdleWaiters(&state)
        }
        wake.forEach { $0.resume() }
    }

    /// Waits until no worker is in the middle of a chunk and nothing is queued.
    func waitUntilIdle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLockedValue { state -> Bool in
                if Self.isIdle(state) { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    func close() {
        let (pops, others) = state.withLockedValue { state -> ([CheckedContinuation<FetchChunk?, Never>], [CheckedContinuation<Void, Never>]) in
            state.closed = true
            let pops = state.popWaiters.compactMap { $0 }
            state.popWaiters = Array(repeating: nil, count: workers)
            var others = state.idleWaiters
            state.idleWaiters = []
            if let push = state.pushWaiter { others.append(push.continuation) }
            state.pushWaiter = nil
            return (pops, others)
        }
        pops.forEach { $0.resume(returning: nil) }
        others.forEach { $0.resume() }
    }

    private static func isIdle(_ state: State) -> Bool {
        state.closed || (state.busy.allSatisfy { $0 == 0 } && state.queues.allSatisfy(\.isEmpty))
    }

    private static func takeIdleWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        guard isIdle(state) else { return [] }
        defer { state.idleWaiters = [] }
        return state.idleWaiters
    }
}
