/// Named connection profiles (`~/.config/kfast/config.toml`, or `$KFAST_CONFIG`), in a small
/// subset of TOML:
///
///     default = "local"                  # used when neither --profile nor $KFAST_PROFILE is given
///
///     [profiles.prod]
///     brokers = "b1.example.com:9093,b2.example.com:9093"
///     color = "red"
///     read-only = true
///     "security.protocol" = "SASL_SSL"   # any client property, quoted or bare
///     sasl.username = "alice"
///     sasl.password = "${PROD_PASSWORD}" # ${VAR}: environment; ${file:PATH}: a file's first line
///
///     [profiles.prod.properties]         # the same, for those who prefer properties apart
///     "sasl.mechanisms" = "SCRAM-SHA-512"
///
/// Values are "basic strings" (with \" \\ \n \t \uXXXX), 'literal strings', true/false or
/// whole numbers. Pure: text in, profiles out; `${...}` is expanded later by `ProfileValues`.
public struct ProfilesFile: Sendable, Equatable {
    /// The top-level `default`: the profile used when none is named.
    public var defaultProfile: String?
    /// In file order.
    public var profiles: [Profile] = []

    /// A profiles file made in code.
    public init(defaultProfile: String? = nil, profiles: [Profile] = []) {
        self.defaultProfile = defaultProfile
        self.profiles = profiles
    }

    /// The profile called `name`, nil when there is none.
    public func profile(named name: String) -> Profile? { profiles.first { $0.name == name } }

    /// Colours a profile may name (the dashboard's header draws the name in it).
    public static let colors = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Reads a profiles file's `text`; `path` only names it in errors.
    ///
    /// Throws ``ConfigFileError`` at the first line that is not in the supported subset, a key
    /// given twice, or a colour not in ``colors``.
    public static func parse(_ text: String, path: String) throws(ConfigFileError) -> ProfilesFile {
        var file = ProfilesFile()
        var current: Int?  // index into profiles
        var inProperties = false
        var seenKeys: Set<String> = []
        var number = 0
        func fail(_ reason: String) -> ConfigFileError { ConfigFileError(path: path, line: number, reason: reason) }

        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            var scanner = TOMLLineScanner(Array(rawLine.utf8))
            scanner.skipSpace()
            if scanner.atEndOfContent { continue }
            if scanner.peek == UInt8(ascii: "[") {
                let header: [String]
                do throws(TOMLSyntaxError) { header = try scanner.tableHeader() } catch { throw fail(error.reason) }
                guard header.count >= 2, header[0] == "profiles", header.count <= 3,
                      header.count == 2 || header[2] == "properties"
                else {
                    throw fail("unknown table [\(header.joined(separator: "."))]: use [profiles.NAME] or [profiles.NAME.properties]")
                }
                let name = header[1]
                guard !name.isEmpty else { throw fail("a profile needs a name") }
                if let index = file.profiles.firstIndex(where: { $0.name == name }) {
                    guard header.count == 3, !file.profiles[index].hasPropertiesTable else {
                        throw fail("profile '\(name)' is defined twice")
                    }
                    current = index
                } else {
                    guard header.count == 2 else { throw fail("[profiles.\(name).properties] before [profiles.\(name)]") }
                    file.profiles.append(Profile(name: name, line: number))
                    current = file.profiles.count - 1
                }
                inProperties = header.count == 3
                if inProperties { file.profiles[current!].hasPropertiesTable = true }
                seenKeys = inProperties ? Set(file.profiles[current!].properties.map(\.name)) : []
                continue
            }
            let key: String
            let value: TOMLValue
            do throws(TOMLSyntaxError) {
                key = try scanner.key()
                scanner.skipSpace()
                guard scanner.take(UInt8(ascii: "=")) else { throw TOMLSyntaxError(reason: "expected '=' after '\(key)'") }
                scanner.skipSpace()
                value = try scanner.value()
                scanner.skipSpace()
                guard scanner.atEndOfContent else { throw TOMLSyntaxError(reason: "unexpected text after the value of '\(key)'") }
            } catch {
                throw fail(error.reason)
            }
            guard let index = current else {
                guard key == "default" else { throw fail("unknown key '\(key)' before any [profiles.NAME] table") }
                guard case .string(let name) = value else { throw fail("default must be a profile name in quotes") }
                guard file.defaultProfile == nil else { throw fail("duplicate key 'default'") }
                file.defaultProfile = name
                continue
            }
            guard seenKeys.insert(key).inserted else { throw fail("duplicate key '\(key)' in profile '\(file.profiles[index].name)'") }
            if inProperties || key.contains(".") {
                file.profiles[index].properties.append((key, value.text))
                continue
            }
            switch key {
            case "brokers":
                guard case .string(let list) = value, !list.isEmpty else { throw fail("brokers must be \"host:port[,host:port]\"") }
                file.profiles[index].brokers = list
            case "color", "colour":
                guard case .string(let color) = value, colors.contains(color.lowercased()) else {
                    throw fail("\(key) must be one of \(colors.joined(separator: ", "))")
                }
                file.profiles[index].color = color.lowercased()
            case "read-only", "read_only", "readonly":
                guard case .bool(let flag) = value else { throw fail("\(key) must be true or false") }
                file.profiles[index].readOnly = flag
            default:
                throw fail("unknown key '\(key)' in profile '\(file.profiles[index].name)' (client properties have a dot, like sasl.username)")
            }
        }
        if let name = file.defaultProfile, file.profile(named: name) == nil {
            throw ConfigFileError(path: path, line: 0, reason: "default profile '\(name)' is not defined")
        }
        return file
    }
}

/// One named profile: where to connect and how.
public struct Profile: Sendable, Equatable {
    /// The profile's name, as in `[profiles.NAME]`.
    public var name: String
    /// `bootstrap.servers` for this profile.
    public var brokers: String?
    /// A name from `ProfilesFile.colors`.
    public var color: String?
    /// The dashboard neither sends nor runs its load generator on a read-only profile.
    public var readOnly = false
    /// Client properties in file order; values may still hold `${VAR}` or `${file:PATH}`.
    public var properties: [(name: String, value: String)] = []
    /// Where the profile starts in its file, for messages.
    public var line: Int
    var hasPropertiesTable = false

    /// An empty profile called `name`, starting at `line`.
    public init(name: String, line: Int) {
        self.name = name
        self.line = line
    }

    /// Equal when every setting is, properties in the same order.
    public static func == (lhs: Profile, rhs: Profile) -> Bool {
        lhs.name == rhs.name && lhs.brokers == rhs.brokers && lhs.color == rhs.color && lhs.readOnly == rhs.readOnly
            && lhs.properties.elementsEqual(rhs.properties, by: { $0 == $1 }) && lhs.line == rhs.line
    }
}
