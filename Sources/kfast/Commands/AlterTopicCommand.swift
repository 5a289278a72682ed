import ArgumentParser
import KafkaFast

/// `kfast alter-topic NAME --partitions N`: raises a topic's partition count (CreatePartitions);
/// `--dry-run` has the broker validate it without doing it.
struct AlterTopicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alter-topic",
        abstract: "Change a topic: raise its partition count.",
        discussion: """
            Kafka can add partitions but never remove them; keyed messages may map to other partitions \
            afterwards. --dry-run asks the broker to check the change without making it. Brokers without \
            CreatePartitions (Tansu) get a one-line error.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The topic name.")
    var name: String

    @Option(name: .shortAndLong, help: "The new total number of partitions (more than now).")
    var partitions: Int32

    @Flag(name: .customLong("dry-run"), help: "Have the broker validate the change without making it.")
    var dryRun = false

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard partitions > 0 else { throw ValidationError("--partitions must be a positive number") }
    }

    func run() async throws {
        let client = try connection.client()
        defer { client.close() }
        let before = try await client.createPartitions(topic: name, totalCount: partitions, validateOnly: dryRun)
        if json {
            Output.line(JSON.object([
                ("topic", .string(name)), ("partitions_before", .int(before)), ("partitions_after", .int(Int(partitions))),
                ("dry_run", .bool(dryRun)),
            ]).rendered)
        } else {
            let verb = dryRun ? "would raise" : "raised"
            Output.line("\(verb) topic '\(name)' from \(before) to \(partitions) partitions" + (dryRun ? " (dry run: nothing changed)" : ""))
        }
    }
}
