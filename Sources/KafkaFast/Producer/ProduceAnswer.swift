import KafkaProtocol

/// A Produce answer sorted by the batches it answers, after the checks of `AnswerCheck`: every
/// partition the request carried is answered exactly once, nothing else is answered, and an
/// acknowledged batch's offsets are offsets. An answer that fails a check says nothing about
/// any of its batches (they are retried as after a lost connection).
package enum ProduceAnswer {
    /// What the broker said about one batch.
    package enum Outcome: Equatable {
        /// Written at this base offset (-1: the broker did not say, as with acks=0).
        case written(baseOffset: Int64)
        /// A copy of a batch the broker has (idempotence): written before, no offset given.
        case duplicate
        case refused(KafkaErrorCode)
    }

    /// One outcome per entry of `sent` (topic and partition of each batch, in request order).
    package static func sort(
        _ response: ProduceResponse, sent: [(topic: String, partition: Int32)], idempotent: Bool, check: AnswerCheck
    ) throws(KafkaError) -> [Outcome] {
        var answers: [String: [Int32: ProduceResponse.PartitionProduceResponse]] = [:]
        for topic in response.responses {
            for partition in topic.partitionResponses {
                let field = "partition \(partition.index) of topic '\(topic.name)'"
                guard answers[topic.name]?[partition.index] == nil else { throw check.violation(field, "is answered twice") }
                answers[topic.name, default: [:]][partition.index] = partition
            }
        }
        let sentCount = sent.count
        let answeredCount = answers.values.reduce(0) { $0 + $1.count }
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(sentCount)
        for (topic, partition) in sent {
            let field = "partition \(partition) of topic '\(topic)'"
            guard let answer = answers[topic]?[partition] else { throw check.violation(field, "is not answered") }
            let code = KafkaErrorCode(rawValue: answer.errorCode)
            if code == .none {
                outcomes.append(.written(baseOffset: try check.offset(answer.baseOffset, "baseOffset of \(field)")))
            } else if code == .duplicateSequenceNumber && idempotent {
                outcomes.append(.duplicate)
            } else {
                outcomes.append(.refused(code))
            }
        }
        // Each sent partition found its answer above; any answer left names a partition not sent.
        guard answeredCount == sentCount else {
            throw check.violation("partitions", "answered: \(answeredCount), but \(sentCount) were sent")
        }
        return outcomes
    }
}
