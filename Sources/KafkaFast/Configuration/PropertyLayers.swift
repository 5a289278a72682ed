/// Client properties gathered from several places, applied in order of precedence, lowest
/// first: librdkafka's defaults < a properties file (`-F`) < a profile < the environment < the
/// command line (`-X`, `-b`). A later layer overrides an earlier one name by name; a bad value
/// is reported with where it came from (`file:line`, the profile, the variable, `-X`).
public struct PropertyLayers: Sendable {
    /// One property and where it was set.
    public struct Entry: Sendable, Equatable {
        /// The property's librdkafka name.
        public var name: String
        /// Its value, as given.
        public var value: String
        /// `path:line`, `profile 'prod'`, `$KFAST_X_SASL_PASSWORD`, `-X`: for messages.
        public var origin: String

        /// A property set at `origin`.
        public init(name: String, value: String, origin: String) {
            self.name = name
            self.value = value
            self.origin = origin
        }
    }

    /// In order of precedence, lowest first.
    public private(set) var entries: [Entry] = []

    /// No layers yet: librdkafka's defaults.
    public init() {}

    /// Adds a property above everything added before (add the layers lowest first).
    public mutating func add(_ name: String, _ value: String, origin: String) {
        entries.append(Entry(name: name, value: value, origin: origin))
    }

    /// The winning entry for each name, in the order names were first set.
    public var effective: [Entry] {
        var position: [String: Int] = [:]
        var result: [Entry] = []
        for entry in entries {
            let name = Self.canonicalName(entry.name)
            if let index = position[name] {
                result[index] = entry
            } else {
                position[name] = result.count
                result.append(entry)
            }
        }
        return result
    }

    /// Applies the effective properties to `config`; an error names the property's origin.
    public func apply(to config: inout KafkaConfiguration) throws(KafkaError) {
        for entry in effective {
            do {
                try config.set(entry.name, entry.value)
            } catch {
                throw .invalidConfiguration("\(entry.origin): \(Self.withoutPrefix(error.description))")
            }
        }
    }

    /// Aliases that set the same thing count as one name, so the higher layer wins.
    static func canonicalName(_ name: String) -> String {
        switch name {
        case "metadata.broker.list": return "bootstrap.servers"
        case "sasl.mechanism": return "sasl.mechanisms"
        default: return name
        }
    }

    private static func withoutPrefix(_ text: String) -> String {
        text.hasPrefix("invalid configuration: ") ? String(text.dropFirst("invalid configuration: ".count)) : text
    }

    /// The environment's layer: `KAFKA_BROKERS` (bootstrap.servers) and `KFAST_X_<NAME>`, where
    /// NAME is a property with its dots written as underscores (`KFAST_X_SASL_PASSWORD`).
    public static func environmentEntries(_ environment: [String: String]) -> [Entry] {
        var entries: [Entry] = []
        if let brokers = environment["KAFKA_BROKERS"], !brokers.isEmpty {
            entries.append(Entry(name: "bootstrap.servers", value: brokers, origin: "$KAFKA_BROKERS"))
        }
        for (variable, value) in environment.sorted(by: { $0.key < $1.key }) where variable.hasPrefix("KFAST_X_") {
            let name = variable.dropFirst("KFAST_X_".count).lowercased().replacing("_", with: ".")
            guard !name.isEmpty else { continue }
            entries.append(Entry(name: name, value: value, origin: "$\(variable)"))
        }
        return entries
    }

    /// Whether a property's value is a secret, to be shown as `[redacted]` in any printout.
    public static func isSecret(_ name: String) -> Bool {
        KafkaSecurityConfiguration.secretProperties.contains(name) || name.hasSuffix(".password") || name.hasSuffix(".secret")
            || name == "sasl.jaas.config"
    }
}
