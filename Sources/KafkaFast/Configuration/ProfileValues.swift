/// Expands the references a profile value may hold, so secrets need not be written in the file:
/// `${NAME}` is the environment variable NAME, `${file:PATH}` the first line of the file at PATH
/// (`~/` is the home directory). Pure: the lookups are passed in.
public enum ProfileValues {
    /// `value` with every `${NAME}` and `${file:PATH}` replaced. `environment` and `readFile` do
    /// the lookups (the CLI passes the process environment and the file system).
    ///
    /// Throws ``KafkaError/Code-swift.struct/invalidConfiguration`` naming `profile` and `property`
    /// for an unclosed `${`, an unset variable or a file that cannot be read; never the value itself,
    /// which may be a secret.
    public static func expand(
        _ value: String, property: String, profile: String,
        environment: (String) -> String?, readFile: (String) -> String?
    ) throws(KafkaError) -> String {
        var output = ""
        var rest = Substring(value)
        while let start = rest.firstRange(of: "${") {
            output += rest[..<start.lowerBound]
            guard let close = rest[start.upperBound...].firstIndex(of: "}") else {
                throw .invalidConfiguration("profile '\(profile)': \(property) has '${' without a closing '}'")
            }
            let reference = String(rest[start.upperBound..<close])
            if reference.hasPrefix("file:") {
                let path = String(reference.dropFirst(5))
                guard let contents = readFile(path) else {
                    throw .invalidConfiguration("profile '\(profile)': \(property) names ${file:\(path)}, which cannot be read")
                }
                output += contents.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map { String($0.trimmingWhitespace()) } ?? ""
            } else {
                guard !reference.isEmpty, let found = environment(reference) else {
                    throw .invalidConfiguration("profile '\(profile)': \(property) names ${\(reference)}, which is not set")
                }
                output += found
            }
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}
