import ArgumentParser
import KafkaFast

#if canImport(Glibc)
import Glibc
#endif

/// `-b`, `-X`, `-F`, `--profile` and `-v`, shared by every command that talks to a cluster.
/// Where properties come from and which wins: `ConfigurationSources`.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .short, help: ArgumentHelp("Brokers as host:port[,host:port] (default: the profile, or $KAFKA_BROKERS).", valueName: "brokers"))
    var brokers: String?

    @Option(name: .customShort("X"), help: ArgumentHelp("Set a client property (librdkafka names), repeatable.", valueName: "name=value"))
    var properties: [String] = []

    @Option(name: .customShort("F"), help: ArgumentHelp(
        "Read client properties from a kcat config file (name=value lines), repeatable; default $KCAT_CONFIG or ~/.config/kcat.conf.",
        valueName: "file"))
    var configFiles: [String] = []

    @Option(name: .customLong("profile"), help: ArgumentHelp(
        "Use a named profile from $KFAST_CONFIG or ~/.config/kfast/config.toml (default: $KFAST_PROFILE).", valueName: "name"))
    var profileName: String?

    @Flag(name: .short, help: "Log what the client does on stderr (-v: info, -vv: debug; also -X debug=all).")
    var verbose: Int

    /// The client configuration from every source, and the profile it used.
    func resolve() throws -> (config: KafkaConfiguration, profile: Profile?) {
        var commandLine: [(name: String, value: String)] = []
        for property in properties {
            let parts = property.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CLIError.usage("-X \(property): expected name=value") }
            commandLine.append((parts[0], parts[1]))
        }
        if let brokers { commandLine.append(("bootstrap.servers", brokers)) }
        let sources = ConfigurationSources(
            propertiesFiles: configFiles, profileName: profileName, commandLine: commandLine,
            environment: ConfigurationSources.processEnvironment())
        let resolved = try sources.resolve()
        var config = KafkaConfiguration()
        do {
            try resolved.layers.apply(to: &config)
        } catch {
            throw CLIError.usage(ConfigurationSources.withoutPrefix(error.description))
        }
        guard !config.bootstrapServers.isEmpty else {
            throw CLIError.usage("no broker given: use -b host:port, a profile's brokers, bootstrap.servers in -F FILE, or KAFKA_BROKERS")
        }
        do {
            try config.security.validate()
        } catch {
            throw CLIError.usage(ConfigurationSources.withoutPrefix(error.description))
        }
        config.logger = StderrLogHandler.logger(verbosity: verbose, debugContexts: config.debugContexts)
        return (config, resolved.profile)
    }

    func config() throws -> KafkaConfiguration { try resolve().config }

    func client() throws -> KafkaClient { try KafkaClient(config: config()) }
}
