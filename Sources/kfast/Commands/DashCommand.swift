import ArgumentParser
import KafkaDashboard
import KafkaDashboardAdapter
import KafkaFast

#if canImport(Glibc)
import Glibc
#endif

struct DashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dash",
        abstract: "Full-screen live dashboard: brokers, topics, partitions, producer, tail and test sends.",
        discussion: "Keys: ? lists them, q quits. Exits 0 after q, 128+N after signal N.")

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .shortAndLong, help: "Topic to select at start.")
    var topic: String?

    @Flag(name: .long, help: "ASCII borders, bars and sparklines (terminals without Unicode).")
    var ascii = false

    @Option(name: .customLong("refresh-ms"), help: "Screen refresh and metrics interval in ms.")
    var refreshMillis: Int = 250

    @Option(name: .customLong("metadata-ms"), help: "Cluster metadata refresh interval in ms.")
    var metadataMillis: Int = 1000

    @Flag(name: .customLong("no-color"), help: "No colours (also when NO_COLOR is set).")
    var noColor = false

    @Option(name: .long, help: "Theme name (default, mono) or a theme JSON file.")
    var theme: String?

    @Option(name: .long, help: "Start the load generator on the topic at this many messages per second.")
    var load: Int?

    @Option(name: .customLong("load-size"), help: "Bytes per load generator message.")
    var loadSize: Int = 200

    @Flag(name: .customLong("read-only"), help: "No changes to the cluster: admin actions, test sends and the load generator are refused.")
    var readOnly = false

    func validate() throws {
        guard refreshMillis >= 20 else { throw ValidationError("--refresh-ms must be at least 20") }
        guard metadataMillis >= 100 else { throw ValidationError("--metadata-ms must be at least 100") }
        if let load {
            guard load > 0 else { throw ValidationError("--load must be a positive rate") }
            guard topic != nil else { throw ValidationError("--load needs a topic (-t)") }
            guard loadSize > 0 else { throw ValidationError("--load-size must be positive") }
            guard !readOnly else { throw ValidationError("--load writes to the cluster, which --read-only forbids") }
        }
    }

    func run() async throws {
        var options = DashboardOptions()
        options.refreshMillis = refreshMillis
        options.metadataRefreshMillis = metadataMillis
        options.asciiOnly = ascii
        options.monochrome = noColor
        options.theme = theme
        options.initialTopic = topic
        options.readOnly = readOnly
        if let load, let topic {
            options.initialLoadGenerator = LoadGeneratorSettings(topic: topic, messagesPerSecond: load, messageSize: loadSize)
        }

        let (config, profile) = try connection.resolve()
        let security = config.security
        options.connection = ConnectionIdentity(
            profile: profile?.name, color: profile?.color, tls: security.securityProtocol.usesTLS,
            saslMechanism: security.securityProtocol.usesSASL ? security.mechanism?.rawValue : nil,
            user: security.principalDescription, readOnly: profile?.readOnly ?? false)
        if let profile, profile.readOnly {
            options.readOnly = true
            options.readOnlyReason = "profile '\(profile.name)'"
        }
        if options.connection.readOnly, load != nil {
            throw CLIError.usage("--load: profile '\(profile?.name ?? "")' is read-only, so the load generator is off")
        }
        let source = try KafkaDashboardSource(config: config)
        let status: Int32
        do {
            status = try await DashboardApp.run(source: source, options: options)
        } catch {
            await source.shutdown()
            throw CLIError.runtime("dashboard: \(error)")
        }
        await source.shutdown()
        Glibc.exit(status)
    }
}
