import KafkaFast

extension KafkaProducer {
    /// With `-X statistics.interval.ms=N`: one librdkafka-style statistics line on stderr every N ms.
    func printStatisticsToStderr() -> Task<Void, Never> {
        let documents = statistics()
        return Task {
            for await document in documents { Output.error(document) }
        }
    }
}
