// The seed's benchmark through the library: COUNT messages of SIZE bytes as fast as the producer
// takes them, waiting for room when its buffer is full, then one line with the rate.
//
//     example-produce-benchmark BROKERS TOPIC [COUNT=1000000] [SIZE=1000]
//
// The topic must exist. `kfast bench` is the full-featured version of this (codecs, acks, JSON).
import Foundation
import KafkaFast

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: example-produce-benchmark BROKERS TOPIC [COUNT] [SIZE]\n".utf8))
    exit(2)
}
let (brokers, topic) = (arguments[1], arguments[2])
let count = arguments.count > 3 ? Int(arguments[3]) ?? 1_000_000 : 1_000_000
let size = arguments.count > 4 ? Int(arguments[4]) ?? 1_000 : 1_000

do {
    let producer = try KafkaProducer(bootstrap: brokers, properties: ["linger.ms": "5", "acks": "1"])
    let payload = [UInt8](repeating: UInt8(ascii: "x"), count: size)
    let start = ContinuousClock.now
    for _ in 0..<count {
        // send returns at once; .queueFull means the buffer is at its limit until acks make room.
        while producer.send(topic: topic, value: payload) == .queueFull { await producer.waitForRoom() }
    }
    await producer.close()  // flushes: every message acknowledged or failed
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(producer.deliveredCount) / max(seconds, 1e-9)
    print("delivered \(producer.deliveredCount) of \(count) messages of \(size) bytes in \(String(format: "%.2f", seconds)) s:"
          + " \(Int(rate)) msg/s, \(String(format: "%.1f", rate * Double(size) / 1e6)) MB/s; failed \(producer.failedCount)")
    exit(producer.failedCount == 0 ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("example-produce-benchmark: \(error)\n".utf8))
    exit(1)
}
