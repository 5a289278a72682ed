import KafkaProtocol

/// The API versions one broker advertised on one connection, and the choice of version per
/// request: the highest version both sides speak (min of the maxima), within the client's limits.
package struct ApiVersionTable: Sendable, Equatable {
    package var ranges: [Int16: ClosedRange<Int16>]

    package init(ranges: [Int16: ClosedRange<Int16>]) { self.ranges = ranges }

    init(_ response: ApiVersionsResponse) {
        var ranges: [Int16: ClosedRange<Int16>] = [:]
        for api in response.apiKeys where api.minVersion <= api.maxVersion {
            ranges[api.apiKey] = api.minVersion...api.maxVersion
        }
        self.ranges = ranges
    }

    /// The version to use for `apiKey`, or nil when the ranges do not overlap.
    /// - Parameter clientMax: an override of the client's ceiling (configuration, e.g. for tshark).
    package func negotiate(apiKey: Int16, codec: ClosedRange<Int16>, clientMax: Int16? = nil) -> Int16? {
        guard let broker = ranges[apiKey] else { return nil }
        let floor = max(codec.lowerBound, KafkaAPI.floors[apiKey] ?? codec.lowerBound)
        var ceiling = min(codec.upperBound, KafkaAPI.defaultCeilings[apiKey] ?? codec.upperBound)
        if let clientMax { ceiling = min(ceiling, clientMax) }
        let version = min(ceiling, broker.upperBound)
        guard version >= floor, version >= broker.lowerBound else { return nil }
        return version
    }
}
