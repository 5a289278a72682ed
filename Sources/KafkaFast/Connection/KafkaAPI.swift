/// Names of Kafka APIs for messages, and the client's own version limits per API.
public enum KafkaAPI {
    /// Kafka's name of API `apiKey` (`Produce`, `Fetch`, ...), for messages and `api.version.max`;
    /// `API N` for a key it does not know.
    public static func name(of apiKey: Int16) -> String {
        switch apiKey {
        case 0: return "Produce"
        case 1: return "Fetch"
        case 2: return "ListOffsets"
        case 3: return "Metadata"
        case 8: return "OffsetCommit"
        case 9: return "OffsetFetch"
        case 10: return "FindCoordinator"
        case 11: return "JoinGroup"
        case 12: return "Heartbeat"
        case 13: return "LeaveGroup"
        case 14: return "SyncGroup"
        case 15: return "DescribeGroups"
        case 16: return "ListGroups"
        case 17: return "SaslHandshake"
        case 18: return "ApiVersions"
        case 19: return "CreateTopics"
        case 20: return "DeleteTopics"
        case 21: return "DeleteRecords"
        case 22: return "InitProducerId"
        case 32: return "DescribeConfigs"
        case 36: return "SaslAuthenticate"
        case 37: return "CreatePartitions"
        case 60: return "DescribeCluster"
        default: return "API \(apiKey)"
        }
    }

    /// Lowest version the client will speak per API, where it differs from the codec's range:
    /// record batches (magic 2) need Produce ≥ 3 and Fetch ≥ 4; ListOffsets v0 has another shape.
    static let floors: [Int16: Int16] = [0: 3, 1: 4, 2: 1]

    /// Highest version the client speaks by default, where lower than the codec's range:
    /// - Fetch 13+ addresses topics by id, which the consumer does not track yet.
    /// - JoinGroup 6+, SyncGroup 4+ and LeaveGroup 3+ add only the flexible encoding, echoed
    ///   protocol fields, reasons and batch leaves, none of which a classic consumer member uses.
    ///   librdkafka's mock cluster advertises those versions but reads their arrays in the old
    ///   layout and drops the connection (JoinGroup, SyncGroup) or misreads the member
    ///   (LeaveGroup), and librdkafka itself never sends them; these ceilings are what every
    ///   server we test against answers correctly. `api.version.max` can still lower them.
    static let defaultCeilings: [Int16: Int16] = [1: 12, 11: 5, 13: 2, 14: 3]
}
