// A group consumer that commits by hand: auto-commit off, a commit after every BATCH messages
// once they are processed, and a last one before it leaves.
//
//     example-manual-commit BROKERS TOPIC GROUP COUNT [BATCH=10]
//
// Reads COUNT messages (from the group's committed offsets, or the beginning), prints them and
// what it committed.
import Foundation
import KafkaFast

let arguments = CommandLine.arguments
guard arguments.count >= 5, let count = Int(arguments[4]), count > 0 else {
    FileHandle.standardError.write(Data("usage: example-manual-commit BROKERS TOPIC GROUP COUNT [BATCH]\n".utf8))
    exit(2)
}
let batch = arguments.count > 5 ? max(Int(arguments[5]) ?? 10, 1) : 10

do {
    let consumer = try KafkaGroupConsumer(group: arguments[3], topics: [arguments[2]], config: KafkaConfiguration([
        "bootstrap.servers": arguments[1], "enable.auto.commit": "false", "auto.offset.reset": "earliest",
        "session.timeout.ms": "10000", "heartbeat.interval.ms": "1000",
    ]))
    var read = 0
    for try await message in consumer.messages {
        print("\(message.partition)@\(message.offset): \(message.value.map { String(buffer: $0) } ?? "null")")
        read += 1
        // Processed: count it for the next commit (the loop would do so when it asks for the
        // next message; this one may be the last).
        consumer.markProcessed(message)
        if read % batch == 0 { try await consumer.commit() }
        if read == count { break }
    }
    // Close commits what is not committed yet and leaves the group.
    await consumer.close()
    print("read \(read) messages; committed after every \(batch) and on close")
} catch {
    FileHandle.standardError.write(Data("example-manual-commit: \(error)\n".utf8))
    exit(1)
}
