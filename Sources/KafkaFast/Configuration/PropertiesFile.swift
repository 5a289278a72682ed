/// kcat's `-F` file: librdkafka `name=value` lines, read as kcat reads them. Each line is
/// trimmed; empty lines and lines starting with `#` are skipped; `\:` and `\=` (Java escapes)
/// become `:` and `=`; the name ends at the first `=`. Like kcat, Java client files work too:
/// `sasl.jaas.config` with `username="..." password="..."` sets `sasl.username` and
/// `sasl.password`. Unlike kcat, spaces around the `=` are allowed. Pure: text in, properties out.
public enum PropertiesFile {
    /// The properties in file order, each with its line (a later line for the same name wins
    /// when applied in order).
    public static func parse(_ text: String, path: String) throws(ConfigFileError) -> [(name: String, value: String, line: Int)] {
        var result: [(name: String, value: String, line: Int)] = []
        var number = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            var line = String(rawLine.trimmingWhitespace())
            if line.isEmpty || line.hasPrefix("#") { continue }
            line = line.replacing("\\:", with: ":").replacing("\\=", with: "=")
            guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
                throw ConfigFileError(path: path, line: number, reason: "expected property=value")
            }
            let name = String(line[..<equals].trimmingWhitespace())
            let value = String(line[line.index(after: equals)...].trimmingWhitespace())
            guard !name.isEmpty, !name.contains(where: \.isWhitespace) else {
                throw ConfigFileError(path: path, line: number, reason: "'\(name)' is not a property name")
            }
            if name == "sasl.jaas.config", let credentials = jaasCredentials(value) {
                result.append(("sasl.username", credentials.username, number))
                result.append(("sasl.password", credentials.password, number))
                continue
            }
            result.append((name, value, number))
        }
        return result
    }

    /// `... LoginModule required username="u" password="p";` as Java clients write SASL logins.
    static func jaasCredentials(_ value: String) -> (username: String, password: String)? {
        func quoted(after key: String) -> String? {
            guard let range = value.firstRange(of: key + "=\"") else { return nil }
            let rest = value[range.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { return nil }
            return String(rest[..<end])
        }
        guard let username = quoted(after: "username"), let password = quoted(after: "password") else { return nil }
        return (username, password)
    }
}
