import Atomics
import KafkaProtocol
import NIOCore

/// A broker and one of its produce connections (`produce.connections.per.broker`).
struct SinkKey: Hashable, Sendable {
    var nodeId: Int32
    var lane: Int
}

/// The outbox of one produce connection to a broker (franz-go's sink, one per connection here):
/// gathers the ready batch of every partition of its lane the broker leads into one
/// ProduceRequest, keeps up to `max.in.flight` requests pipelined on its connection, and sorts
/// each partition's answer into done, retry or failed.
///
/// All state lives on the sink's event loop; other threads only call `wakeup()`. That is why it
/// is `@unchecked Sendable`, and debug builds assert it (`assertInEventLoop`) wherever state is
/// touched.
final class BrokerSink: @unchecked Sendable {
    let key: SinkKey
    var nodeId: Int32 { key.nodeId }
    /// Weak: work still queued on the event loop may outlive the producer.
    private weak var owner: (any SinkOwner)?
    let eventLoop: any EventLoop
    private let wakeupQueued = ManagedAtomic<Bool>(false)
    private var inFlightRequests = 0
    private var connection: BrokerConnection?
    private var connecting = false
    private var backoffUntil = NIODeadline.uptimeNanoseconds(0)

    init(key: SinkKey, owner: any SinkOwner, eventLoop: any EventLoop) {
        self.key = key
        self.owner = owner
        self.eventLoop = eventLoop
    }

    /// Asks the sink to look for ready batches. Coalesced: many wakeups, one drain.
    func wakeup() {
        guard !wakeupQueued.exchange(true, ordering: .acquiringAndReleasing) else { return }
        eventLoop.execute { [self] in
            wakeupQueued.store(false, ordering: .releasing)
            drain()
        }
    }

    private func drain() {
        eventLoop.assertInEventLoop()
        guard let owner else { return }
        let settings = owner.settings
        let now = NIODeadline.now()
        guard now >= backoffUntil else { return }
        guard let connection, connection.isActive else {
            connect()
            return
        }
        // Without idempotence only sequence numbers could restore order after a retry or on a
        // broker that handles one connection's requests concurrently (Tansu does): keep one
        // batch per partition in flight. Requests still pipeline across partitions.
        let perPartitionInFlight = settings.idempotence ? settings.maxInFlightPerConnection : 1
        let answered = settings.acks != .none
        while inFlightRequests < settings.maxInFlightPerConnection {
            // With acks, every request passes the idempotence recovery's gate (it pauses sending).
            if answered && !owner.beginProduceRequest() { return }
            var entries: [(buffer: PartitionBuffer, batch: ProducerBatch)] = []
            var requestBytes = 0
            for buffer in owner.partitions(for: key) {
                guard requestBytes < Self.maxRequestBytes else { break }
                if let batch = buffer.takeReady(now: now, maxInFlight: perPartitionInFlight) {
                    entries.append((buffer, batch))
                    requestBytes += batch.wire?.readableBytes ?? 0
                }
            }
            guard !entries.isEmpty else {
                if answered { owner.produceRequestEnded() }
                return
            }
            send(entries, on: connection, owner: owner)
        }
    }

    /// franz-go's cap on one request (`maxBrokerWriteBytes`): brokers refuse larger frames.
    static let maxRequestBytes = 100 * 1024 * 1024

    private func connect() {
        eventLoop.assertInEventLoop()
        guard !connecting, let owner else { return }
        connecting = true
        let key = self.key
        Task {
            let result: Result<BrokerConnection, KafkaError>
            do throws(KafkaError) {
                // On the sink's own loop: requests and answers then never hop between threads.
                result = .success(try await owner.client.connection(toNode: key.nodeId, purpose: .produce(lane: key.lane), on: eventLoop))
            } catch {
                result = .failure(error)
            }
            eventLoop.execute { [self] in
                connecting = false
                switch result {
                case .success(let connection):
                    self.connection = connection
                case .failure(let error):
                    owner.brokerTrouble(error.description)
                    // The housekeeping tick wakes the sink again; metadata may name a new leader.
                    backoffUntil = .now() + .milliseconds(Int64(owner.settings.retryBackoffMs))
                    owner.leadersMayHaveMoved()
                }
                drain()
            }
        }
    }

