import KafkaProtocol
import NIOCore

/// Everything the producer counts for one partition. Plain values, copied out for snapshots.
struct PartitionCounters: Sendable {
    var bufferedMessages = 0
    var bufferedBytes = 0
    var inFlightBatches = 0
    /// Messages and payload bytes of the batches in flight (part of the buffered ones).
    var inFlightMessages = 0
    var inFlightBytes = 0
    var sentMessages = 0
    var sentBytes = 0
    var ackedMessages = 0
    var ackedBytes = 0
    var failedMessages = 0
    var retries = 0
    /// Acknowledged messages a broker lost (a restart) and the connector wrote again.
    var repairedMessages = 0
    /// Acknowledged messages a broker lost that the connector could not write again.
    var lostByBroker = 0
    var batchesBuilt = 0
    var uncompressedBytes = 0
    var wireBytes = 0
    var errorCounts: [Int16: Int] = [:]
    var lastError: (code: KafkaErrorCode, at: NIODeadline)?
    var ackLatency = LatencyHistogram()
    var acks = RateWindow()

    /// A batch of `messages` and `bytes` came back from a request (answered, failed or to retry).
    mutating func leftFlight(messages: Int, bytes: Int) {
        inFlightBatches -= 1
        inFlightMessages -= messages
        inFlightBytes -= bytes
    }

    mutating func recordError(_ code: KafkaErrorCode, at now: NIODeadline) {
        errorCounts[code.rawValue, default: 0] += 1
        lastError = (code, now)
    }
}

/// Messages and bytes per second over the last second and the last ten, from ten one-second
/// buckets that slide with time. O(1) per record, no allocation.
struct RateWindow: Sendable {
    private var messages = [Int](repeating: 0, count: 11)
    private var bytes = [Int](repeating: 0, count: 11)
    private var currentSecond: Int64 = 0

    mutating func record(messages count: Int, bytes size: Int, at now: NIODeadline) {
        advance(to: now)
        let slot = Int(currentSecond % 11)
        messages[slot] += count
        bytes[slot] += size
    }

    /// Moves the window so the current bucket is `now`'s second, clearing skipped buckets.
    mutating func advance(to now: NIODeadline) {
        let second = Int64(now.uptimeNanoseconds / 1_000_000_000)
        guard second != currentSecond else { return }
        if second - currentSecond >= 11 || second < currentSecond {
            for i in 0..<11 { messages[i] = 0; bytes[i] = 0 }
        } else {
            var s = currentSecond + 1
            while s <= second {
                messages[Int(s % 11)] = 0
                bytes[Int(s % 11)] = 0
                s += 1
            }
        }
        currentSecond = second
    }

    /// Rates over the last complete second and the last ten complete seconds.
    var lastSecond: (messages: Double, bytes: Double) {
        let slot = Int((currentSecond + 10) % 11)
        return (Double(messages[slot]), Double(bytes[slot]))
    }

    var lastTenSeconds: (messages: Double, bytes: Double) {
        var m = 0
        var b = 0
        for offset in 1...10 {
            let slot = Int((currentSecond + 11 - Int64(offset)) % 11)
            m += messages[slot]
            b += bytes[slot]
        }
        return (Double(m) / 10, Double(b) / 10)
    }
}
