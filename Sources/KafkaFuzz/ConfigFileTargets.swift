import KafkaFast

/// The two configuration files a user writes by hand: kcat's `-F` properties file and the profiles
/// file. Any text either parses or fails at a line of the file, in one line; what parses keeps the
/// promises the rest of kfast builds on.
enum ConfigFileTargets {
    static let all = [properties, profiles]

    static let properties = FuzzTarget(name: "properties-file") { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = lineCount(text)
        do throws(ConfigFileError) {
            let entries = try PropertiesFile.parse(text, path: "fuzz.properties")
            var previous = 0
            for entry in entries {
                require((1...max(lines, 1)).contains(entry.line) && entry.line >= previous, "line \(entry.line) out of order or range")
                require(!entry.name.isEmpty && !entry.name.contains(where: \.isWhitespace), "a property name with space: \(entry.name)")
                previous = entry.line
            }
        } catch {
            requireOneLine(error, lines: lines)
        }
    }

    static let profiles = FuzzTarget(name: "profiles-file") { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = lineCount(text)
        do throws(ConfigFileError) {
            let file = try ProfilesFile.parse(text, path: "fuzz.toml")
            let names = file.profiles.map(\.name)
            require(Set(names).count == names.count, "a profile defined twice: \(names)")
            if let chosen = file.defaultProfile { require(names.contains(chosen), "default '\(chosen)' is no profile") }
            for profile in file.profiles {
                require(profile.color.map(ProfilesFile.colors.contains) ?? true, "colour \(profile.color ?? "")")
                require((1...max(lines, 1)).contains(profile.line), "profile line \(profile.line) of \(lines)")
            }
        } catch {
            requireOneLine(error, lines: lines)
        }
    }

    /// Lines as the parsers count them (any Unicode line break ends one).
    static func lineCount(_ text: String) -> Int {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).count
    }

    /// kfast prints the error as it is: it must be one line and point into the file.
    static func requireOneLine(_ error: ConfigFileError, lines: Int) {
        require(!error.description.contains(where: \.isNewline), "an error of more than one line: \(error.description.debugDescription)")
        require((0...lines).contains(error.line), "error at line \(error.line) of \(lines)")
    }
}
