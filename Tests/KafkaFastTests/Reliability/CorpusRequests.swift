import KafkaFast
import KafkaProtocol
import NIOCore

/// One reasonable request per API for the corpus capture: about `topic` or a group of the
/// capture's own, or harmlessly wrong (unknown members, a topic that does not exist) so the
/// broker answers with its errors. Nil where the request cannot be expressed at `version`.
enum CorpusRequests {
    static let group = "corpus-group"

    static func make<Request: KafkaRequestMessage>(_: Request.Type, version: Int16, topic: String) -> Request? {
        let request: any KafkaRequestMessage
        switch Request.apiKey {
        case ApiVersionsRequest.apiKey:
            request = ApiVersionsRequest(clientSoftwareName: "kafka-fast", clientSoftwareVersion: "0.1")
        case MetadataRequest.apiKey:
            request = MetadataRequest(topics: [.init(name: topic)], allowAutoTopicCreation: false)
        case ProduceRequest.apiKey:
            var builder = RecordBatchBuilder()
            builder.append(key: ByteBuffer(string: "k"), value: ByteBuffer(string: "corpus"), headers: [(key: "h", value: nil)],
                           timestamp: 1_700_000_000_000)
            var wire = ByteBuffer()
            guard (try? builder.finish(into: &wire)) != nil else { return nil }
            request = ProduceRequest(acks: 1, timeoutMs: 5000, topicData: [.init(name: topic, partitionData: [.init(index: 0, records: wire)])])
        case FetchRequest.apiKey:
            request = FetchRequest(maxWaitMs: 10, minBytes: 1, maxBytes: 16_384, topics: [.init(topic: topic, partitions: [
                .init(partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 8192),
            ])])
        case ListOffsetsRequest.apiKey:
            request = ListOffsetsRequest(replicaId: -1, topics: [.init(name: topic, partitions: [.init(partitionIndex: 0, timestamp: -1)])])
        case CreateTopicsRequest.apiKey:
            request = CreateTopicsRequest(topics: [.init(name: topic, numPartitions: 1, replicationFactor: 1)], timeoutMs: 5000,
                                          validateOnly: version >= 1)
        case DeleteTopicsRequest.apiKey:
            request = version >= 6
                ? DeleteTopicsRequest(topics: [.init(name: "corpus-no-such-topic")], timeoutMs: 5000)
                : DeleteTopicsRequest(topicNames: ["corpus-no-such-topic"], timeoutMs: 5000)
        case FindCoordinatorRequest.apiKey:
            request = version >= 4 ? FindCoordinatorRequest(keyType: 0, coordinatorKeys: [group]) : FindCoordinatorRequest(key: group)
        case JoinGroupRequest.apiKey:
            request = JoinGroupRequest(groupId: group, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 6000, memberId: "",
                                       protocolType: "consumer", protocols: [.init(name: "range", metadata: ConsumerProtocol.encodeSubscription(topic))])
        case SyncGroupRequest.apiKey:
            request = SyncGroupRequest(groupId: group, generationId: 1, memberId: "corpus-unknown-member")
        case HeartbeatRequest.apiKey:
            request = HeartbeatRequest(groupId: group, generationId: 1, memberId: "corpus-unknown-member")
        case LeaveGroupRequest.apiKey:
            request = version >= 3
                ? LeaveGroupRequest(groupId: group, members: [.init(memberId: "corpus-unknown-member")])
                : LeaveGroupRequest(groupId: group, memberId: "corpus-unknown-member")
        case OffsetCommitRequest.apiKey:
            request = OffsetCommitRequest(groupId: group, topics: [.init(name: topic, partitions: [.init(partitionIndex: 0, committedOffset: 0)])])
        case OffsetFetchRequest.apiKey:
            request = version >= 8
                ? OffsetFetchRequest(groups: [.init(groupId: group, topics: [.init(name: topic, partitionIndexes: [0, 1])])])
                : OffsetFetchRequest(groupId: group, topics: [.init(name: topic, partitionIndexes: [0, 1])])
        case ListGroupsRequest.apiKey:
            request = ListGroupsRequest()
        case DescribeGroupsRequest.apiKey:
            request = DescribeGroupsRequest(groups: [group])
        case InitProducerIdRequest.apiKey:
            request = InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: -1)
        case DescribeClusterRequest.apiKey:
            request = DescribeClusterRequest()
        case DescribeConfigsRequest.apiKey:
            request = DescribeConfigsRequest(resources: [.init(resourceType: 2, resourceName: topic, configurationKeys: nil)])
        case CreatePartitionsRequest.apiKey:
            request = CreatePartitionsRequest(topics: [.init(name: topic, count: 3, assignments: nil)], timeoutMs: 5000, validateOnly: true)
        case DeleteRecordsRequest.apiKey:
            request = DeleteRecordsRequest(topics: [.init(name: topic, partitions: [.init(partitionIndex: 1, offset: 0)])], timeoutMs: 5000)
        case SaslHandshakeRequest.apiKey:
            request = SaslHandshakeRequest(mechanism: "PLAIN")
        case SaslAuthenticateRequest.apiKey:
            request = SaslAuthenticateRequest(authBytes: ByteBuffer(bytes: [0] + Array("corpus".utf8) + [0] + Array("secret".utf8)))
        default:
            return nil
        }
        guard let typed = request as? Request else { return nil }
        var probe = ByteBuffer()
        guard (try? typed.encode(into: &probe, version: version)) != nil else { return nil }
        return typed
    }
}

extension ConsumerProtocol {
    static func encodeSubscription(_ topic: String) -> ByteBuffer { encode(Subscription(topics: [topic])) }
}
