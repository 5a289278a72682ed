/// A `host:port` a client can dial. IPv6 literals are written in brackets: `[::1]:9092`.
public struct BrokerAddress: Hashable, Sendable, CustomStringConvertible {
    /// 9092, Kafka's port: what an address without one gets, as in kcat and librdkafka.
    public static let defaultPort = 9092

    /// A host name or an IP address (an IPv6 literal without its brackets).
    public var host: String
    /// The TCP port.
    public var port: Int

    /// An address as given; nothing is resolved or checked until it is dialled.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses one address; the port defaults to 9092 as in kcat and librdkafka.
    public init(parsing text: String) throws(KafkaError) {
        var rest = Substring(text.trimmingWhitespace())
        if rest.hasPrefix("PLAINTEXT://") { rest = rest.dropFirst("PLAINTEXT://".count) }
        guard !rest.isEmpty else { throw .invalidBrokerAddress(text, reason: "empty address") }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw .invalidBrokerAddress(text, reason: "missing ']' after IPv6 address")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidBrokerAddress(text, reason: "expected ':' after ']'") }
                portText = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
            if host.contains(":") {
                throw .invalidBrokerAddress(text, reason: "write IPv6 addresses in brackets, as [::1]:9092")
            }
        } else {
            host = rest
        }
        guard !host.isEmpty else { throw .invalidBrokerAddress(text, reason: "missing host") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || "-._:".contains($0) }) else {
            throw .invalidBrokerAddress(text, reason: "host contains characters that are not allowed")
        }
        var port = Self.defaultPort
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw .invalidBrokerAddress(text, reason: "port '\(portText)' is not a number from 1 to 65535")
            }
            port = value
        }
        self.init(host: String(host), port: port)
    }

    /// Parses a comma-separated list, as `bootstrap.servers` and `-b` take it.
    public static func parseList(_ text: String) throws(KafkaError) -> [BrokerAddress] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: true)
        guard !parts.isEmpty else { throw .invalidBrokerAddress(text, reason: "no broker given") }
        var result: [BrokerAddress] = []
        for part in parts { result.append(try BrokerAddress(parsing: String(part))) }
        return result
    }

    /// `host:port`, with brackets around an IPv6 literal: what ``init(parsing:)`` reads back.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension StringProtocol {
    func trimmingWhitespace() -> Substring {
        let chars = Substring(self)
        guard let start = chars.firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let end = chars.lastIndex(where: { !$0.isWhitespace })!
        return chars[start...end]
    }
}
