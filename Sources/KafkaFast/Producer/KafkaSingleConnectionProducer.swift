import Atomics
import DequeModule
import KafkaCompression
import KafkaProtocol
import NIOConcurrencyHelpers
import NIOCore

/// The original library's low-level producer: one connection to one broker, messages addressed
/// to a topic and partition by the caller, one ProduceRequest per `send`, and the answers read
/// back in order with `readResponse`. Sends pipeline: several may go out before the first
/// answer is read. No metadata, no retries, no batching across calls: ``KafkaProducer`` does
/// that, and is what applications should use; this one is for exact control of each request
/// (a broker test, a tool that probes one broker).
///
///     let producer = try await KafkaSingleConnectionProducer(host: "localhost", port: 9092)
///     try producer.send([.init(topic: "demo", partition: 0, value: Array("bytes".utf8))])
///     let answer = try await producer.readResponse(timeout: .seconds(5))
///
/// Thread-safe; answers come back in the order the sends were made, whichever thread made them.
public final class KafkaSingleConnectionProducer: Sendable {
    /// One message for one topic-partition.
    public struct Message: Sendable, Equatable {
        /// The topic; it must exist on the broker (this producer reads no metadata).
        public var topic: String
        /// The partition, chosen by the caller; the broker at `address` must lead it, or its answer is
        /// NOT_LEADER_OR_FOLLOWER.
        public var partition: Int32
        /// The value; nil is a null value (a tombstone on a compacted topic).
        public var value: [UInt8]?
        /// The key; nil is a null key.
        public var key: [UInt8]?
        /// Milliseconds since the epoch; nil is the time of the send.
        public var timestamp: Int64?

        /// A message for `topic` and `partition`.
        public init(topic: String, partition: Int32, value: [UInt8]?, key: [UInt8]? = nil, timestamp: Int64? = nil) {
            self.topic = topic
            self.partition = partition
            self.value = value
            self.key = key
            self.timestamp = timestamp
        }
    }

    /// How one `send` is made.
    public struct Config: Sendable, Equatable {
        /// With `.none` the broker does not answer: such a send has no response to read.
        public var acks: KafkaProducerConfiguration.Acks
        /// How long the broker may wait for its replicas (the request's timeout_ms).
        public var timeoutMs: Int32
        /// The codec of the send's record batches (`none` by default).
        public var compression: CompressionCodec
        /// The codec's level, nil for its default.
        public var compressionLevel: Int?

        /// Acks from the leader (the original library's default), a 30 s broker timeout, no compression.
        public init(acks: KafkaProducerConfiguration.Acks = .leader, timeoutMs: Int32 = 30_000,
                    compression: CompressionCodec = .none, compressionLevel: Int? = nil) {
            self.acks = acks
            self.timeoutMs = timeoutMs
            self.compression = compression
            self.compressionLevel = compressionLevel
        }
    }

    /// The broker's answer for one partition.
    public struct PartitionResponse: Sendable, Equatable {
        /// The partition answered for.
        public var partition: Int32
        /// The broker's error code for the partition's batch; `.none` when it was written.
        public var error: KafkaErrorCode
        /// The offset of the partition's first message in this send; -1 when it failed.
        public var offset: Int64

        /// An answer for `partition`.
        public init(partition: Int32, error: KafkaErrorCode, offset: Int64) {
            self.partition = partition
            self.error = error
            self.offset = offset
        }
    }

    /// Per topic, its partitions' answers in the order the send named them.
    public typealias Response = [String: [PartitionResponse]]

    /// The broker this producer is connected to.
    public let address: BrokerAddress
    /// `message.max.bytes`: a partition's batch larger than this is not sent; its answer is MESSAGE_TOO_LARGE.
    public let maxMessageBytes: Int
    private let connection: BrokerConnection
    /// Answers not read yet, oldest first.
    private let pending = NIOLockedValueBox(Deque<EventLoopFuture<Response>>())
    /// Serializes sends so answers queue in exactly the order requests reach the socket.
    private let sendLock = NIOLock()

    /// Connects to the broker at `host:port` and agrees API versions with it.
    public init(host: String, port: Int, config: KafkaConfiguration = KafkaConfiguration()) async throws(KafkaError) {
        let address = BrokerAddress(host: host, port: port)
        self.address = address
        self.maxMessageBytes = config.producer.maxMessageBytes
        self.connection = try await BrokerConnection.connect(to: address, config: config)
    }

