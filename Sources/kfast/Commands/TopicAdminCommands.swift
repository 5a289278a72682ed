import ArgumentParser
import KafkaFast

struct CreateTopicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create-topic", abstract: "Create a topic.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The topic name.")
    var name: String

    @Option(name: .short, help: "Number of partitions (default: the broker's).")
    var partitions: Int32 = -1

    @Option(name: .short, help: "Replication factor (default: the broker's).")
    var replication: Int16 = -1

    @Option(name: .long, help: ArgumentHelp("A topic config, repeatable.", valueName: "name=value"))
    var config: [String] = []

    func validate() throws {
        guard partitions == -1 || partitions > 0 else { throw ValidationError("-p must be a positive number of partitions") }
        guard replication == -1 || replication > 0 else { throw ValidationError("-r must be a positive replication factor") }
    }

    func run() async throws {
        var configs: [String: String] = [:]
        for entry in config {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CLIError.usage("--config \(entry): expected name=value") }
            configs[parts[0]] = parts[1]
        }
        let client = try connection.client()
        defer { client.close() }
        try await client.createTopic(name, partitions: partitions, replicationFactor: replication, configs: configs)
        let created = try await client.metadata(topics: [name], refresh: true).topics[name]
        Output.error("created topic '\(name)' with \(created?.partitions.count ?? Int(partitions)) partitions")
    }
}

struct DeleteTopicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete-topic", abstract: "Delete a topic.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The topic name.")
    var name: String

    func run() async throws {
        let client = try connection.client()
        defer { client.close() }
        try await client.deleteTopic(name)
        Output.error("deleted topic '\(name)'")
    }
}
