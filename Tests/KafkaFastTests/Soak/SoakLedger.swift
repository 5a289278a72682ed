import DequeModule
import Foundation
import KafkaFast
import NIOConcurrencyHelpers

/// What the soak's producer sent and what became of it. Reports arrive per partition in the order
/// the messages were sent to it, so each partition keeps the ids it was sent, oldest first, and
/// each report settles the oldest (its offsets must grow, which checks that order).
final class SoakLedger: Sendable {
    private struct State {
        var queues: [Deque<Int32>]
        var lastOffset: [Int64]
        var acknowledged = 0
        var unacknowledged: [Int32] = []
        var firstError: String?
        var outOfOrderReports = 0
        var unmatchedReports = 0
    }

    private let state: NIOLockedValueBox<State>

    init(partitions: Int) {
        state = NIOLockedValueBox(State(queues: Array(repeating: [], count: partitions), lastOffset: Array(repeating: -1, count: partitions)))
    }

    /// A message is about to be sent to `partition`.
    func sending(_ id: Int32, to partition: Int32) { state.withLockedValue { $0.queues[Int(partition)].append(id) } }

    /// The send was answered `.queueFull`: it did not happen.
    func notSent(to partition: Int32) { state.withLockedValue { _ = $0.queues[Int(partition)].popLast() } }

    func settle(_ report: DeliveryReport) {
        state.withLockedValue { state in
            let partition = Int(report.partition)
            guard state.queues.indices.contains(partition), let id = state.queues[partition].popFirst() else {
                state.unmatchedReports += 1
                return
            }
            if let error = report.error {
                state.unacknowledged.append(id)
                state.firstError = state.firstError ?? error.description
                return
            }
            state.acknowledged += 1
            if report.offset >= 0 {
                if report.offset <= state.lastOffset[partition] { state.outOfOrderReports += 1 }
                state.lastOffset[partition] = report.offset
            }
        }
    }

    var acknowledged: Int { state.withLockedValue { $0.acknowledged } }

    var summary: (acknowledged: Int, unacknowledged: [Int32], firstError: String?, outOfOrder: Int, unmatched: Int, waiting: Int) {
        state.withLockedValue { state in
            (state.acknowledged, state.unacknowledged, state.firstError, state.outOfOrderReports, state.unmatchedReports,
             state.queues.reduce(0) { $0 + $1.count })
        }
    }
}

/// One group member of the soak: `kfast consume -g` printing "key value partition offset" lines
/// to a file of its own, which can be killed without warning (SIGKILL) and replaced.
final class SoakConsumer: @unchecked Sendable {
    let output: String
    private let process: Process

    /// `instance`: the member's `group.instance.id` (static membership). noida never expels a
    /// member that stopped heartbeating (librdkafka's group stalls the same way there): a member
    /// that is killed and started again with its instance id takes its own place back.
    init(bootstrap: String, topic: String, group: String, instance: Int, output: String) throws {
        self.output = output
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        _ = FileManager.default.createFile(atPath: output + ".err", contents: nil)
        process = try SignalSafeProcess.make(Kfast.path, [
            "consume", "-b", bootstrap, "-t", topic, "-g", group, "-f", "%s %p %o\n",
            "-X", "auto.commit.interval.ms=\(SoakConsumer.commitIntervalMs)", "-X", "session.timeout.ms=10000",
            "-X", "heartbeat.interval.ms=1000", "-X", "auto.offset.reset=earliest", "-X", "group.instance.id=soak-member-\(instance)",
        ])
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: output + ".err"))
        try process.run()
    }

    static let commitIntervalMs = 2_000

    private let counted = NIOLockedValueBox<(bytes: UInt64, lines: Int)>((0, 0))

    /// Lines written so far (the file's newlines), counting only what was added since last asked.
    var lines: Int {
        counted.withLockedValue { counted in
            guard let handle = FileHandle(forReadingAtPath: output) else { return counted.lines }
            defer { try? handle.close() }
            try? handle.seek(toOffset: counted.bytes)
            let added = handle.readDataToEndOfFile()
            counted.bytes += UInt64(added.count)
            counted.lines += added.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            return counted.lines
        }
    }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM: the member commits what it printed and leaves the group.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        while process.isRunning { try? await Task.sleep(nanoseconds: 50_000_000) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