    private func send(_ entries: [(buffer: PartitionBuffer, batch: ProducerBatch)], on connection: BrokerConnection, owner: any SinkOwner) {
        eventLoop.assertInEventLoop()
        let settings = owner.settings
        var byTopic: [String: [ProduceRequest.PartitionProduceData]] = [:]
        var order: [String] = []
        for (buffer, batch) in entries {
            if byTopic[buffer.topic] == nil { order.append(buffer.topic) }
            byTopic[buffer.topic, default: []].append(.init(index: buffer.partition, records: batch.wire))
        }
        let request = ProduceRequest(
            transactionalId: nil, acks: settings.acks.rawValue, timeoutMs: Int32(clamping: owner.client.config.requestTimeoutMs),
            topicData: order.map { .init(name: $0, partitionData: byTopic[$0]!) })
        guard let version = connection.version(for: ProduceRequest.self) else {
            let error = KafkaError(KafkaError.unsupportedApi(broker: connection.address.description, api: "Produce", detail: "no version in common"))
            for (buffer, batch) in entries { owner.finish(batch, of: buffer, result: .failure(error)) }
            if settings.acks != .none { owner.produceRequestEnded() }
            return
        }
        if settings.acks == .none {
            connection.writeWithoutResponse(request, version: version).whenComplete { [self] result in
                eventLoop.execute { [self] in
                    for (buffer, batch) in entries {
                        switch result {
                        case .success: owner.finish(batch, of: buffer, result: .success(baseOffset: -1))
                        case .failure: retryOrFail(batch, of: buffer, code: .networkException, now: .now(), owner: owner)
                        }
                    }
                }
            }
            return
        }
        inFlightRequests += 1
        connection.sendFuture(request, version: version).hop(to: eventLoop).whenComplete { [self] result in
            inFlightRequests -= 1
            switch result {
            case .success(let response):
                handle(response, entries: entries, connection: connection, owner: owner)
            case .failure(let error):
                // The connection broke or timed out: nothing says whether the broker wrote the
                // batches, so resend them all (at-least-once; idempotence removes duplicates).
                if !(self.connection?.isActive ?? false) { self.connection = nil }
                owner.brokerTrouble(BrokerConnection.kafkaError(error, broker: connection.address.description).description)
                let now = NIODeadline.now()
                for (buffer, batch) in entries { retryOrFail(batch, of: buffer, code: nil, now: now, owner: owner, transportError: error) }
            }
            owner.produceRequestEnded()
            drain()
        }
    }

    private func handle(
        _ response: ProduceResponse, entries: [(buffer: PartitionBuffer, batch: ProducerBatch)], connection: BrokerConnection,
        owner: any SinkOwner
    ) {
        eventLoop.assertInEventLoop()
        let settings = owner.settings
        let now = NIODeadline.now()
        let outcomes: [ProduceAnswer.Outcome]
        do {
            let version = connection.version(for: ProduceRequest.self) ?? 0
            outcomes = try ProduceAnswer.sort(
                response, sent: entries.map { ($0.buffer.topic, $0.buffer.partition) }, idempotent: settings.idempotence,
                check: AnswerCheck(broker: connection.address.description, ProduceRequest.self, version: version))
        } catch {
            // Nothing in the answer can be believed: as after a lost connection, resend (idempotence
            // drops the copies of what the broker did write).
            owner.client.config.logger.info("unusable Produce answer, resending its batches",
                                           metadata: ["broker": "\(connection.address)", "reason": "\(error)"])
            for (buffer, batch) in entries { retryOrFail(batch, of: buffer, code: nil, now: now, owner: owner, transportError: error) }
            return
        }
        var refresh = false
        for ((buffer, batch), outcome) in zip(entries, outcomes) {
            switch outcome {
            case .written(let baseOffset):
                owner.finish(batch, of: buffer, result: .success(baseOffset: baseOffset))
            case .duplicate:
                owner.finish(batch, of: buffer, result: .success(baseOffset: -1))
            case .refused(let code):
                if code.needsMetadataRefresh { refresh = true }
                if code == .producerFenced && settings.idempotence {
                    owner.fenced(batch, of: buffer, by: connection.address.description)
                    continue
                }
                if code.refusesSequence { owner.sequenceRefused(batch, of: buffer) }
                retryOrFail(batch, of: buffer, code: code, now: now, owner: owner)
            }
        }
        if refresh { owner.leadersMayHaveMoved() }
    }

    /// Retries a batch when its error allows and time and retries remain; fails it otherwise.
    private func retryOrFail(
        _ batch: ProducerBatch, of buffer: PartitionBuffer, code: KafkaErrorCode?, now: NIODeadline, owner: any SinkOwner,
        transportError: (any Error)? = nil
    ) {
        eventLoop.assertInEventLoop()
        let settings = owner.settings
        // With idempotence a refused sequence is retried after the recovery renumbered it.
        let retriable = code.map { $0.isRetriable || (settings.idempotence && $0.refusesSequence) } ?? true
        let expired = now - batch.createdAt >= .milliseconds(Int64(settings.deliveryTimeoutMs))
        if retriable && !expired && batch.attempts <= settings.retries {
            let backoff = min(settings.retryBackoffMs << min(batch.attempts - 1, 10), settings.retryBackoffMaxMs)
            buffer.retry(batch, after: .milliseconds(Int64(backoff)), error: code, now: now)
            return
        }
        let error: KafkaError
        if let code {
            error = KafkaError(code: code, topic: buffer.topic, partition: buffer.partition)
        } else if let transportError {
            error = KafkaError(BrokerConnection.kafkaError(transportError, broker: "node \(nodeId)"))
        } else {
            error = KafkaError(code: .unknownServerError, topic: buffer.topic, partition: buffer.partition)
        }
        owner.finish(batch, of: buffer, result: .failure(error))
    }
}
