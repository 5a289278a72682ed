// Every Kafka error code: its number, name, and whether the Java client retries it; written out, no data files read.

extension KafkaErrorCode {
    /// `UNKNOWN_SERVER_ERROR` (-1), not retriable. An error the broker does not name; also booked for a transport failure.
    public static let unknownServerError = KafkaErrorCode(rawValue: -1)
    /// `NONE` (0), not retriable. No error.
    public static let none = KafkaErrorCode(rawValue: 0)
    /// `OFFSET_OUT_OF_RANGE` (1), not retriable. The fetch offset is outside the log: `auto.offset.reset` decides.
    public static let offsetOutOfRange = KafkaErrorCode(rawValue: 1)
    /// `CORRUPT_MESSAGE` (2), retriable. A batch failed its CRC check on the way.
    public static let corruptMessage = KafkaErrorCode(rawValue: 2)
    /// `UNKNOWN_TOPIC_OR_PARTITION` (3), retriable. No such topic or partition (yet: a new topic propagates).
    public static let unknownTopicOrPartition = KafkaErrorCode(rawValue: 3)
    /// `INVALID_FETCH_SIZE` (4), not retriable.
    public static let invalidFetchSize = KafkaErrorCode(rawValue: 4)
    /// `LEADER_NOT_AVAILABLE` (5), retriable. The partition has no leader at the moment (an election).
    public static let leaderNotAvailable = KafkaErrorCode(rawValue: 5)
    /// `NOT_LEADER_OR_FOLLOWER` (6), retriable. The leader moved: the client refreshes metadata and follows it.
    public static let notLeaderOrFollower = KafkaErrorCode(rawValue: 6)
    /// `REQUEST_TIMED_OUT` (7), retriable. The broker gave up waiting (for replicas with `acks=all`).
    public static let requestTimedOut = KafkaErrorCode(rawValue: 7)
    /// `BROKER_NOT_AVAILABLE` (8), not retriable.
    public static let brokerNotAvailable = KafkaErrorCode(rawValue: 8)
    /// `REPLICA_NOT_AVAILABLE` (9), retriable.
    public static let replicaNotAvailable = KafkaErrorCode(rawValue: 9)
    /// `MESSAGE_TOO_LARGE` (10), not retriable. A batch is larger than the topic's `max.message.bytes`.
    public static let messageTooLarge = KafkaErrorCode(rawValue: 10)
    /// `STALE_CONTROLLER_EPOCH` (11), not retriable.
    public static let staleControllerEpoch = KafkaErrorCode(rawValue: 11)
    /// `OFFSET_METADATA_TOO_LARGE` (12), not retriable.
    public static let offsetMetadataTooLarge = KafkaErrorCode(rawValue: 12)
    /// `NETWORK_EXCEPTION` (13), retriable.
    public static let networkException = KafkaErrorCode(rawValue: 13)
    /// `COORDINATOR_LOAD_IN_PROGRESS` (14), retriable. The coordinator is still loading the group's state.
    public static let coordinatorLoadInProgress = KafkaErrorCode(rawValue: 14)
    /// `COORDINATOR_NOT_AVAILABLE` (15), retriable. The group coordinator is not there yet (or moving).
    public static let coordinatorNotAvailable = KafkaErrorCode(rawValue: 15)
    /// `NOT_COORDINATOR` (16), retriable. Not the group's coordinator (any more): find it again.
    public static let notCoordinator = KafkaErrorCode(rawValue: 16)
    /// `INVALID_TOPIC_EXCEPTION` (17), not retriable.
    public static let invalidTopicException = KafkaErrorCode(rawValue: 17)
    /// `RECORD_LIST_TOO_LARGE` (18), not retriable. A produce request larger than the broker accepts.
    public static let recordListTooLarge = KafkaErrorCode(rawValue: 18)
    /// `NOT_ENOUGH_REPLICAS` (19), retriable. Fewer in-sync replicas than `min.insync.replicas`: not written.
    public static let notEnoughReplicas = KafkaErrorCode(rawValue: 19)
    /// `NOT_ENOUGH_REPLICAS_AFTER_APPEND` (20), retriable. Written, but too few replicas were in sync to acknowledge it.
    public static let notEnoughReplicasAfterAppend = KafkaErrorCode(rawValue: 20)
    /// `INVALID_REQUIRED_ACKS` (21), not retriable.
    public static let invalidRequiredAcks = KafkaErrorCode(rawValue: 21)
    /// `ILLEGAL_GENERATION` (22), not retriable. The group moved to a new generation: rejoin.
    public static let illegalGeneration = KafkaErrorCode(rawValue: 22)
    /// `INCONSISTENT_GROUP_PROTOCOL` (23), not retriable.
    public static let inconsistentGroupProtocol = KafkaErrorCode(rawValue: 23)
    /// `INVALID_GROUP_ID` (24), not retriable.
    public static let invalidGroupId = KafkaErrorCode(rawValue: 24)
    /// `UNKNOWN_MEMBER_ID` (25), not retriable. The member's session expired: rejoin.
    public static let unknownMemberId = KafkaErrorCode(rawValue: 25)
    /// `INVALID_SESSION_TIMEOUT` (26), not retriable.
    public static let invalidSessionTimeout = KafkaErrorCode(rawValue: 26)
    /// `REBALANCE_IN_PROGRESS` (27), not retriable. The group is rebalancing: rejoin, then commit.
    public static let rebalanceInProgress = KafkaErrorCode(rawValue: 27)
    /// `INVALID_COMMIT_OFFSET_SIZE` (28), not retriable.
    public static let invalidCommitOffsetSize = KafkaErrorCode(rawValue: 28)
    /// `TOPIC_AUTHORIZATION_FAILED` (29), not retriable. Not allowed on the topic (ACLs).
    public static let topicAuthorizationFailed = KafkaErrorCode(rawValue: 29)
    /// `GROUP_AUTHORIZATION_FAILED` (30), not retriable. Not allowed to use the group (ACLs).
    public static let groupAuthorizationFailed = KafkaErrorCode(rawValue: 30)
    /// `CLUSTER_AUTHORIZATION_FAILED` (31), not retriable. Not allowed on the cluster (ACLs).
    public static let clusterAuthorizationFailed = KafkaErrorCode(rawValue: 31)
    /// `INVALID_TIMESTAMP` (32), not retriable.
    public static let invalidTimestamp = KafkaErrorCode(rawValue: 32)
    /// `UNSUPPORTED_SASL_MECHANISM` (33), not retriable. The broker does not enable that SASL mechanism.
    public static let unsupportedSaslMechanism = KafkaErrorCode(rawValue: 33)
    /// `ILLEGAL_SASL_STATE` (34), not retriable.
    public static let illegalSaslState = KafkaErrorCode(rawValue: 34)
    /// `UNSUPPORTED_VERSION` (35), not retriable. The broker does not support the request's version.
    public static let unsupportedVersion = KafkaErrorCode(rawValue: 35)
    /// `TOPIC_ALREADY_EXISTS` (36), not retriable. CreateTopics for a topic that exists.
    public static let topicAlreadyExists = KafkaErrorCode(rawValue: 36)
    /// `INVALID_PARTITIONS` (37), not retriable. A partition count that cannot be.
    public static let invalidPartitions = KafkaErrorCode(rawValue: 37)
    /// `INVALID_REPLICATION_FACTOR` (38), not retriable. More replicas than brokers, or fewer than 1.
    public static let invalidReplicationFactor = KafkaErrorCode(rawValue: 38)
    /// `INVALID_REPLICA_ASSIGNMENT` (39), not retriable.
    public static let invalidReplicaAssignment = KafkaErrorCode(rawValue: 39)
    /// `INVALID_CONFIG` (40), not retriable.
    public static let invalidConfig = KafkaErrorCode(rawValue: 40)
    /// `NOT_CONTROLLER` (41), retriable.
    public static let notController = KafkaErrorCode(rawValue: 41)
    /// `INVALID_REQUEST` (42), not retriable.
    public static let invalidRequest = KafkaErrorCode(rawValue: 42)
    /// `UNSUPPORTED_FOR_MESSAGE_FORMAT` (43), not retriable.
    public static let unsupportedForMessageFormat = KafkaErrorCode(rawValue: 43)
    /// `POLICY_VIOLATION` (44), not retriable. The broker's create-topic policy refuses it.
    public static let policyViolation = KafkaErrorCode(rawValue: 44)
    /// `OUT_OF_ORDER_SEQUENCE_NUMBER` (45), not retriable. An idempotent batch out of sequence.
    public static let outOfOrderSequenceNumber = KafkaErrorCode(rawValue: 45)
    /// `DUPLICATE_SEQUENCE_NUMBER` (46), not retriable. An idempotent batch already written: a harmless retry.
    public static let duplicateSequenceNumber = KafkaErrorCode(rawValue: 46)
    /// `INVALID_PRODUCER_EPOCH` (47), not retriable. Another producer with the same id took over.
    public static let invalidProducerEpoch = KafkaErrorCode(rawValue: 47)
    /// `INVALID_TXN_STATE` (48), not retriable.
    public static let invalidTxnState = KafkaErrorCode(rawValue: 48)
    /// `INVALID_PRODUCER_ID_MAPPING` (49), not retriable.
    public static let invalidProducerIdMapping = KafkaErrorCode(rawValue: 49)
    /// `INVALID_TRANSACTION_TIMEOUT` (50), not retriable.
    public static let invalidTransactionTimeout = KafkaErrorCode(rawValue: 50)
    /// `CONCURRENT_TRANSACTIONS` (51), retriable.
    public static let concurrentTransactions = KafkaErrorCode(rawValue: 51)
    /// `TRANSACTION_COORDINATOR_FENCED` (52), not retriable.
    public static let transactionCoordinatorFenced = KafkaErrorCode(rawValue: 52)
    /// `TRANSACTIONAL_ID_AUTHORIZATION_FAILED` (53), not retriable.
    public static let transactionalIdAuthorizationFailed = KafkaErrorCode(rawValue: 53)
    /// `SECURITY_DISABLED` (54), not retriable.
    public static let securityDisabled = KafkaErrorCode(rawValue: 54)
    /// `OPERATION_NOT_ATTEMPTED` (55), not retriable.
    public static let operationNotAttempted = KafkaErrorCode(rawValue: 55)
    /// `KAFKA_STORAGE_ERROR` (56), retriable.
    public static let kafkaStorageError = KafkaErrorCode(rawValue: 56)
    /// `LOG_DIR_NOT_FOUND` (57), not retriable.
    public static let logDirNotFound = KafkaErrorCode(rawValue: 57)
    /// `SASL_AUTHENTICATION_FAILED` (58), not retriable. The SASL login was refused.
    public static let saslAuthenticationFailed = KafkaErrorCode(rawValue: 58)
    /// `UNKNOWN_PRODUCER_ID` (59), not retriable. The broker lost the idempotent producer's state.
    public static let unknownProducerId = KafkaErrorCode(rawValue: 59)
    /// `REASSIGNMENT_IN_PROGRESS` (60), not retriable.
    public static let reassignmentInProgress = KafkaErrorCode(rawValue: 60)
    /// `DELEGATION_TOKEN_AUTH_DISABLED` (61), not retriable.
    public static let delegationTokenAuthDisabled = KafkaErrorCode(rawValue: 61)
    /// `DELEGATION_TOKEN_NOT_FOUND` (62), not retriable.
    public static let delegationTokenNotFound = KafkaErrorCode(rawValue: 62)
    /// `DELEGATION_TOKEN_OWNER_MISMATCH` (63), not retriable.
    public static let delegationTokenOwnerMismatch = KafkaErrorCode(rawValue: 63)
    /// `DELEGATION_TOKEN_REQUEST_NOT_ALLOWED` (64), not retriable.
    public static let delegationTokenRequestNotAllowed = KafkaErrorCode(rawValue: 64)
    /// `DELEGATION_TOKEN_AUTHORIZATION_FAILED` (65), not retriable.
    public static let delegationTokenAuthorizationFailed = KafkaErrorCode(rawValue: 65)
    /// `DELEGATION_TOKEN_EXPIRED` (66), not retriable.
    public static let delegationTokenExpired = KafkaErrorCode(rawValue: 66)
    /// `INVALID_PRINCIPAL_TYPE` (67), not retriable.
    public static let invalidPrincipalType = KafkaErrorCode(rawValue: 67)
    /// `NON_EMPTY_GROUP` (68), not retriable. The group has members; this needs an empty group.
    public static let nonEmptyGroup = KafkaErrorCode(rawValue: 68)
    /// `GROUP_ID_NOT_FOUND` (69), not retriable. The coordinator does not know the group.
    public static let groupIdNotFound = KafkaErrorCode(rawValue: 69)
    /// `FETCH_SESSION_ID_NOT_FOUND` (70), retriable.
    public static let fetchSessionIdNotFound = KafkaErrorCode(rawValue: 70)
    /// `INVALID_FETCH_SESSION_EPOCH` (71), retriable.
    public static let invalidFetchSessionEpoch = KafkaErrorCode(rawValue: 71)
    /// `LISTENER_NOT_FOUND` (72), retriable.
    public static let listenerNotFound = KafkaErrorCode(rawValue: 72)
    /// `TOPIC_DELETION_DISABLED` (73), not retriable. The cluster has `delete.topic.enable=false`.
    public static let topicDeletionDisabled = KafkaErrorCode(rawValue: 73)
    /// `FENCED_LEADER_EPOCH` (74), retriable. An older leader epoch than the broker's: refresh metadata.
    public static let fencedLeaderEpoch = KafkaErrorCode(rawValue: 74)
    /// `UNKNOWN_LEADER_EPOCH` (75), retriable. A newer leader epoch than the broker knows: retry.
    public static let unknownLeaderEpoch = KafkaErrorCode(rawValue: 75)
    /// `UNSUPPORTED_COMPRESSION_TYPE` (76), not retriable.
    public static let unsupportedCompressionType = KafkaErrorCode(rawValue: 76)
    /// `STALE_BROKER_EPOCH` (77), not retriable.
    public static let staleBrokerEpoch = KafkaErrorCode(rawValue: 77)
    /// `OFFSET_NOT_AVAILABLE` (78), retriable.
    public static let offsetNotAvailable = KafkaErrorCode(rawValue: 78)
    /// `MEMBER_ID_REQUIRED` (79), not retriable. Join again with the member id given (KIP-394).
    public static let memberIdRequired = KafkaErrorCode(rawValue: 79)
    /// `PREFERRED_LEADER_NOT_AVAILABLE` (80), retriable.
    public static let preferredLeaderNotAvailable = KafkaErrorCode(rawValue: 80)
    /// `GROUP_MAX_SIZE_REACHED` (81), not retriable.
    public static let groupMaxSizeReached = KafkaErrorCode(rawValue: 81)
    /// `FENCED_INSTANCE_ID` (82), not retriable. Another member joined with the same `group.instance.id`.
    public static let fencedInstanceId = KafkaErrorCode(rawValue: 82)
    /// `ELIGIBLE_LEADERS_NOT_AVAILABLE` (83), retriable.
    public static let eligibleLeadersNotAvailable = KafkaErrorCode(rawValue: 83)
    /// `ELECTION_NOT_NEEDED` (84), retriable.
    public static let electionNotNeeded = KafkaErrorCode(rawValue: 84)
    /// `NO_REASSIGNMENT_IN_PROGRESS` (85), not retriable.
    public static let noReassignmentInProgress = KafkaErrorCode(rawValue: 85)
    /// `GROUP_SUBSCRIBED_TO_TOPIC` (86), not retriable.
    public static let groupSubscribedToTopic = KafkaErrorCode(rawValue: 86)
    /// `INVALID_RECORD` (87), not retriable. The broker refused a record (say, a null key on a compacted topic).
    public static let invalidRecord = KafkaErrorCode(rawValue: 87)
    /// `UNSTABLE_OFFSET_COMMIT` (88), retriable.
    public static let unstableOffsetCommit = KafkaErrorCode(rawValue: 88)
    /// `THROTTLING_QUOTA_EXCEEDED` (89), retriable. A topic creation or deletion quota: wait and retry.
    public static let throttlingQuotaExceeded = KafkaErrorCode(rawValue: 89)
    /// `PRODUCER_FENCED` (90), not retriable.
    public static let producerFenced = KafkaErrorCode(rawValue: 90)
    /// `RESOURCE_NOT_FOUND` (91), not retriable.
    public static let resourceNotFound = KafkaErrorCode(rawValue: 91)
    /// `DUPLICATE_RESOURCE` (92), not retriable.
    public static let duplicateResource = KafkaErrorCode(rawValue: 92)
    /// `UNACCEPTABLE_CREDENTIAL` (93), not retriable.
    public static let unacceptableCredential = KafkaErrorCode(rawValue: 93)
    /// `INCONSISTENT_VOTER_SET` (94), not retriable.
    public static let inconsistentVoterSet = KafkaErrorCode(rawValue: 94)
    /// `INVALID_UPDATE_VERSION` (95), not retriable.
    public static let invalidUpdateVersion = KafkaErrorCode(rawValue: 95)
    /// `FEATURE_UPDATE_FAILED` (96), not retriable.
    public static let featureUpdateFailed = KafkaErrorCode(rawValue: 96)
    /// `PRINCIPAL_DESERIALIZATION_FAILURE` (97), not retriable.
    public static let principalDeserializationFailure = KafkaErrorCode(rawValue: 97)
    /// `SNAPSHOT_NOT_FOUND` (98), not retriable.
    public static let snapshotNotFound = KafkaErrorCode(rawValue: 98)
    /// `UNKNOWN_TOPIC_ID` (100), retriable.
    public static let unknownTopicId = KafkaErrorCode(rawValue: 100)
    /// `DUPLICATE_BROKER_REGISTRATION` (101), not retriable.
    public static let duplicateBrokerRegistration = KafkaErrorCode(rawValue: 101)
    /// `BROKER_ID_NOT_REGISTERED` (102), not retriable.
    public static let brokerIdNotRegistered = KafkaErrorCode(rawValue: 102)
    /// `INCONSISTENT_TOPIC_ID` (103), retriable.
    public static let inconsistentTopicId = KafkaErrorCode(rawValue: 103)
    /// `INCONSISTENT_CLUSTER_ID` (104), not retriable.
    public static let inconsistentClusterId = KafkaErrorCode(rawValue: 104)
    /// `TRANSACTIONAL_ID_NOT_FOUND` (105), not retriable.
    public static let transactionalIdNotFound = KafkaErrorCode(rawValue: 105)
    /// `FETCH_SESSION_TOPIC_ID_ERROR` (106), retriable.
    public static let fetchSessionTopicIdError = KafkaErrorCode(rawValue: 106)
    /// `INELIGIBLE_REPLICA` (107), not retriable.
    public static let ineligibleReplica = KafkaErrorCode(rawValue: 107)
    /// `NEW_LEADER_ELECTED` (108), not retriable.
    public static let newLeaderElected = KafkaErrorCode(rawValue: 108)
    /// `OFFSET_MOVED_TO_TIERED_STORAGE` (109), not retriable.
    public static let offsetMovedToTieredStorage = KafkaErrorCode(rawValue: 109)
    /// `FENCED_MEMBER_EPOCH` (110), not retriable.
    public static let fencedMemberEpoch = KafkaErrorCode(rawValue: 110)
    /// `UNRELEASED_INSTANCE_ID` (111), not retriable.
    public static let unreleasedInstanceId = KafkaErrorCode(rawValue: 111)
    /// `UNSUPPORTED_ASSIGNOR` (112), not retriable.
    public static let unsupportedAssignor = KafkaErrorCode(rawValue: 112)
    /// `STALE_MEMBER_EPOCH` (113), not retriable.
    public static let staleMemberEpoch = KafkaErrorCode(rawValue: 113)
    /// `MISMATCHED_ENDPOINT_TYPE` (114), not retriable.
    public static let mismatchedEndpointType = KafkaErrorCode(rawValue: 114)
    /// `UNSUPPORTED_ENDPOINT_TYPE` (115), not retriable.
    public static let unsupportedEndpointType = KafkaErrorCode(rawValue: 115)
    /// `UNKNOWN_CONTROLLER_ID` (116), not retriable.
    public static let unknownControllerId = KafkaErrorCode(rawValue: 116)
    /// `UNKNOWN_SUBSCRIPTION_ID` (117), not retriable.
    public static let unknownSubscriptionId = KafkaErrorCode(rawValue: 117)
    /// `TELEMETRY_TOO_LARGE` (118), not retriable.
    public static let telemetryTooLarge = KafkaErrorCode(rawValue: 118)
    /// `INVALID_REGISTRATION` (119), not retriable.
    public static let invalidRegistration = KafkaErrorCode(rawValue: 119)
    /// `TRANSACTION_ABORTABLE` (120), not retriable.
    public static let transactionAbortable = KafkaErrorCode(rawValue: 120)
    /// `INVALID_RECORD_STATE` (121), not retriable.
    public static let invalidRecordState = KafkaErrorCode(rawValue: 121)
    /// `SHARE_SESSION_NOT_FOUND` (122), retriable.
    public static let shareSessionNotFound = KafkaErrorCode(rawValue: 122)
    /// `INVALID_SHARE_SESSION_EPOCH` (123), retriable.
    public static let invalidShareSessionEpoch = KafkaErrorCode(rawValue: 123)
    /// `FENCED_STATE_EPOCH` (124), not retriable.
    public static let fencedStateEpoch = KafkaErrorCode(rawValue: 124)
    /// `INVALID_VOTER_KEY` (125), not retriable.
    public static let invalidVoterKey = KafkaErrorCode(rawValue: 125)
    /// `DUPLICATE_VOTER` (126), not retriable.
    public static let duplicateVoter = KafkaErrorCode(rawValue: 126)
    /// `VOTER_NOT_FOUND` (127), not retriable.
    public static let voterNotFound = KafkaErrorCode(rawValue: 127)
    /// `INVALID_REGULAR_EXPRESSION` (128), not retriable.
    public static let invalidRegularExpression = KafkaErrorCode(rawValue: 128)

