import KafkaFast

#if canImport(Glibc)
import Glibc
#endif

/// Where a command's client properties come from, lowest precedence first:
/// 1. librdkafka's defaults;
/// 2. properties files: each `-F FILE`, else `$KCAT_CONFIG`, else `~/.config/kcat.conf` (as kcat
///    reads them; `-F -` or `-F none` reads none);
/// 3. a profile: `--profile NAME`, else `$KFAST_PROFILE`, else the profiles file's `default`, from
///    `$KFAST_CONFIG` or `~/.config/kfast/config.toml`;
/// 4. the environment: `$KAFKA_BROKERS` and `KFAST_X_<PROPERTY>` variables;
/// 5. the command line: `-X name=value`, then `-b`.
/// A file that cannot be read or parsed is one line (`path:line: reason`) and exit 2.
struct ConfigurationSources {
    var propertiesFiles: [String]
    var profileName: String?
    var commandLine: [(name: String, value: String)]
    var environment: [String: String]

    /// The profile in use, if any (the dashboard shows it).
    struct Resolved {
        var layers: PropertyLayers
        var profile: Profile?
    }

    func resolve() throws -> Resolved {
        var layers = PropertyLayers()
        for path in try propertiesFilePaths() {
            for entry in try Self.parseProperties(path) {
                layers.add(entry.name, entry.value, origin: "\(path):\(entry.line)")
            }
        }
        let profile = try selectedProfile()
        if let profile {
            if let brokers = profile.brokers { layers.add("bootstrap.servers", brokers, origin: "profile '\(profile.name)'") }
            for (name, value) in profile.properties {
                let expanded: String
                do {
                    expanded = try ProfileValues.expand(
                        value, property: name, profile: profile.name,
                        environment: { environment[$0] }, readFile: { Self.readFile(Self.expandHome($0, environment)) })
                } catch {
                    throw CLIError.usage(Self.withoutPrefix(error.description))
                }
                layers.add(name, expanded, origin: "profile '\(profile.name)'")
            }
        }
        for entry in PropertyLayers.environmentEntries(environment) { layers.add(entry.name, entry.value, origin: entry.origin) }
        for (name, value) in commandLine { layers.add(name, value, origin: name == "bootstrap.servers" ? "-b" : "-X \(name)") }
        return Resolved(layers: layers, profile: profile)
    }

    /// `-F` files; without them `$KCAT_CONFIG`; without it `~/.config/kcat.conf` when it exists.
    func propertiesFilePaths() throws -> [String] {
        if !propertiesFiles.isEmpty { return propertiesFiles.filter { $0 != "-" && $0 != "none" } }
        if let path = environment["KCAT_CONFIG"], !path.isEmpty { return [path] }
        guard let home = environment["HOME"], !home.isEmpty else { return [] }
        for name in ["kcat.conf", "kafkacat.conf"] where Self.readFile(home + "/.config/" + name) != nil {
            return [home + "/.config/" + name]
        }
        return []
    }

    /// The profiles file's path: `$KFAST_CONFIG`, else `~/.config/kfast/config.toml`.
    static func profilesPath(_ environment: [String: String]) -> String? {
        if let path = environment["KFAST_CONFIG"], !path.isEmpty { return path }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/kfast/config.toml"
    }

    /// The profiles file, or nil when there is none (an explicit `$KFAST_CONFIG` must exist).
    static func loadProfiles(_ environment: [String: String]) throws -> (path: String, file: ProfilesFile)? {
        guard let path = profilesPath(environment) else { return nil }
        guard let text = readFile(path) else {
            if environment["KFAST_CONFIG"].map({ !$0.isEmpty }) ?? false {
                throw CLIError.usage("cannot read the profiles file $KFAST_CONFIG=\(path): \(String(cString: strerror(errno)).lowercased())")
            }
            return nil
        }
        do {
            return (path, try ProfilesFile.parse(text, path: path))
        } catch {
            throw CLIError.usage(error.description)
        }
    }

    private func selectedProfile() throws -> Profile? {
        let requested = profileName ?? environment["KFAST_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        let loaded = try Self.loadProfiles(environment)
        guard let name = requested ?? loaded?.file.defaultProfile else { return nil }
        guard let (path, file) = loaded else {
            throw CLIError.usage("profile '\(name)': there is no profiles file (\(Self.profilesPath(environment) ?? "set KFAST_CONFIG"))")
        }
        guard let profile = file.profile(named: name) else {
            let known = file.profiles.map(\.name).joined(separator: ", ")
            throw CLIError.usage("unknown profile '\(name)' (\(path) has: \(known.isEmpty ? "none" : known))")
        }
        return profile
    }

    static func parseProperties(_ path: String) throws -> [(name: String, value: String, line: Int)] {
        guard let text = readFile(path) else {
            throw CLIError.usage("cannot read config file \(path): \(String(cString: strerror(errno)).lowercased())")
        }
        do {
            return try PropertiesFile.parse(text, path: path)
        } catch {
            throw CLIError.usage(error.description)
        }
    }

    static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            bytes += chunk[0..<count]
            if count < chunk.count { break }
            if bytes.count > 4 << 20 { return nil }
        }
        if ferror(file) != 0 { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func expandHome(_ path: String, _ environment: [String: String]) -> String {
        guard path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
        return home + path.dropFirst()
    }

    static func withoutPrefix(_ text: String) -> String {
        text.hasPrefix("invalid configuration: ") ? String(text.dropFirst("invalid configuration: ".count)) : text
    }

    static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
