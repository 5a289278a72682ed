/// The command line as the bytes the process was given. Swift decodes `CommandLine.arguments`
/// as UTF-8, replacing bytes that are not with U+FFFD; a key, value or header given on the
/// command line must arrive as typed, so these are read from `argv` itself.
public struct RawArguments {
    public let words: [[UInt8]]

    public init(words: [[UInt8]]) { self.words = words }

    /// This process's arguments, the program name left out.
    public static var current: RawArguments {
        var words: [[UInt8]] = []
        for index in 1..<Int(CommandLine.argc) {
            guard let argument = CommandLine.unsafeArgv[index] else { continue }
            words.append(Array(UnsafeBufferPointer(start: UnsafeRawPointer(argument).assumingMemoryBound(to: UInt8.self), count: strlen(argument))))
        }
        return RawArguments(words: words)
    }

    /// Every value given to the option `-X` (short, also as `-Xvalue`) or `--long` (also as
    /// `--long=value`), in order, until `--`.
    public func values(short: Character?, long: String?) -> [[UInt8]] {
        var found: [[UInt8]] = []
        let shortFlag = short.map { Array("-\($0)".utf8) }
        let longFlag = long.map { Array("--\($0)".utf8) }
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            if word == Array("--".utf8) { break }
            for flag in [shortFlag, longFlag].compactMap({ $0 }) where word.starts(with: flag) {
                if word.count == flag.count {
                    if index < words.count { found.append(words[index]) }
                    index += 1
                } else if flag == longFlag, word[flag.count] == UInt8(ascii: "=") {
                    found.append(Array(word[(flag.count + 1)...]))
                } else if flag == shortFlag {
                    found.append(Array(word[flag.count...]))
                }
            }
        }
        return found
    }

    /// The raw bytes of each decoded `value` given to the option, matched in order; a value the
    /// raw scan disagrees with (an unusual spelling of the option) keeps its decoded bytes.
    public func bytes(of decoded: [String], short: Character?, long: String?) -> [[UInt8]] {
        let raw = values(short: short, long: long)
        guard raw.count == decoded.count else { return decoded.map { Array($0.utf8) } }
        return zip(raw, decoded).map { raw, text in String(decoding: raw, as: UTF8.self) == text ? raw : Array(text.utf8) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
