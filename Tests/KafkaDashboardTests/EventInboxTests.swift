import Testing

@testable import KafkaDashboard

/// The inbox under contention: tasks post and drain at once, as the background tasks and the UI
/// loop do. Every event comes out exactly once; under `make test-tsan` this is also the check that
/// the inbox's lock is one ThreadSanitizer sees (with Synchronization.Mutex it reported a race
/// between `post` and `drain` whenever the lock was contended).
@Suite struct EventInboxTests {
    @Test func eventsPostedWhileDrainingComeOutExactlyOnce() async {
        let inbox = EventInbox()
        let workers = 4
        let perWorker = 20_000
        let drained = await withTaskGroup(of: [Int64].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var seen: [Int64] = []
                    for index in 0..<perWorker {
                        inbox.post(.tick(nowMillis: Int64(worker * perWorker + index)))
                        if index % 3 == 0 { seen += Self.ticks(inbox.drain()) }
                    }
                    return seen
                }
            }
            var all: [Int64] = []
            for await seen in group { all += seen }
            return all + Self.ticks(inbox.drain())
        }
        #expect(drained.count == workers * perWorker, "events drained: \(drained.count) of \(workers * perWorker)")
        #expect(drained.sorted() == (0..<Int64(workers * perWorker)).map { $0 }, "each event once")
    }

    static func ticks(_ events: [DashboardEvent]) -> [Int64] {
        events.compactMap { if case .tick(let now) = $0 { now } else { nil } }
    }
}
