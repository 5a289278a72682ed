import KfastFormats
import ArgumentParser
import Dispatch
import KafkaFast

#if canImport(Glibc)
import Glibc
#endif

struct ConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Consume messages from a topic, as kcat -C does.",
        discussion: """
            -o takes beginning, end, an absolute OFFSET, -N (N messages before the end of each partition) \
            or s@TIMESTAMP_MS (the first message at or after that time). -f takes kcat's tokens: %t topic, \
            %p partition, %o offset, %k key, %K key size, %s value, %S value size, %h headers, %T timestamp, \
            and \\n \\t. -J prints kcat's JSON envelope, which `kfast produce --json` reads back.
            Without -e or -c it runs until Ctrl-C. How many messages were consumed goes to stderr.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .short, help: "The topic.")
    var topic: String

    @Option(name: .short, help: "Only this partition (default: all).")
    var partition: Int32?

    @Option(name: .short, parsing: .unconditional,
            help: ArgumentHelp("Where to start: beginning, end, OFFSET, -N or s@TIMESTAMP_MS.", valueName: "offset"))
    var offset = "beginning"

    @Option(name: .short, help: "Exit after this many messages.")
    var count: Int?

    @Flag(name: .customShort("e"), help: "Exit once every partition has been read to its end.")
    var exitAtEnd = false

    @Option(name: .short, help: ArgumentHelp("Output format with kcat's tokens (default: the value and a newline).", valueName: "format"))
    var format: String?

    @Flag(name: .customShort("J"), help: "Print each message as a JSON object (kcat's envelope).")
    var json = false

    @Option(name: .short, help: "Consume as a member of this consumer group.")
    var group: String?

    @Option(name: .long, help: "Worker threads for a group consumer (with -g).")
    var threads: Int?

    func validate() throws {
        if let count, count <= 0 { throw ValidationError("-c must be positive") }
        if json && format != nil { throw ValidationError("-J and -f cannot be used together") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive") }
        if threads != nil && group == nil { throw ValidationError("--threads needs a group: add -g GROUP") }
        if let partition, partition < 0 { throw ValidationError("-p must be a partition number, 0 or more") }
        _ = try Self.startPosition(offset)
    }

    /// `-o` as kcat reads it.
    static func startPosition(_ text: String) throws -> StartPosition {
        switch text {
        case "beginning": return .beginning
        case "end": return .end
        default: break
        }
        if text.hasPrefix("s@"), let ms = Int64(text.dropFirst(2)), ms >= 0 { return .timestamp(ms) }
        if text.hasPrefix("-") {
            if let count = Int64(text.dropFirst()), count > 0, text.dropFirst().allSatisfy(\.isASCIIDigit) { return .fromEnd(count) }
        } else if let offset = Int64(text), text.allSatisfy(\.isASCIIDigit) {
            return .offset(offset, strict: true)
        }
        throw ValidationError("-o \(text): expected beginning, end, an offset, -N or s@TIMESTAMP_MS")
    }

    func messageFormat() throws -> MessageFormat {
        if json { return .json }
        return try format.map(MessageFormat.parse) ?? MessageFormat.valueLines
    }

    func run() async throws {
        if group != nil {
            try await runGroupConsume()
            return
        }
        let config = try connection.config()
        let format = try messageFormat()
        let start = try Self.startPosition(offset)
        let consumer = try KafkaPartitionConsumer(config: config)
        defer { consumer.close() }
        let messages = consumer.tail(topic: topic, partitions: partition.map { [$0] }, from: start, untilEnd: exitAtEnd)
        let progress = ProgressLine(label: "consume \(topic)")
        progress.start()
        let outcome = try await Self.untilInterrupted { [topic, count, exitAtEnd] in
            await Self.print(messages, format: format, limit: count, topic: topic, progress: progress, endKnown: exitAtEnd)
        }
        progress.finish()
        switch outcome {
        case .pipeClosed:
            return
        case .consumed(let consumed):
            Output.error("consumed \(consumed) message\(consumed == 1 ? "" : "s") from \(topic)")
        case .failed(let error, let consumed):
            _ = consumed  // what was printed stays printed; the error says why it stopped
            throw error
        }
    }

    enum Outcome: Sendable {
        case consumed(Int)
        case pipeClosed
        case failed(any Error, consumed: Int)
    }

    /// Prints chunk by chunk, flushing after each, until the tail ends, `limit` is reached, the
    /// task is cancelled (Ctrl-C) or standard output closes.
    /// `progress` counts what was printed; with `endKnown` (-e) its total is what was printed
    /// plus what the partitions still hold up to their high watermarks, for an ETA.
    static func print(
        _ messages: ConsumerMessages, format: MessageFormat, limit: Int?, topic: String, progress: ProgressLine? = nil, endKnown: Bool = false
    ) async -> Outcome {
        var out = ByteOutput()
        var consumed = 0
        var remaining: [Int32: Int64] = [:]
        do {
            for try await chunk in messages.chunks {
                if let progress {
                    progress.counts.done.add(chunk.messages.count, ordering: .relaxed)
                    progress.counts.position.add(chunk.messages.count, ordering: .relaxed)
                    if endKnown {
                        remaining[chunk.topicPartition.partition] = max(chunk.highWatermark.clampedDifference(chunk.nextOffset), 0)
                        let left = remaining.values.reduce(Int64(0)) { $0.addingReportingOverflow($1).partialValue }
                        progress.setTotal(consumed + chunk.messages.count + Int(clamping: left))
                    }
                }
                // Through the array's memory, so no message is copied (and its buffers' shared
                // reference count touched again) to be printed.
                chunk.messages.withUnsafeBufferPointer { messages in
                    guard let first = messages.baseAddress else { return }
                    for index in messages.indices {
                        format.write(first + index, broker: chunk.broker, to: &out)
                        out.flushIfFull()
                        consumed += 1
                        if consumed == limit { break }
                    }
                }
                out.flush()
                if out.pipeClosed { return .pipeClosed }
                if consumed == limit { break }
            }
        } catch {
            out.flush()
            return .failed(error, consumed: consumed)
        }
        out.flush()
        return out.pipeClosed ? .pipeClosed : .consumed(consumed)
    }

    /// Runs `body` in a task that SIGINT cancels; a closed pipe raises EPIPE instead of killing us.
    static func untilInterrupted(_ body: @escaping @Sendable () async -> Outcome) async throws -> Outcome {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        // A parent may have started us with SIGINT blocked (Foundation's Process does).
        var interruptOnly = sigset_t()
        sigemptyset(&interruptOnly)
        sigaddset(&interruptOnly, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interruptOnly, nil)
        let task = Task { await body() }
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { task.cancel() }
        interrupt.resume()
        defer { interrupt.cancel() }
        return await task.value
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
