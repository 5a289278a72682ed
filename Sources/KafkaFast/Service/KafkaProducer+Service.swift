import ServiceLifecycle

/// The producer as a swift-service-lifecycle `Service`: put it in a `ServiceGroup` beside the
/// services that send with it, and a SIGTERM (or any graceful shutdown) flushes it before the
/// process ends.
///
///     let producer = try KafkaProducer(bootstrap: "kafka:9092", properties: ["linger.ms": "5"])
///     let group = ServiceGroup(services: [producer, api], gracefulShutdownSignals: [.sigterm], logger: logger)
///     try await group.run()
extension KafkaProducer: Service {
    /// Runs until the service group shuts down gracefully (or this task is cancelled), then
    /// closes: every buffered message is delivered or fails, which `delivery.timeout.ms`
    /// bounds, and the connections are released. Sending after that fails with `clientClosed`.
    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled: close all the same, so nothing buffered is dropped without a report.
        }
        await close()
    }
}
