import ArgumentParser
import KafkaFast
import KfastFormats

#if canImport(Glibc)
import Glibc
#endif

struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce messages: standard input split at a delimiter, whole files, --value, or JSON objects with --json.",
        discussion: """
            Input is raw bytes, as kcat -P reads it: standard input is split at -D (default a newline; \
            escapes \\n \\r \\t \\0 \\\\ \\xNN, e.g. -D '\\0'), each FILE named is one message, and -l FILE \
            splits that one file like standard input. -K splits each record into key and value at the \
            first DELIM (bytes, same escapes). -Z sends an empty key or value as null; -T writes what was \
            read back to standard output. Keys, values and header values given on the command line are \
            sent as the bytes typed.
            With --json each record is an object as `kfast consume -J` prints it (kcat's envelope):
            {"key": string|null, "payload": string|null, "partition": int (optional),
             "headers": ["name", "value", ...] (optional), "key_encoding"/"payload_encoding"/"headers_encoding": "base64" (optional)}.
            Prints how many messages were delivered to stderr; exits 1 if any failed or the input could not be read.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .short, help: "The topic.")
    var topic: String

    @Option(name: .short, help: "Partition (default: the partitioner's choice).")
    var partition: Int32?

    @Option(name: .short, help: "Key for every message.")
    var key: String?

    @Option(name: .customShort("K"), help: ArgumentHelp("Split each record into key and value at the first DELIM.", valueName: "delim"))
    var keyDelimiter: String?

    @Option(name: .customShort("D"), help: ArgumentHelp("Split the input into messages at DELIM (default: newline).", valueName: "delim"))
    var delimiter: String?

    @Option(name: .customShort("H"), help: ArgumentHelp("A header, repeatable.", valueName: "name=value"))
    var headers: [String] = []

    @Flag(name: .customShort("l"), help: "Split the one FILE named like standard input (without -l each FILE is one message).")
    var splitFile = false

    @Flag(name: .customShort("Z"), help: "Send an empty key or value as null.")
    var emptyAsNull = false

    @Flag(name: .customShort("T"), help: "Write what was read to standard output, as tee does.")
    var tee = false

    @Option(name: .customShort("z"), help: "Compression: none, gzip, snappy, lz4, zstd.")
    var codec: String?

    @Option(name: .long, help: "Acknowledgements: 0, 1 or all.")
    var acks: String?

    @Option(name: .long, help: "Send one message with this value instead of reading input.")
    var value: String?

    @Flag(name: .long, help: "Read one JSON object per record (the envelope `kfast consume -J` prints).")
    var json = false

    @Argument(help: ArgumentHelp("Files to send, each as one message; with -l, the one file to split.", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if key != nil && keyDelimiter != nil { throw ValidationError("-k and -K cannot be used together") }
        if let keyDelimiter, keyDelimiter.isEmpty { throw ValidationError("-K needs a delimiter, as -K :") }
        if json && (keyDelimiter != nil || value != nil) { throw ValidationError("--json reads keys and values from its objects: drop -K/--value") }
        if value != nil && (!files.isEmpty || splitFile) { throw ValidationError("--value sends one message: drop the files and -l") }
        if splitFile && files.count != 1 { throw ValidationError("-l splits one file: name exactly one") }
        if !files.isEmpty && !splitFile && (json || keyDelimiter != nil || delimiter != nil) {
            throw ValidationError("each FILE is one message as it is: -D, -K and --json need -l")
        }
        for header in headers where !header.contains("=") { throw ValidationError("-H \(header): expected name=value") }
    }

    func run() async throws {
        var config = try connection.config()
        do {
            if let codec { try config.set("compression.codec", codec) }
            if let acks { try config.set("acks", acks) }
        } catch {
            throw CLIError.usage(error.description)
        }
        let input = try inputSettings()
        let connector = try KafkaProducer(config: config)
        let statistics = connector.printStatisticsToStderr()
        defer { statistics.cancel() }
        let progress = ProgressLine(label: "produce \(topic)")
        let reports = connector.deliveryReports()
        let tally = Task { await DeliveryTally.count(reports, progress: progress.counts) }
        let sender = MessageSender(connector: connector, topic: topic, deliveryTimeoutMs: config.producer.deliveryTimeoutMs)
        progress.start()
        let stop = await read(input, into: sender, progress: progress)
        await connector.close()
        let counts = await tally.value
        progress.finish()
        switch stop {
        case .none:
            break
        case .input(let record, let reason):
            throw CLIError.runtime(
                "stopped reading input\(record.map { " at \($0)" } ?? ""): \(reason); \(counts.summary(topic: topic)) before it")
        case .noRoom(let notSent):
            throw CLIError.runtime(
                "\(counts.summary(topic: topic)); \(notSent) not sent: no room in the buffer within delivery.timeout.ms "
                    + "(\(config.producer.deliveryTimeoutMs) ms); first failure: \(counts.firstError ?? "none")")
        case .deliveryTimedOut:
            throw CLIError.runtime(
                "\(counts.summary(topic: topic)); stopped reading input: messages were not acknowledged within "
                    + "delivery.timeout.ms (\(config.producer.deliveryTimeoutMs) ms); first failure: \(counts.firstError ?? "none")")
        }
        if counts.failed > 0 {
            throw CLIError.runtime("\(counts.summary(topic: topic)); first failure: \(counts.firstError ?? "unknown error")")
        }
        Output.error(counts.summary(topic: topic))
    }

    /// Why reading stopped before the input ended.
    enum Stop {
        /// `record` names where ("line 3", "record 3") when the reason does not.
        case input(record: String?, reason: String)
        /// The buffer stayed full past the delivery timeout: the brokers are not taking messages.
        case noRoom(notSent: Int)
        /// A message failed its delivery timeout: the brokers are not taking messages.
        case deliveryTimedOut

        /// The stop a send's outcome means, nil when it was sent.
        init?(_ outcome: MessageSender.Outcome, notSent: Int) {
            switch outcome {
            case .sent: return nil
            case .noRoom: self = .noRoom(notSent: notSent)
            case .deliveryTimedOut: self = .deliveryTimedOut
            }
        }
    }

    /// What the options make of each record, with the command line's bytes as typed.
    struct InputSettings {
        var key: [UInt8]?
        var keyDelimiter: [UInt8]?
        var delimiter: [UInt8]
        var headers: [MessageHeader]
        var value: [UInt8]?
    }

    func inputSettings() throws -> InputSettings {
        let raw = RawArguments.current
        do {
            return InputSettings(
                key: key.map { raw.bytes(of: [$0], short: "k", long: "key")[0] },
                keyDelimiter: try keyDelimiter.map { try Delimiter.parse(raw.bytes(of: [$0], short: "K", long: nil)[0]) },
                delimiter: try delimiter.map { try Delimiter.parse(raw.bytes(of: [$0], short: "D", long: nil)[0]) } ?? [0x0A],
                headers: raw.bytes(of: headers, short: "H", long: nil).map { bytes in
                    let equals = bytes.firstIndex(of: UInt8(ascii: "="))!
                    return MessageHeader(String(decoding: bytes[..<equals], as: UTF8.self), Array(bytes[(equals + 1)...]))
                },
                value: value.map { raw.bytes(of: [$0], short: nil, long: "value")[0] })
        } catch let error as InputError {
            throw CLIError.usage(error.description)
        }
    }

    /// Sends every message the input holds; why it stopped early, if it did.
    private func read(_ input: InputSettings, into sender: MessageSender, progress: ProgressLine) async -> Stop? {
        var echo = ByteOutput()
        defer { echo.flush() }
        if let value = input.value {
            return Stop(await sender.send(message(key: nil, value: value[...], input)), notSent: 1)
        }
        if !files.isEmpty && !splitFile {
            for (index, file) in files.enumerated() {
                let bytes: [UInt8]
                do {
                    bytes = try WholeFile.read(file)
                } catch {
                    return .input(record: nil, reason: error.description)
                }
                if tee { echo.append(bytes) }
                if let stop = Stop(await sender.send(message(key: nil, value: bytes[...], input)), notSent: files.count - index) { return stop }
                progress.counts.position.add(1, ordering: .relaxed)
            }
            return nil
        }
        let (fd, what) = splitFile ? (open(files[0], O_RDONLY | O_CLOEXEC), files[0]) : (STDIN_FILENO, "standard input")
        guard fd >= 0 else {
            return .input(record: nil, reason: InputError.unreadable(what: files[0], reason: String(cString: strerror(errno)).lowercased()).description)
        }
        defer { if splitFile { close(fd) } }
        progress.setTotal(Self.regularFileSize(fd))
        var reader = DelimitedReader(fd: fd, what: what, delimiter: input.delimiter)
        var number = 0
        let unit = input.delimiter == [0x0A] ? "line" : "record"
        while true {
            let next: (record: ArraySlice<UInt8>, raw: ArraySlice<UInt8>)?
            do {
                next = try reader.next()
            } catch {
                return .input(record: "\(unit) \(number + 1)", reason: error.description)
            }
            guard let (record, raw) = next else { return nil }
            number += 1
            progress.counts.position.store(reader.bytesRead, ordering: .relaxed)
            if tee {
                echo.append(raw)
                echo.flushIfFull()
            }
            let produced: InputMessage
            if json {
                do {
                    produced = try Envelope.parse(Array(record), extraHeaders: input.headers, defaultPartition: partition)
                } catch {
                    return .input(record: "\(unit) \(number)", reason: error.description)
                }
            } else {
                var key: ArraySlice<UInt8>?
                var value = record
                if let delimiter = input.keyDelimiter, let split = record.firstRange(of: delimiter) {
                    key = record[..<split.lowerBound]
                    value = record[split.upperBound...]
                }
                produced = message(key: key, value: value, input)
            }
            if let stop = Stop(await sender.send(produced), notSent: 1) { return stop }
        }
    }

    /// A message from a record's key and value, with the fixed key, headers and partition, -Z applied.
    private func message(key: ArraySlice<UInt8>?, value: ArraySlice<UInt8>, _ input: InputSettings) -> InputMessage {
        var key = key.map(Array.init) ?? input.key
        var value: [UInt8]? = Array(value)
        if emptyAsNull {
            if key?.isEmpty == true { key = nil }
            if value?.isEmpty == true { value = nil }
        }
        return InputMessage(key: key, value: value, headers: input.headers, partition: partition)
    }

    /// The size of a regular file (for an ETA), 0 for a pipe or a terminal.
    static func regularFileSize(_ fd: Int32) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return 0 }
        return Int(info.st_size)
    }
}

/// Sends messages one by one, waiting while the producer's buffer is full. When the brokers are
/// gone, the command must end after the delivery timeout: a message that waited for room keeps
/// the timeout of its first attempt (`waitingSince`), and once any message failed for want of an
/// acknowledgement within `delivery.timeout.ms` no new one is sent (each would buy another full
/// timeout, and the command would never end).
final class MessageSender {
    enum Outcome: Equatable {
        case sent
        /// No room within the delivery timeout of the waiting message.
        case noRoom
        /// A message already failed its delivery timeout: the cluster takes nothing.
        case deliveryTimedOut
    }

    let connector: KafkaProducer
    let topic: String
    let deliveryTimeoutMs: Int
    private var sentSinceCheck = 0

    init(connector: KafkaProducer, topic: String, deliveryTimeoutMs: Int) {
        self.connector = connector
        self.topic = topic
        self.deliveryTimeoutMs = deliveryTimeoutMs
    }

    func send(_ message: InputMessage) async -> Outcome {
        sentSinceCheck += 1
        if sentSinceCheck >= 1024 {
            sentSinceCheck = 0
            if Self.timedOut(connector) { return .deliveryTimedOut }
        }
        var waitingSince: ContinuousClock.Instant?
        while true {
            let status = waitingSince.map {
                connector.send(topic: topic, value: message.value, key: message.key, headers: message.headers,
                               partition: message.partition, waitingSince: $0)
            } ?? connector.send(topic: topic, value: message.value, key: message.key, headers: message.headers, partition: message.partition)
            switch status {
            case .enqueued, .rejected:
                return .sent  // a rejection arrives as a delivery report and is counted there
            case .queueFull:
                let since = waitingSince ?? .now
                waitingSince = since
                let left = since + .milliseconds(deliveryTimeoutMs) - .now
                let size = (message.key?.count ?? 0) + (message.value?.count ?? 0)
                guard left > .zero, await connector.waitForRoom(bytes: size, timeout: left) else { return .noRoom }
                if Self.timedOut(connector) { return .deliveryTimedOut }
            }
        }
    }

    /// Whether a message has failed for want of an acknowledgement in time.
    static func timedOut(_ connector: KafkaProducer) -> Bool { connector.firstFailure?.name == "MSG_TIMED_OUT" }
}
