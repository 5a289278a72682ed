/// The tasks that talk to the data source: polling snapshots, listening for status events, tailing,
/// and carrying out the model's effects. They only ever hand results to the UI loop through the inbox
/// and the tail collector, so however slow the source is, the screen keeps updating.
final class BackgroundWork<Source: DashboardDataSource>: Sendable {
    let source: Source
    let options: DashboardOptions
    let inbox: EventInbox
    let tailCollector: TailCollector
    private let tasks = LockedValue<[Task<Void, Never>]>([])
    private let tailTask = LockedValue<Task<Void, Never>?>(nil)
    private let groupsTask = LockedValue<Task<Void, Never>?>(nil)
    private let groupDetailTask = LockedValue<Task<Void, Never>?>(nil)

    init(source: Source, options: DashboardOptions, inbox: EventInbox, tailCollector: TailCollector) {
        self.source = source
        self.options = options
        self.inbox = inbox
        self.tailCollector = tailCollector
    }

    func start(effects: AsyncStream<DashboardEffect>) {
        let started = [
            Task { await self.pollCluster() },
            Task { await self.pollMetrics() },
            Task { await self.forwardStatusEvents() },
            Task { await self.perform(effects) },
        ]
        tasks.withLock { $0.append(contentsOf: started) }
    }

    func stop() {
        tasks.withLock { tasks in
            for task in tasks { task.cancel() }
            tasks.removeAll()
        }
        tailTask.withLock { $0?.cancel() }
        groupsTask.withLock { $0?.cancel() }
        groupDetailTask.withLock { $0?.cancel() }
    }

    private func pollCluster() async {
        var lastFailure: String?
        var lastSnapshot: (snapshot: ClusterSnapshot, atMillis: Int64)?
        while !Task.isCancelled {
            do {
                let snapshot = try await source.clusterSnapshot()
                let now = WallClock.nowMillis()
                inbox.post(.cluster(snapshot, atMillis: now))
                lastSnapshot = (snapshot, now)
                if lastFailure != nil {
                    inbox.post(.status(StatusEvent(.info, "metadata refresh recovered", atMillis: WallClock.nowMillis())))
                }
                lastFailure = nil
            } catch {
                // Report a failure once, not every second it goes on; the header shows how stale the data is.
                let message = "metadata refresh failed: \(error)"
                if message != lastFailure {
                    inbox.post(.status(StatusEvent(.error, message, atMillis: WallClock.nowMillis())))
                    // No broker answered: the header shows them down, over the data they last gave
                    // (with its own time, so the header also says how old that is).
                    if let (snapshot, at) = lastSnapshot {
                        var stale = snapshot
                        for index in stale.brokers.indices { stale.brokers[index].state = .disconnected }
                        inbox.post(.cluster(stale, atMillis: at))
                    }
                }
                lastFailure = message
            }
            try? await Task.sleep(for: .milliseconds(options.metadataRefreshMillis))
        }
    }

    private func pollMetrics() async {
        while !Task.isCancelled {
            inbox.post(.producer(await source.producerSnapshot()))
            inbox.post(.consumer(await source.consumerSnapshot()))
            inbox.post(.brokers(await source.brokerActivity()))
            try? await Task.sleep(for: .milliseconds(options.refreshMillis))
        }
    }

    private func forwardStatusEvents() async {
        for await event in source.statusEvents() {
            if Task.isCancelled { break }
            inbox.post(.status(event))
        }
    }

