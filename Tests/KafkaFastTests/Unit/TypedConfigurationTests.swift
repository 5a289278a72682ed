import Testing
@testable import KafkaFast

/// The typed configuration and the one parser of librdkafka's names behind it.
@Suite struct TypedConfigurationTests {
    @Test func durationsAndPropertyNamesSetTheSameValues() throws {
        var typed = KafkaConfiguration()
        typed.producer.linger = .milliseconds(20)
        typed.producer.deliveryTimeout = .seconds(90)
        typed.consumer.sessionTimeout = .seconds(10)
        typed.consumer.fetchWaitMax = .milliseconds(250)
        typed.requestTimeout = .seconds(7)
        typed.producer.statisticsInterval = .seconds(1)
        let named = try KafkaConfiguration([
            "linger.ms": "20", "delivery.timeout.ms": "90000", "session.timeout.ms": "10000", "fetch.wait.max.ms": "250",
            "request.timeout.ms": "7000", "statistics.interval.ms": "1000",
        ])
        #expect(typed.producer == named.producer)
        #expect(typed.consumer == named.consumer)
        #expect(typed.requestTimeout == named.requestTimeout)
        #expect(named.producer.linger == .milliseconds(20) && named.consumer.sessionTimeout == .seconds(10))
        #expect(KafkaConfiguration().producer.statisticsInterval == nil, "off by default, as in librdkafka")
    }

    /// librdkafka's defaults, read back through the typed properties.
    @Test func defaultsAreLibrdkafkas() {
        let config = KafkaConfiguration()
        #expect(config.producer.linger == .milliseconds(5))
        #expect(config.producer.deliveryTimeout == .seconds(300))
        #expect(config.producer.acks == .all)
        #expect(config.consumer.sessionTimeout == .seconds(45) && config.consumer.heartbeatInterval == .seconds(3))
        #expect(config.consumer.fetchWaitMax == .milliseconds(500) && config.consumer.autoOffsetReset == .latest)
        #expect(config.connectTimeout == .seconds(10) && config.requestTimeout == .seconds(30))
    }

    /// Every name in the list is one the parser knows: a nonsense value is refused for what it
    /// is, never as an unknown property.
    @Test(arguments: KafkaConfiguration.propertyNames)
    func everyListedNameIsKnown(_ name: String) {
        var config = KafkaConfiguration()
        do {
            try config.set(name, "\u{1}nonsense")
        } catch {
            #expect(!error.description.contains("unknown property"), "\(name): \(error)")
        }
    }

    @Test func aTypoIsNamedWithTheNameMeant() {
        func message(_ name: String) -> String {
            var config = KafkaConfiguration()
            do {
                try config.set(name, "1")
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(message("linger.mss") == "invalid configuration: unknown property 'linger.mss': did you mean 'linger.ms'?")
        #expect(message("sesion.timeout.ms") == "invalid configuration: unknown property 'sesion.timeout.ms': did you mean 'session.timeout.ms'?")
        #expect(message("Enable.Idempotence").hasSuffix("did you mean 'enable.idempotence'?"))
        #expect(message("something.else.entirely") == "invalid configuration: unknown property 'something.else.entirely'")
    }
}
