import ServiceLifecycle

/// The group consumer as a swift-service-lifecycle `Service`: `run()` holds the membership
/// while the application reads `messages` (or `run(workers:handler:)`) in a service of its own;
/// a graceful shutdown commits what was processed and leaves the group, so the other members
/// take over its partitions at once instead of after the session timeout.
extension KafkaGroupConsumer: Service {
    /// Returns after a graceful shutdown (or cancellation) once the member committed and left,
    /// or throws why the group refused the member for good.
    public func run() async throws {
        let membership = membershipTask
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await membership?.value
            } onCancel: {
                Task { await self.close() }
            }
        } onGracefulShutdown: {
            Task { await self.close() }
        }
        await close()
        if let failure { throw failure }
    }
}
