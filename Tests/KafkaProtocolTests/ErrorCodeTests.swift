import KafkaProtocol
import Testing

@Suite struct ErrorCodeTests {
    @Test func knownCodesCarryTheirFacts() {
        #expect(KafkaErrorCode.none.rawValue == 0)
        #expect(KafkaErrorCode.none.name == "NONE")
        #expect(!KafkaErrorCode.none.isError)
        #expect(KafkaErrorCode.unknownServerError.rawValue == -1)
        #expect(KafkaErrorCode.notLeaderOrFollower.rawValue == 6)
        #expect(KafkaErrorCode.notLeaderOrFollower.name == "NOT_LEADER_OR_FOLLOWER")
        #expect(KafkaErrorCode.notLeaderOrFollower.isRetriable)
        #expect(KafkaErrorCode.notLeaderOrFollower.needsMetadataRefresh)
        #expect(KafkaErrorCode.topicAlreadyExists.rawValue == 36)
        #expect(!KafkaErrorCode.topicAlreadyExists.isRetriable)
        #expect(KafkaErrorCode.memberIdRequired.rawValue == 79)
        #expect(KafkaErrorCode.fencedInstanceId.rawValue == 82)
        #expect(KafkaErrorCode.invalidRecord.rawValue == 87)
        #expect(KafkaErrorCode.invalidTopicException.rawValue == 17)
        #expect(KafkaErrorCode.recordListTooLarge.rawValue == 18)
        #expect(KafkaErrorCode.duplicateSequenceNumber.rawValue == 46)
        #expect(KafkaErrorCode.unknownProducerId.rawValue == 59)
        #expect(KafkaErrorCode(rawValue: 128).name == "INVALID_REGULAR_EXPRESSION")
        #expect(KafkaErrorCode(2).description == "CORRUPT_MESSAGE (2)")
    }

    @Test func retriableCodesMatchTheReferenceTable() {
        let retriable: Set<Int16> = [2, 3, 5, 6, 7, 9, 13, 14, 15, 16, 19, 20, 41, 51, 56, 70, 71, 72, 74, 75, 78,
                                     80, 83, 84, 88, 89, 100, 103, 106, 122, 123]
        for code in Int16(-1)...140 {
            #expect(KafkaErrorCode(rawValue: code).isRetriable == retriable.contains(code), "code \(code)")
        }
    }

    @Test func metadataRefreshCodes() {
        let refresh: Set<Int16> = [3, 5, 6, 74, 75, 100, 103]
        for code in Int16(-1)...140 {
            #expect(KafkaErrorCode(rawValue: code).needsMetadataRefresh == refresh.contains(code))
        }
    }

    @Test func unknownCodes() {
        #expect(KafkaErrorCode(rawValue: 99).name == "UNKNOWN_ERROR_99")
        #expect(KafkaErrorCode(rawValue: 999).name == "UNKNOWN_ERROR_999")
        #expect(KafkaErrorCode(rawValue: -7).name == "UNKNOWN_ERROR_-7")
        #expect(!KafkaErrorCode(rawValue: 999).isRetriable)
        #expect(KafkaErrorCode(rawValue: 999).isError)
    }
}
