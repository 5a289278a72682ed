import KafkaProtocol

/// Where a broker's numbers become values the client trusts. Every check that fails is the
/// request's `protocolViolation`, naming the broker, the answer and the field: a flipped byte or
/// a broken broker ends one request with one line, never a trap, a hang or a corrupted state.
///
/// The decoders (KafkaProtocol) only make sure the bytes have the schema's shape; what the
/// values mean (an id is not negative, a partition is not listed twice, a leader is a broker
/// the answer names, a port fits a port) is checked here, once, before any state is touched.
package struct AnswerCheck: Sendable {
    package let broker: String
    /// The answer, as "Metadata v12".
    package let answer: String

    package init(broker: String, answer: String) {
        self.broker = broker
        self.answer = answer
    }

    package init<Request: KafkaRequestMessage>(broker: String, _: Request.Type, version: Int16) {
        self.init(broker: broker, answer: "\(KafkaAPI.name(of: Request.apiKey)) v\(version)")
    }

    /// The violation for `field`, which `problem` describes.
    package func violation(_ field: String, _ problem: String) -> KafkaError {
        .protocolViolation(broker: broker, detail: "\(answer) response: \(field) \(problem)")
    }

    /// A broker (node) id: 0 or more.
    package func nodeId(_ id: Int32, _ field: @autoclosure () -> String) throws(KafkaError) -> Int32 {
        guard id >= 0 else { throw violation(field(), "is \(id), not a broker id") }
        return id
    }

    /// A partition id: 0 or more.
    package func partitionId(_ id: Int32, _ field: @autoclosure () -> String) throws(KafkaError) -> Int32 {
        guard id >= 0 else { throw violation(field(), "is \(id), not a partition id") }
        return id
    }

    /// A TCP port a client can dial.
    package func port(_ port: Int32, _ field: @autoclosure () -> String) throws(KafkaError) -> Int {
        guard (1...65535).contains(port) else { throw violation(field(), "is \(port), not a port from 1 to 65535") }
        return Int(port)
    }

    /// A host name or address to dial: not empty, no longer than DNS allows, printable ASCII
    /// (a control byte would end the name early in the C resolver, silently).
    package func host(_ host: String, _ field: @autoclosure () -> String) throws(KafkaError) -> String {
        guard !host.isEmpty, host.utf8.count <= 255, host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw violation(field(), "is not a host name (\(host.utf8.count) bytes: \(Self.quoted(host)))")
        }
        return host
    }

    /// An offset, or -1 where the answer says "unknown".
    package func offset(_ value: Int64, _ field: @autoclosure () -> String) throws(KafkaError) -> Int64 {
        guard value >= -1 else { throw violation(field(), "is \(value), not an offset") }
        return value
    }

    /// A leader epoch, or -1 where the broker does not say.
    package func epoch(_ value: Int32, _ field: @autoclosure () -> String) throws(KafkaError) -> Int32 {
        guard value >= -1 else { throw violation(field(), "is \(value), not a leader epoch") }
        return value
    }

    /// Text from the wire, shortened and with control bytes escaped, fit for a one-line message.
    static func quoted(_ text: String) -> String {
        var shown = ""
        for scalar in text.unicodeScalars.prefix(40) {
            shown += scalar.value < 0x20 || scalar.value == 0x7F ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }
        return "'\(shown)\(text.unicodeScalars.count > 40 ? "..." : "")'"
    }
}

extension Int64 {
    /// `self - other`, held at the type's bounds instead of trapping: for differences of
    /// offsets a broker sent (lag, message counts), which must never end the process.
    package func clampedDifference(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }
}

extension AnswerCheck {
    /// A record batch of a Fetch answer for `partition`: offsets not negative, after the batch
    /// before it (`previousEnd`, its next offset), and below the answer's high watermark when
    /// it gave one. The batch CRC covers neither the base offset nor the length, so these are
    /// what stands between a flipped offset and a consumer that skips or repeats records.
    package func batch(
        _ batch: RecordBatch, of partition: KafkaTopicPartition, after previousEnd: Int64, highWatermark: Int64
    ) throws(KafkaError) {
        let field = "record batch at offset \(batch.baseOffset) of \(partition)"
        guard batch.baseOffset >= 0, batch.lastOffsetDelta >= 0 else {
            throw violation(field, "has last offset delta \(batch.lastOffsetDelta)")
        }
        guard batch.baseOffset >= previousEnd else {
            throw violation(field, "starts before the batch before it ends (\(previousEnd))")
        }
        guard highWatermark < 0 || batch.baseOffset < highWatermark else {
            throw violation(field, "is at or past the high watermark \(highWatermark)")
        }
    }
}
