// A Swift service with a producer and a consumer group under swift-service-lifecycle: the
// application's own service sends a message every 100 ms and reads the group's messages.
// SIGTERM or SIGINT shuts it down gracefully, in reverse order: the application stops, the
// consumer commits what it read and leaves the group, the producer flushes.
//
//     example-service BROKERS TOPIC
import Foundation
import KafkaFast
import Logging
import ServiceLifecycle

/// The application: what a real service would do with the two.
struct Application: Service {
    let producer: KafkaProducer
    let consumer: KafkaGroupConsumer
    let topic: String
    let logger: Logger

    func run() async throws {
        // A graceful shutdown cancels the work below; its sleep then throws CancellationError,
        // which is the way out here, not a failure.
        do {
            try await work()
        } catch is CancellationError {}
        logger.info("application stopped")
    }

    private func work() async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var sent = 0
                    while !Task.isCancelled {
                        producer.send(topic: topic, value: "event \(sent)")
                        sent += 1
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
                group.addTask {
                    for try await message in consumer.messages {
                        print("read \(message.topic)/\(message.partition)@\(message.offset): \(message.value.map { String(buffer: $0) } ?? "null")")
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: example-service BROKERS TOPIC\n".utf8))
    exit(2)
}
var logger = Logger(label: "example-service")
logger.logLevel = .info
do {
    var config = try KafkaConfiguration([
        "bootstrap.servers": arguments[1], "session.timeout.ms": "10000", "heartbeat.interval.ms": "1000",
        "auto.offset.reset": "earliest",
    ])
    config.logger = logger
    let producer = try KafkaProducer(config: config)
    let consumer = try KafkaGroupConsumer(group: "example-service-\(arguments[2])", topics: [arguments[2]], config: config)
    let services = ServiceGroup(
        services: [producer, consumer, Application(producer: producer, consumer: consumer, topic: arguments[2], logger: logger)],
        gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    try await services.run()
    print("stopped: \(producer.deliveredCount) sent and acknowledged, the group's offsets committed")
} catch {
    FileHandle.standardError.write(Data("example-service: \(error)\n".utf8))
    exit(1)
}
