import KfastFormats
import Dispatch
import KafkaFast
import NIOConcurrencyHelpers
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

// The consumer-group side of `kfast consume` (-g GROUP, --threads N): the seed's high-level
// consumer. Each of N workers handles its share of the group's partitions; by default every
// message prints as "Received on thread N: value". Ctrl-C (or SIGTERM) commits what was
// printed and leaves the group; -c COUNT does the same after COUNT messages, -e once every
// assigned partition is read to its end. With -c or -e, a group that does not form within
// session.timeout.ms + request.timeout.ms ends the command with the reason (exit 1).
extension ConsumeCommand {
    func runGroupConsume() async throws {
        guard let group else { return }
        var config = try connection.config()
        config.consumer.groupId = group
        let format: MessageFormat? = (json || self.format != nil) ? try messageFormat() : nil
        if partition != nil { throw CLIError.usage("-p cannot be used with -g: the group assigns the partitions") }
        if offset != "beginning" {
            throw CLIError.usage("-o cannot be used with -g: members start at the committed offsets (else -X auto.offset.reset=earliest|latest)")
        }
        try await Self.requireTopic(topic, config: config)
        let consumer = try KafkaGroupConsumer(group: group, topics: [topic], config: config)
        let printer = GroupPrinter(format: format, limit: count)
        let stop: @Sendable () -> Void = { Task { await consumer.close() } }
        let signals = Self.onTerminationSignals(stop)
        defer { signals.forEach { $0.cancel() } }
        let workers = threads ?? 1
        let run = Task {
            do {
                try await consumer.run(workers: workers) { worker, message in
                    try printer.print(message, worker: worker)
                    if printer.reachedLimit { stop() }
                }
            } catch is GroupPrinter.Done {
                // -c reached, or stdout closed: the consumer closed (committed and left).
            }
        }
        if count != nil || exitAtEnd {
            // -c and -e promise to end: a group that never forms must not keep them waiting
            // forever without a word. The member would keep trying; the command gives up.
            // A coordinator may hold a JoinGroup about a session timeout while the others rejoin
            // (Tansu holds a new group's first join for half of it, twice): that, plus one request's time.
            let bound = config.consumer.sessionTimeout + config.requestTimeout
            do {
                try await consumer.waitUntilAssigned(timeout: bound)
            } catch {
                await consumer.close()
                _ = try? await run.value
                throw CLIError.runtime("\(error.description) (waited session.timeout.ms + request.timeout.ms)")
            }
        }
        let endWatch = exitAtEnd ? Task {
            // -e: once every assigned partition is processed up to its high watermark.
            while !Task.isCancelled {
                if consumer.hasReachedEnd { stop(); return }
                try? await Task.sleep(nanoseconds: 50_000_000)
            }
        } : nil
        defer { endWatch?.cancel() }
        try await run.value
        await consumer.close()
        Output.error("consumed \(printer.printed) message\(printer.printed == 1 ? "" : "s") from \(topic) in group \(group)")
    }

    /// Unknown topics are an error up front: a group would otherwise wait for them forever.
    static func requireTopic(_ topic: String, config: KafkaConfiguration) async throws {
        let client = try KafkaClient(config: config)
        defer { client.close() }
        let metadata = try await client.metadata(topics: [topic], refresh: true)
        guard let found = metadata.topics[topic], found.error != .unknownTopicOrPartition else {
            throw KafkaError.unknownTopic(topic)
        }
    }

    /// SIGINT and SIGTERM run `stop` (commit and leave) instead of killing the process.
    static func onTerminationSignals(_ stop: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        signal(SIGPIPE, SIG_IGN)
        return [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: stop)
            source.resume()
            return source
        }
    }
}

/// Prints messages from several workers, one whole line at a time, and counts them.
final class GroupPrinter: Sendable {
    /// Thrown by a worker once the limit is reached or stdout closed: the message it was given
    /// is neither printed nor marked processed, so the group redelivers it later.
    struct Done: Error {}

    private struct State {
        var out = ByteOutput()
        var printed = 0
    }

    private let state = NIOLockedValueBox(State())
    private let format: MessageFormat?
    private let limit: Int?

    init(format: MessageFormat?, limit: Int?) {
        self.format = format
        self.limit = limit
    }

    var printed: Int { state.withLockedValue { $0.printed } }
    var reachedLimit: Bool { limit.map { printed >= $0 } ?? false }

    func print(_ message: ConsumedMessage, worker: Int) throws {
        try state.withLockedValue { state in
            if let limit, state.printed >= limit { throw Done() }
            if state.out.pipeClosed { throw Done() }
            if let format {
                format.write(message, broker: -1, to: &state.out)
            } else {
                state.out.append("Received on thread \(worker): ")
                if let value = message.value { value.withUnsafeReadableBytes { state.out.append($0) } }
                state.out.append(UInt8(ascii: "\n"))
            }
            state.out.flush()
            if state.out.pipeClosed { throw Done() }
            state.printed += 1
        }
    }
}
