// The seed's hello world, through the library: a producer sends a random number 0...999 every
// 500 ms while a consumer group of THREADS workers prints what it receives.
//
//     example-hello-world BROKERS TOPIC THREADS [MESSAGES]
//
// With MESSAGES it stops after receiving that many (the tests use it); else Ctrl-C stops it.
// The topic must exist (`kfast create-topic TOPIC -p THREADS -b BROKERS`).
import Foundation
import KafkaFast

let arguments = CommandLine.arguments
guard arguments.count >= 4, let threads = Int(arguments[3]), threads > 0 else {
    FileHandle.standardError.write(Data("usage: example-hello-world BROKERS TOPIC THREADS [MESSAGES]\n".utf8))
    exit(2)
}
let (brokers, topic) = (arguments[1], arguments[2])
let limit = arguments.count > 4 ? Int(arguments[4]) : nil

do {
    // One configuration for both: the group settings are ignored by the producer.
    let config = try KafkaConfiguration([
        "bootstrap.servers": brokers, "linger.ms": "5",
        "session.timeout.ms": "10000", "heartbeat.interval.ms": "2000", "auto.offset.reset": "earliest",
    ])
    let producer = try KafkaProducer(config: config)
    let consumer = try KafkaGroupConsumer(group: "hello-world-\(topic)", topics: [topic], config: config)

    let producing = Task {
        while !Task.isCancelled {
            producer.send(topic: topic, value: String(Int.random(in: 0...999)))
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
    let received = Counter()
    try await consumer.run(workers: threads) { worker, message in
        let value = message.value.map { String(buffer: $0) } ?? "null"
        print("Received on thread \(worker): \(value)")
        if let limit, received.increment() >= limit { Task { await consumer.close() } }
    }
    producing.cancel()
    await producer.close()
} catch {
    FileHandle.standardError.write(Data("example-hello-world: \(error)\n".utf8))
    exit(1)
}

/// Messages received by every worker together.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