    private func perform(_ effects: AsyncStream<DashboardEffect>) async {
        for await effect in effects {
            switch effect {
            case .quit, .redrawAll:
                break  // the UI loop handles these itself
            case .send(let request):
                Task {
                    let result = await source.send(request)
                    inbox.post(.sendCompleted(result))
                }
            case .setLoadGenerator(let settings):
                // Awaited in order, so "start, retune, stop" reach the source in that order.
                await source.setLoadGenerator(settings)
            case .startTail(let request):
                startTail(request)
            case .stopTail:
                tailTask.withLock { $0?.cancel() }
            case .setTailPaused(let paused):
                tailCollector.setPaused(paused)
            case .watchGroups:
                startPollingGroups()
            case .watchGroupDetail(let group):
                pollGroupDetail(group)
            case .queryTopicConfig(let topic):
                Task {
                    do {
                        inbox.post(.topicConfig(try await source.topicConfig(topic)))
                    } catch {
                        inbox.post(.topicConfigFailed(topic: topic, message: "\(error)"))
                    }
                }
            case .admin(let action):
                Task {
                    do {
                        inbox.post(.adminCompleted(action, .success(try await source.perform(action))))
                    } catch {
                        inbox.post(.adminCompleted(action, .failure(DashboardFailureMessage("\(error)"))))
                    }
                }
            case let .saveMessages(path, messages):
                Task {
                    do {
                        let written = try await source.saveMessages(messages, to: path)
                        report(.info, "wrote \(messages.count) message\(messages.count == 1 ? "" : "s") to \(written)")
                    } catch {
                        report(.error, "cannot write \(path): \(error)")
                    }
                }
            case .copyToClipboard:
                break  // the UI loop writes it to the terminal
            case let .queryGroupOffsets(group, topic):
                Task {
                    do {
                        inbox.post(.groupOffsets(try await source.groupOffsets(group: group, topic: topic)))
                    } catch {
                        let message = "offsets of group \(group) on \(topic) failed: \(error)"
                        inbox.post(.status(StatusEvent(.error, message, atMillis: WallClock.nowMillis())))
                    }
                }
            }
        }
    }

    private func report(_ severity: StatusEvent.Severity, _ message: String) {
        inbox.post(.status(StatusEvent(severity, message, atMillis: WallClock.nowMillis())))
    }

    /// Polls the groups list at the metadata pace from now until the dashboard exits.
    private func startPollingGroups() {
        let task = poll(failurePrefix: "consumer groups refresh failed", recovery: "consumer groups refresh recovered") {
            let snapshot = try await self.source.groups()
            self.inbox.post(.groups(snapshot, atMillis: WallClock.nowMillis()))
        }
        groupsTask.withLock { previous in
            previous?.cancel()
            previous = task
        }
    }

    /// Polls one group's detail while it is open; nil stops.
    private func pollGroupDetail(_ group: String?) {
        let task = group.map { group in
            poll(failurePrefix: "group \(group)", recovery: nil) {
                let detail = try await self.source.groupDetail(group)
                self.inbox.post(.groupDetail(detail, atMillis: WallClock.nowMillis()))
            }
        }
        groupDetailTask.withLock { previous in
            previous?.cancel()
            previous = task
        }
    }

    /// Runs `round` at the metadata pace until cancelled. A failure is said once, not every round
    /// it goes on (the view keeps what it last had); `recovery`, when given, says it is over.
    private func poll(
        failurePrefix: String, recovery: String?, _ round: @escaping @Sendable () async throws -> Void
    ) -> Task<Void, Never> {
        Task {
            var lastFailure: String?
            while !Task.isCancelled {
                do {
                    try await round()
                    if lastFailure != nil, let recovery { report(.info, recovery) }
                    lastFailure = nil
                } catch {
                    let message = "\(failurePrefix): \(error)"
                    if message != lastFailure { report(.error, message) }
                    lastFailure = message
                }
                try? await Task.sleep(for: .milliseconds(options.metadataRefreshMillis))
            }
        }
    }

    private func startTail(_ request: TailRequest) {
        tailCollector.reset(generation: request.generation)
        let task = Task {
            do {
                for try await batch in source.tail(request) {
                    if Task.isCancelled { return }
                    tailCollector.post(batch, generation: request.generation)
                    // While paused, stop reading so the consumer stops fetching (backpressure), instead of
                    // piling messages up somewhere.
                    while tailCollector.isPaused && !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
                if !Task.isCancelled {
                    let message = "tail of \(request.topic) ended"
                    inbox.post(.status(StatusEvent(.info, message, atMillis: WallClock.nowMillis())))
                }
            } catch {
                if !Task.isCancelled { inbox.post(.tailFailed(generation: request.generation, message: "\(error)")) }
            }
        }
        tailTask.withLock { previous in
            previous?.cancel()
            previous = task
        }
    }
}
