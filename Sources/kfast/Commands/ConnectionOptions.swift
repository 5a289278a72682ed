import ArgumentParser
import KafkaFast

#if canImport(Glibc)
import Glibc
#endif

/// `-b` and `-X`, shared by every command that talks to a cluster.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .short, help: ArgumentHelp("Brokers as host:port[,host:port] (default: $KAFKA_BROKERS).", valueName: "brokers"))
    var brokers: String?

    @Option(name: .customShort("X"), help: ArgumentHelp("Set a client property (librdkafka names), repeatable.", valueName: "name=value"))
    var properties: [String] = []

    @Flag(name: .short, help: "Log what the client does on stderr (-v: info, -vv: debug; also -X debug=all).")
    var verbose: Int

    func config() throws -> KafkaConfiguration {
        var config = KafkaConfiguration()
        guard let list = brokers ?? ProcessInfoLite.environment("KAFKA_BROKERS"), !list.isEmpty else {
            throw CLIError.usage("no broker given: use -b host:port or set KAFKA_BROKERS")
        }
        do {
            config.bootstrapServers = try BrokerAddress.parseList(list)
        } catch {
            throw CLIError.usage(error.description)
        }
        for property in properties {
            let parts = property.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CLIError.usage("-X \(property): expected name=value") }
            do {
                try config.set(parts[0], parts[1])
            } catch {
                throw CLIError.usage(error.description)
            }
        }
        config.logger = StderrLogHandler.logger(verbosity: verbose, debugContexts: config.debugContexts)
        return config
    }

    func client() throws -> KafkaClient { try KafkaClient(config: config()) }
}

enum ProcessInfoLite {
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
