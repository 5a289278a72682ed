/// Settings for `DashboardApp.run`. `parse` reads them from command-line arguments for hosts that
/// take the dashboard's flags as they are (`kfast dash` declares its own and fills these in).
public struct DashboardOptions: Sendable, Equatable {
    /// Screen refresh and metrics polling interval.
    public var refreshMillis = 250
    /// Cluster metadata polling interval.
    public var metadataRefreshMillis = 1000
    /// ASCII borders, bars and sparklines for terminals without Unicode (also chosen for non-UTF-8 locales).
    public var asciiOnly = false
    /// No colours even where the terminal has them (`NO_COLOR` in the environment does the same).
    public var monochrome = false
    /// A theme name looked up in the theme directories, or a path to a theme file.
    public var theme: String?
    /// The topic selected at start; otherwise the first one by name.
    public var initialTopic: String?
    /// Messages the tail pane keeps for scrolling back.
    public var tailCapacity = 10_000
    /// Most tail rows added per second before the pane samples.
    public var tailDisplayBudgetPerSecond = 500
    /// A send template (`Assets/payloads/*.json`) to fill the send form with at start.
    public var sendTemplate: String?
    /// A load generator to start with (`kfast dash --load`): running from the first frame, and shown
    /// in the send pane's load fields so the keys that retune or stop it start from what runs.
    public var initialLoadGenerator: LoadGeneratorSettings?
    /// No changes to the cluster: creating, deleting and altering topics, resetting offsets, test sends
    /// and the load generator are refused with a status line saying so. Hosts set it from a flag or
    /// from a profile marked read-only.
    public var readOnly = false
    /// What made it read-only, named in the refusal ("--read-only", "profile prod").
    public var readOnlyReason = "--read-only"
    /// The profile, TLS and SASL login the header shows; a read-only one disables sending.
    public var connection = ConnectionIdentity()

    public init() {}

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static let usage = """
        Options:
          --refresh-ms N        screen refresh and metrics interval (default 250)
          --metadata-ms N       cluster metadata refresh interval (default 1000)
          --topic NAME          topic to select at start
          --theme NAME|PATH     theme from Assets/themes (default, mono) or a JSON file
          --no-color            monochrome (also when NO_COLOR is set)
          --ascii               ASCII borders, bars and sparklines
          --tail-capacity N     messages kept in the tail scrollback (default 10000)
          --tail-rows-per-s N   tail rows shown per second before sampling (default 500)
          --template PATH       fill the send form from a template (Assets/payloads/*.json)
          --read-only           no changes to the cluster: admin actions, sends and load are refused
          --config PATH         read these settings from a JSON file first (Assets/dash.example.json)
        """

    /// Reads the flags above (a --config file first, so flags override it); unknown arguments are
    /// returned for the caller to handle.
    public static func parse(_ arguments: [String]) throws -> (options: DashboardOptions, unused: [String]) {
        var options = DashboardOptions()
        if let index = arguments.firstIndex(of: "--config") {
            guard index + 1 < arguments.count else { throw ParseError(description: "--config needs a value") }
            try DashboardConfigFile.apply(arguments[index + 1], to: &options)
        }
        var unused: [String] = []
        var iterator = arguments.makeIterator()
        func value(for flag: String) throws -> String {
            guard let value = iterator.next() else { throw ParseError(description: "\(flag) needs a value") }
            return value
        }
        func number(for flag: String, minimum: Int) throws -> Int {
            let text = try value(for: flag)
            guard let number = Int(text), number >= minimum else {
                throw ParseError(description: "\(flag) needs a whole number of at least \(minimum), not \"\(text)\"")
            }
            return number
        }
        while let argument = iterator.next() {
            switch argument {
            case "--refresh-ms": options.refreshMillis = try number(for: argument, minimum: 20)
            case "--metadata-ms": options.metadataRefreshMillis = try number(for: argument, minimum: 100)
            case "--topic": options.initialTopic = try value(for: argument)
            case "--theme": options.theme = try value(for: argument)
            case "--no-color", "--no-colour", "--mono": options.monochrome = true
            case "--ascii": options.asciiOnly = true
            case "--tail-capacity": options.tailCapacity = try number(for: argument, minimum: 10)
            case "--tail-rows-per-s": options.tailDisplayBudgetPerSecond = try number(for: argument, minimum: 1)
            case "--template": options.sendTemplate = try value(for: argument)
            case "--read-only": options.readOnly = true
            case "--config": _ = try value(for: argument)  // already applied above
            default: unused.append(argument)
            }
        }
        return (options, unused)
    }
}
