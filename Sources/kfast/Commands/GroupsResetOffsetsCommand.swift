import ArgumentParser
import KafkaDashboard
import KafkaFast

/// `kfast groups reset-offsets GROUP --topic T --to-earliest ...`: moves an empty group's committed
/// offsets, as Kafka's own tool does; `--dry-run` prints the plan without committing it.
struct GroupsResetOffsetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-offsets",
        abstract: "Reset an empty consumer group's committed offsets.",
        discussion: """
            Every partition of the topic (or of every topic the group committed on, with --all-topics) is \
            set to the target. Kafka only lets an empty group's offsets be set from outside: stop its \
            consumers first. An exact offset outside a partition's log is brought to its nearer end. \
            --to-datetime takes 2024-05-01T12:00:00Z, a local 2024-05-01 12:00, epoch seconds or \
            milliseconds, or a time back from now such as --to-datetime=-1h; where no message is that new, the \
            end of the log.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The consumer group.")
    var group: String

    @Option(name: .shortAndLong, help: "The topic whose offsets to reset.")
    var topic: String?

    @Flag(name: .customLong("all-topics"), help: "Every topic the group has committed offsets on.")
    var allTopics = false

    @Flag(name: .customLong("to-earliest"), help: "The oldest offset still in each log.")
    var toEarliest = false

    @Flag(name: .customLong("to-latest"), help: "The end of each log (everything there counts as read).")
    var toLatest = false

    @Option(name: .customLong("to-datetime"), help: ArgumentHelp("The first message at or after this time.", valueName: "time"))
    var toDatetime: String?

    @Option(name: .customLong("to-offset"), help: "This offset on every partition.")
    var toOffset: Int64?

    @Flag(name: .customLong("dry-run"), help: "Print what would change; commit nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func validate() throws {
        let targets = [toEarliest, toLatest, toDatetime != nil, toOffset != nil].filter { $0 }.count
        guard targets == 1 else {
            throw ValidationError("give exactly one of --to-earliest, --to-latest, --to-datetime, --to-offset")
        }
        guard (topic != nil) != allTopics else { throw ValidationError("give --topic T or --all-topics (one of them)") }
        if let toOffset, toOffset < 0 { throw ValidationError("--to-offset must not be negative") }
    }

    func target(nowMillis: Int64) throws -> OffsetResetTarget {
        if toEarliest { return .earliest }
        if toLatest { return .latest }
        if let toOffset { return .offset(toOffset) }
        let text = toDatetime ?? ""
        guard let millis = TimeExpression.parse(text, nowMillis: nowMillis, utcOffsetSeconds: LocalTimeZone.utcOffsetSeconds()) else {
            throw CLIError.usage("--to-datetime \(text): not a time (try 2024-05-01T12:00:00Z, epoch ms, -1h)")
        }
        return .timestamp(millis)
    }

    func run() async throws {
        let target = try target(nowMillis: WallClock.milliseconds())
        let client = try connection.client()
        defer { client.close() }
        let plan = try await client.planOffsetReset(group: group, topics: topic.map { [$0] }, to: target)
        if !dryRun { try await client.applyOffsetReset(plan) }
        if json {
            Output.line(JSON.object([
                ("group", .string(group)), ("target", .string(target.description)), ("dry_run", .bool(dryRun)),
                ("partitions", .array(plan.partitions.map { entry in
                    .object([
                        ("topic", .string(entry.topic)), ("partition", .int(Int64(entry.partition))),
                        ("current", entry.current.map(JSON.int) ?? .null), ("new", .int(entry.new)),
                    ])
                })),
            ]).rendered)
            return
        }
        var table = TextTable(headers: ["TOPIC", "PARTITION", "CURRENT", "NEW"], rightAligned: [1, 2, 3])
        for entry in plan.partitions {
            table.add([entry.topic, String(entry.partition), entry.current.map(String.init) ?? "-", String(entry.new)])
        }
        let verb = dryRun ? "Would reset" : "Reset"
        Output.line("\(verb) group \(group) to \(target) (\(plan.partitions.count) partitions)"
                    + (dryRun ? "; dry run, nothing committed" : "") + "\n" + table.rendered)
    }
}
