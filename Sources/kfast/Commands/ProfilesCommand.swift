import ArgumentParser
import KafkaFast

/// `kfast profiles`: the profiles of `$KFAST_CONFIG` or `~/.config/kfast/config.toml`, with what
/// each connects to and how, never a secret (a secret property shows `[redacted]`, or the
/// `${VAR}` / `${file:PATH}` it names).
struct ProfilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles",
        abstract: "List the connection profiles (secrets are never shown).",
        discussion: "The file is $KFAST_CONFIG, or ~/.config/kfast/config.toml; see README.md for its format.")

    @Flag(name: .long, help: "Also list each profile's client properties.")
    var properties = false

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() throws {
        let environment = ConfigurationSources.processEnvironment()
        guard let (path, file) = try ConfigurationSources.loadProfiles(environment) else {
            let path = ConfigurationSources.profilesPath(environment) ?? "~/.config/kfast/config.toml"
            if json {
                Output.line(JSON.object([("file", .string(path)), ("default", .null), ("profiles", .array([]))]).rendered)
            } else {
                Output.line("No profiles: \(path) does not exist (README.md, \"Connecting to a secured cluster\", shows its format).")
            }
            return
        }
        if json {
            Output.line(Self.json(path: path, file: file).rendered)
            return
        }
        Output.line("Profiles in \(path):")
        var table = TextTable(headers: ["PROFILE", "BROKERS", "SECURITY", "COLOR", "READ-ONLY"])
        for profile in file.profiles {
            let marker = profile.name == file.defaultProfile ? " (default)" : ""
            table.add([profile.name + marker, profile.brokers ?? "-", Self.security(profile), profile.color ?? "-",
                       profile.readOnly ? "yes" : "no"])
        }
        Output.line(table.rendered)
        guard properties else { return }
        for profile in file.profiles where !profile.properties.isEmpty {
            Output.line("\n\(profile.name):")
            for (name, value) in profile.properties { Output.line("  \(name)=\(Self.shown(name, value))") }
        }
    }

    /// A property's value as it may be printed.
    static func shown(_ name: String, _ value: String) -> String {
        guard PropertyLayers.isSecret(name) else { return value }
        let isReference = value.hasPrefix("${") && value.hasSuffix("}") && value.filter({ $0 == "}" }).count == 1
        return isReference ? value : "[redacted]"
    }

    /// `sasl_ssl SCRAM-SHA-512 user alice`, from the profile's own properties.
    static func security(_ profile: Profile) -> String {
        let value = { (name: String) in profile.properties.last(where: { $0.name == name })?.value }
        var parts = [(value("security.protocol") ?? "plaintext").lowercased()]
        if let mechanism = value("sasl.mechanisms") ?? value("sasl.mechanism") { parts.append(mechanism.uppercased()) }
        if let user = value("sasl.username") { parts.append("user \(user)") }
        if value("ssl.certificate.location") != nil || value("ssl.keystore.location") != nil { parts.append("client certificate") }
        return parts.joined(separator: " ")
    }

    static func json(path: String, file: ProfilesFile) -> JSON {
        .object([
            ("file", .string(path)),
            ("default", file.defaultProfile.map(JSON.string) ?? .null),
            ("profiles", .array(file.profiles.map { profile in
                .object([
                    ("name", .string(profile.name)),
                    ("brokers", profile.brokers.map(JSON.string) ?? .null),
                    ("color", profile.color.map(JSON.string) ?? .null),
                    ("read_only", .bool(profile.readOnly)),
                    ("security", .string(security(profile))),
                    ("properties", .object(profile.properties.map { ($0.name, .string(shown($0.name, $0.value))) })),
                ])
            })),
        ])
    }
}
