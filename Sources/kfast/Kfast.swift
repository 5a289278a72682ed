import ArgumentParser
import KafkaFast

#if canImport(Glibc)
import Glibc
#endif

struct Kfast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kfast",
        abstract: "A fast Kafka client: topics, offsets, produce, consume and a live dashboard.",
        version: KafkaFastVersion.string,
        subcommands: [
            TopicsCommand.self, OffsetsCommand.self, CreateTopicCommand.self, DeleteTopicCommand.self, AlterTopicCommand.self,
            ProduceCommand.self, ConsumeCommand.self, BenchCommand.self, ConsumeBenchCommand.self, LatencyBenchCommand.self,
            DashCommand.self, DashBenchCommand.self, GroupsCommand.self, ExampleCommand.self, ProfilesCommand.self,
        ]
    )
}

/// Exit codes as kcat users expect: 0 success, 1 a runtime error, 2 a usage error; every
/// error is one line on stderr that says what and why.
@main
enum KfastMain {
    static func main() async {
        let command: any ParsableCommand
        do {
            command = try Kfast.parseAsRoot()
        } catch {
            exitForParseError(error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
        } catch let error as KafkaError {
            fail(error.description, code: 1)
        } catch let error as CLIError {
            fail(error.description, code: error.isUsage ? 2 : 1)
        } catch let error where isUsageError(error) {
            exitForParseError(error)
        } catch {
            // Anything else went wrong while running (a delivery, a file, a cancelled wait): a
            // runtime failure, exit 1, said in one line; never "see --help".
            fail("\(error)", code: 1)
        }
        exit(0)
    }

    /// What ArgumentParser throws about the command line itself (validate(), --help, an exit
    /// code asked for): the only errors that are the user's usage.
    static func isUsageError(_ error: any Error) -> Bool {
        if error is ValidationError || error is CleanExit || error is ExitCode { return true }
        // ArgumentParser wraps a help request or a parse failure met while running (the root
        // command's own run) in a type of its own: its exit code says which it is.
        let code = Kfast.exitCode(for: error)
        return code == .success || code == .validationFailure
    }

    /// Errors the CLI prints are one line: what is not a printable character is escaped.
    static func oneLine(_ text: String) -> String { KafkaError.oneLine(text) }

    static func exitForParseError(_ error: any Error) -> Never {
        let code = Kfast.exitCode(for: error)
        if code == .success { Kfast.exit(withError: error) }  // --help, --version
        let message = Kfast.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        fail("\(message) (see 'kfast --help')", code: 2)
    }

    static func fail(_ message: String, code: Int32) -> Never {
        Output.error("kfast: \(oneLine(message))")
        exit(code)
    }
}

/// An error the CLI itself detects.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    let isUsage: Bool

    static func usage(_ message: String) -> CLIError { CLIError(description: message, isUsage: true) }
    static func runtime(_ message: String) -> CLIError { CLIError(description: message, isUsage: false) }
}