    /// Sends `messages` in one ProduceRequest (one record batch per topic-partition, in message
    /// order) and returns once it is queued on the connection; the answer waits for `readResponse`.
    /// Throws for what cannot be sent at all: an empty list, a closed connection, and with
    /// acks=0 (no answer to carry it) a partition's batch over `message.max.bytes`.
    public func send(_ messages: [Message], config: Config = Config()) throws(KafkaError) {
        guard !messages.isEmpty else { throw .invalidConfiguration("Producer.send: no messages to send") }
        guard let version = connection.version(for: ProduceRequest.self) else {
            throw .unsupportedApi(broker: address.description, api: "Produce", detail: "no version in common")
        }
        let batches = try encode(messages, config: config)
        if config.acks == .none, let tooLarge = batches.tooLarge.first {
            throw .invalidConfiguration(
                "\(tooLarge.topic)/\(tooLarge.partition): a batch of \(tooLarge.bytes) bytes exceeds message.max.bytes (\(maxMessageBytes))")
        }
        let request = ProduceRequest(
            transactionalId: nil, acks: config.acks.rawValue, timeoutMs: config.timeoutMs,
            topicData: batches.topics.map { topic in
                .init(name: topic.name, partitionData: topic.partitions.map { .init(index: $0.partition, records: $0.wire) })
            })
        sendLock.withLock {
            if config.acks == .none {
                if !request.topicData.isEmpty { _ = connection.writeWithoutResponse(request, version: version) }
                return
            }
            let answer: EventLoopFuture<Response>
            if request.topicData.isEmpty {
                answer = connection.channel.eventLoop.makeSucceededFuture([:])
            } else {
                answer = connection.sendFuture(request, version: version).map { Self.response(from: $0) }
            }
            let refused = batches.tooLarge
            let withRefused = answer.map { response in
                var response = response
                for batch in refused {
                    response[batch.topic, default: []].append(
                        PartitionResponse(partition: batch.partition, error: .messageTooLarge, offset: -1))
                }
                return response
            }
            pending.withLockedValue { $0.append(withRefused) }
        }
    }

    /// The answer to the oldest send not read yet, per topic; nil when it has not come within
    /// `timeout` (it stays first in line for the next call), or when no send awaits an answer.
    /// Throws when the connection broke or the broker did not answer within `request.timeout.ms`.
    public func readResponse(timeout: TimeAmount) async throws(KafkaError) -> Response? {
        guard let head = pending.withLockedValue({ $0.first }) else { return nil }
        let loop = head.eventLoop
        let race = loop.makePromise(of: Result<Response, any Error>?.self)
        // Whichever comes first settles the race; the answer itself stays queued on a timeout.
        let settled = ManagedAtomic(false)
        let timer = loop.scheduleTask(in: timeout) {
            guard !settled.exchange(true, ordering: .acquiringAndReleasing) else { return }
            race.succeed(nil)
        }
        head.whenComplete { result in
            guard !settled.exchange(true, ordering: .acquiringAndReleasing) else { return }
            timer.cancel()
            race.succeed(result)
        }
        let outcome: Result<Response, any Error>?
        do {
            outcome = try await race.futureResult.get()
        } catch {
            outcome = .failure(error)
        }
        guard let outcome else { return nil }
        pending.withLockedValue { queue in
            if let first = queue.first, first === head { queue.removeFirst() }
        }
        switch outcome {
        case .success(let response): return response
        case .failure(let error): throw BrokerConnection.kafkaError(error, broker: address.description)
        }
    }

    /// Sends whose answers have not been read.
    public var unreadResponses: Int { pending.withLockedValue { $0.count } }

    /// Closes the connection: answers not read yet are lost, and the producer cannot be used again.
    public func close() { connection.close() }

    // MARK: Encoding

    private struct EncodedBatches {
        struct Partition { var partition: Int32; var wire: ByteBuffer }
        struct Topic { var name: String; var partitions: [Partition] }
        var topics: [Topic] = []
        var tooLarge: [(topic: String, partition: Int32, bytes: Int)] = []
    }

    private func encode(_ messages: [Message], config: Config) throws(KafkaError) -> EncodedBatches {
        // Topics and partitions in the order the messages first name them.
        var builders: [String: [Int32: RecordBatchBuilder]] = [:]
        var order: [(topic: String, partitions: [Int32])] = []
        let now = WallClock.milliseconds()
        for message in messages {
            if builders[message.topic] == nil {
                builders[message.topic] = [:]
                order.append((message.topic, []))
            }
            if builders[message.topic]![message.partition] == nil {
                builders[message.topic]![message.partition] = RecordBatchBuilder(initialCapacity: 1024)
                order[order.firstIndex { $0.topic == message.topic }!].partitions.append(message.partition)
            }
            withOptionalBytes(message.key) { key in
                withOptionalBytes(message.value) { value in
                    builders[message.topic]![message.partition]!.append(key: key, value: value, timestamp: message.timestamp ?? now)
                }
            }
        }
        var result = EncodedBatches()
        for (topic, partitions) in order {
            var encoded: [EncodedBatches.Partition] = []
            for partition in partitions {
                let builder = builders[topic]![partition]!
                var wire = connection.channel.allocator.buffer(capacity: builder.uncompressedBatchByteCount + 64)
                do {
                    try builder.finish(codec: config.compression, level: config.compressionLevel, into: &wire)
                } catch {
                    throw .invalidConfiguration("\(topic)/\(partition): cannot build the record batch: \(error)")
                }
                if wire.readableBytes > maxMessageBytes {
                    result.tooLarge.append((topic, partition, wire.readableBytes))
                } else {
                    encoded.append(.init(partition: partition, wire: wire))
                }
            }
            if !encoded.isEmpty { result.topics.append(.init(name: topic, partitions: encoded)) }
        }
        return result
    }

    private static func response(from answer: ProduceResponse) -> Response {
        var response: Response = [:]
        for topic in answer.responses {
            response[topic.name, default: []] += topic.partitionResponses.map {
                PartitionResponse(partition: $0.index, error: KafkaErrorCode(rawValue: $0.errorCode), offset: $0.errorCode == 0 ? $0.baseOffset : -1)
            }
        }
        return response
    }
}