    /// The lowest code in `facts`; entry `i` describes code `i + firstKnownCode`.
    static let firstKnownCode: Int16 = -1

    /// Name and retriability by code, from `firstKnownCode` upwards; nil marks an unassigned code.
    static let facts: [(name: String, retriable: Bool)?] = [
        ("UNKNOWN_SERVER_ERROR", false),  // -1
        ("NONE", false),  // 0
        ("OFFSET_OUT_OF_RANGE", false),  // 1
        ("CORRUPT_MESSAGE", true),  // 2
        ("UNKNOWN_TOPIC_OR_PARTITION", true),  // 3
        ("INVALID_FETCH_SIZE", false),  // 4
        ("LEADER_NOT_AVAILABLE", true),  // 5
        ("NOT_LEADER_OR_FOLLOWER", true),  // 6
        ("REQUEST_TIMED_OUT", true),  // 7
        ("BROKER_NOT_AVAILABLE", false),  // 8
        ("REPLICA_NOT_AVAILABLE", true),  // 9
        ("MESSAGE_TOO_LARGE", false),  // 10
        ("STALE_CONTROLLER_EPOCH", false),  // 11
        ("OFFSET_METADATA_TOO_LARGE", false),  // 12
        ("NETWORK_EXCEPTION", true),  // 13
        ("COORDINATOR_LOAD_IN_PROGRESS", true),  // 14
        ("COORDINATOR_NOT_AVAILABLE", true),  // 15
        ("NOT_COORDINATOR", true),  // 16
        ("INVALID_TOPIC_EXCEPTION", false),  // 17
        ("RECORD_LIST_TOO_LARGE", false),  // 18
        ("NOT_ENOUGH_REPLICAS", true),  // 19
        ("NOT_ENOUGH_REPLICAS_AFTER_APPEND", true),  // 20
        ("INVALID_REQUIRED_ACKS", false),  // 21
        ("ILLEGAL_GENERATION", false),  // 22
        ("INCONSISTENT_GROUP_PROTOCOL", false),  // 23
        ("INVALID_GROUP_ID", false),  // 24
        ("UNKNOWN_MEMBER_ID", false),  // 25
        ("INVALID_SESSION_TIMEOUT", false),  // 26
        ("REBALANCE_IN_PROGRESS", false),  // 27
        ("INVALID_COMMIT_OFFSET_SIZE", false),  // 28
        ("TOPIC_AUTHORIZATION_FAILED", false),  // 29
        ("GROUP_AUTHORIZATION_FAILED", false),  // 30
        ("CLUSTER_AUTHORIZATION_FAILED", false),  // 31
        ("INVALID_TIMESTAMP", false),  // 32
        ("UNSUPPORTED_SASL_MECHANISM", false),  // 33
        ("ILLEGAL_SASL_STATE", false),  // 34
        ("UNSUPPORTED_VERSION", false),  // 35
        ("TOPIC_ALREADY_EXISTS", false),  // 36
        ("INVALID_PARTITIONS", false),  // 37
        ("INVALID_REPLICATION_FACTOR", false),  // 38
        ("INVALID_REPLICA_ASSIGNMENT", false),  // 39
        ("INVALID_CONFIG", false),  // 40
        ("NOT_CONTROLLER", true),  // 41
        ("INVALID_REQUEST", false),  // 42
        ("UNSUPPORTED_FOR_MESSAGE_FORMAT", false),  // 43
        ("POLICY_VIOLATION", false),  // 44
        ("OUT_OF_ORDER_SEQUENCE_NUMBER", false),  // 45
        ("DUPLICATE_SEQUENCE_NUMBER", false),  // 46
        ("INVALID_PRODUCER_EPOCH", false),  // 47
        ("INVALID_TXN_STATE", false),  // 48
        ("INVALID_PRODUCER_ID_MAPPING", false),  // 49
        ("INVALID_TRANSACTION_TIMEOUT", false),  // 50
        ("CONCURRENT_TRANSACTIONS", true),  // 51
        ("TRANSACTION_COORDINATOR_FENCED", false),  // 52
        ("TRANSACTIONAL_ID_AUTHORIZATION_FAILED", false),  // 53
        ("SECURITY_DISABLED", false),  // 54
        ("OPERATION_NOT_ATTEMPTED", false),  // 55
        ("KAFKA_STORAGE_ERROR", true),  // 56
        ("LOG_DIR_NOT_FOUND", false),  // 57
        ("SASL_AUTHENTICATION_FAILED", false),  // 58
        ("UNKNOWN_PRODUCER_ID", false),  // 59
        ("REASSIGNMENT_IN_PROGRESS", false),  // 60
        ("DELEGATION_TOKEN_AUTH_DISABLED", false),  // 61
        ("DELEGATION_TOKEN_NOT_FOUND", false),  // 62
        ("DELEGATION_TOKEN_OWNER_MISMATCH", false),  // 63
        ("DELEGATION_TOKEN_REQUEST_NOT_ALLOWED", false),  // 64
        ("DELEGATION_TOKEN_AUTHORIZATION_FAILED", false),  // 65
        ("DELEGATION_TOKEN_EXPIRED", false),  // 66
        ("INVALID_PRINCIPAL_TYPE", false),  // 67
        ("NON_EMPTY_GROUP", false),  // 68
        ("GROUP_ID_NOT_FOUND", false),  // 69
        ("FETCH_SESSION_ID_NOT_FOUND", true),  // 70
        ("INVALID_FETCH_SESSION_EPOCH", true),  // 71
        ("LISTENER_NOT_FOUND", true),  // 72
        ("TOPIC_DELETION_DISABLED", false),  // 73
        ("FENCED_LEADER_EPOCH", true),  // 74
        ("UNKNOWN_LEADER_EPOCH", true),  // 75
        ("UNSUPPORTED_COMPRESSION_TYPE", false),  // 76
        ("STALE_BROKER_EPOCH", false),  // 77
        ("OFFSET_NOT_AVAILABLE", true),  // 78
        ("MEMBER_ID_REQUIRED", false),  // 79
        ("PREFERRED_LEADER_NOT_AVAILABLE", true),  // 80
        ("GROUP_MAX_SIZE_REACHED", false),  // 81
        ("FENCED_INSTANCE_ID", false),  // 82
        ("ELIGIBLE_LEADERS_NOT_AVAILABLE", true),  // 83
        ("ELECTION_NOT_NEEDED", true),  // 84
        ("NO_REASSIGNMENT_IN_PROGRESS", false),  // 85
        ("GROUP_SUBSCRIBED_TO_TOPIC", false),  // 86
        ("INVALID_RECORD", false),  // 87
        ("UNSTABLE_OFFSET_COMMIT", true),  // 88
        ("THROTTLING_QUOTA_EXCEEDED", true),  // 89
        ("PRODUCER_FENCED", false),  // 90
        ("RESOURCE_NOT_FOUND", false),  // 91
        ("DUPLICATE_RESOURCE", false),  // 92
        ("UNACCEPTABLE_CREDENTIAL", false),  // 93
        ("INCONSISTENT_VOTER_SET", false),  // 94
        ("INVALID_UPDATE_VERSION", false),  // 95
        ("FEATURE_UPDATE_FAILED", false),  // 96
        ("PRINCIPAL_DESERIALIZATION_FAILURE", false),  // 97
        ("SNAPSHOT_NOT_FOUND", false),  // 98
        nil,  // 99
        ("UNKNOWN_TOPIC_ID", true),  // 100
        ("DUPLICATE_BROKER_REGISTRATION", false),  // 101
        ("BROKER_ID_NOT_REGISTERED", false),  // 102
        ("INCONSISTENT_TOPIC_ID", true),  // 103
        ("INCONSISTENT_CLUSTER_ID", false),  // 104
        ("TRANSACTIONAL_ID_NOT_FOUND", false),  // 105
        ("FETCH_SESSION_TOPIC_ID_ERROR", true),  // 106
        ("INELIGIBLE_REPLICA", false),  // 107
        ("NEW_LEADER_ELECTED", false),  // 108
        ("OFFSET_MOVED_TO_TIERED_STORAGE", false),  // 109
        ("FENCED_MEMBER_EPOCH", false),  // 110
        ("UNRELEASED_INSTANCE_ID", false),  // 111
        ("UNSUPPORTED_ASSIGNOR", false),  // 112
        ("STALE_MEMBER_EPOCH", false),  // 113
        ("MISMATCHED_ENDPOINT_TYPE", false),  // 114
        ("UNSUPPORTED_ENDPOINT_TYPE", false),  // 115
        ("UNKNOWN_CONTROLLER_ID", false),  // 116
        ("UNKNOWN_SUBSCRIPTION_ID", false),  // 117
        ("TELEMETRY_TOO_LARGE", false),  // 118
        ("INVALID_REGISTRATION", false),  // 119
        ("TRANSACTION_ABORTABLE", false),  // 120
        ("INVALID_RECORD_STATE", false),  // 121
        ("SHARE_SESSION_NOT_FOUND", true),  // 122
        ("INVALID_SHARE_SESSION_EPOCH", true),  // 123
        ("FENCED_STATE_EPOCH", false),  // 124
        ("INVALID_VOTER_KEY", false),  // 125
        ("DUPLICATE_VOTER", false),  // 126
        ("VOTER_NOT_FOUND", false),  // 127
        ("INVALID_REGULAR_EXPRESSION", false),  // 128
    ]
}
