import KafkaFast
import KafkaProtocol
import NIOCore

/// Decoded but hostile answers fed to the client's own state: Metadata to the producer's
/// partition routes, Produce answers to batches in flight, Fetch answers to the fetch engine.
/// The first byte picks the answer's version, the rest is its body; the state is the one long-
/// lived client a process keeps, so what one answer leaves behind meets the next.
enum ClientTargets {
    static let all = [metadata, produce, fetch]

    static let metadata = FuzzTarget(name: "client-metadata") { bytes in
        let harness = ClientHarness.shared
        var input = FuzzInput(bytes)
        let versions = MetadataResponse.validVersions
        let version = Int16(input.int(in: Int(versions.lowerBound)...Int(versions.upperBound)))
        var body = input.rest()
        guard let response = try? MetadataResponse(from: &body, version: version) else { return }
        let checked: ClusterMetadata
        do throws(KafkaError) {
            checked = try ClusterMetadata(validating: response, check: AnswerCheck(broker: "fuzz:1", answer: "Metadata v\(version)"))
        } catch {
            return require(error.description.hasPrefix("broker fuzz:1 sent an invalid response: Metadata v"), "an unnamed violation")
        }
        for topic in checked.topics.values {
            require(topic.partitions.map(\.id) == topic.partitions.indices.map(Int32.init), "partition ids are not 0..<count")
            for partition in topic.partitions {
                require(partition.leader == -1 || checked.brokers[partition.leader] != nil, "a leader the answer does not list")
                require(topic.partition(partition.id)?.id == partition.id, "partition(_:) misses a listed partition")
            }
            require(topic.partition(-1) == nil && topic.partition(Int32(topic.partitions.count)) == nil, "partition(_:) finds one not listed")
        }
        harness.connector.core.applyLeaders(checked)
    }

    static let produce = FuzzTarget(name: "client-produce") { bytes in
        let harness = ClientHarness.shared
        var input = FuzzInput(bytes)
        let versions = ProduceResponse.validVersions
        let version = Int16(input.int(in: Int(versions.lowerBound)...Int(versions.upperBound)))
        let idempotent = input.byte() & 1 == 1
        var body = input.rest()
        guard let response = try? ProduceResponse(from: &body, version: version) else { return }
        // The answer's own partitions stand for the batches sent: each takes one of ours.
        var sent: [(topic: String, partition: Int32)] = []
        for topic in response.responses {
            for partition in topic.partitionResponses where sent.count < ClientHarness.partitions { sent.append((topic.name, partition.index)) }
        }
        let buffers = harness.buffers
        var inFlight: [(PartitionBuffer, ProducerBatch)] = []
        for index in sent.indices {
            let buffer = buffers[index]
            harness.connector.send(topic: ClientHarness.topic, value: [UInt8(index)], partition: buffer.partition)
            if buffer.sealOpenBatch() { harness.connector.core.startCompression(buffer) }
            if let batch = buffer.takeReady(now: .now(), maxInFlight: 5) { inFlight.append((buffer, batch)) }
        }
        guard inFlight.count == sent.count else {
            for (buffer, batch) in inFlight { buffer.retry(batch, after: .zero, error: nil, now: .now()) }
            return
        }
        let core = harness.connector.core
        do {
            let outcomes = try ProduceAnswer.sort(response, sent: sent, idempotent: idempotent,
                                                  check: AnswerCheck(broker: "fuzz:1", answer: "Produce v\(version)"))
            require(outcomes.count == inFlight.count, "outcomes for \(outcomes.count) of \(inFlight.count) batches")
            for ((buffer, batch), outcome) in zip(inFlight, outcomes) {
                switch outcome {
                case .written(let offset):
                    require(offset >= -1, "an acknowledged offset below -1")
                    core.finish(batch, of: buffer, result: .success(baseOffset: offset))
                case .duplicate:
                    core.finish(batch, of: buffer, result: .success(baseOffset: -1))
                case .refused(let code) where code.isRetriable:
                    buffer.retry(batch, after: .zero, error: code, now: .now())
                case .refused(let code):
                    core.finish(batch, of: buffer, result: .failure(KafkaError(code: code, topic: buffer.topic, partition: buffer.partition, detail: nil)))
                }
            }
        } catch {
            for (buffer, batch) in inFlight { buffer.retry(batch, after: .zero, error: nil, now: .now()) }
        }
    }

    static let fetch = FuzzTarget(name: "client-fetch") { bytes in
        let harness = ClientHarness.shared
        var input = FuzzInput(bytes)
        let versions = FetchRequest.validVersions
        let version = Int16(input.int(in: Int(versions.lowerBound)...Int(versions.upperBound)))
        let engine = input.byte() & 1 == 1 ? harness.engine : harness.engineWithoutCRCs
        let fetchOffset = Int64(input.int(in: 0...300))
        var body = input.rest()
        guard let response = try? FetchResponse(from: &body, version: version) else { return }
        var starts: [KafkaTopicPartition: StartPosition] = [:]
        for topic in response.responses {
            for partition in topic.partitions where starts.count < 8 {
                starts[KafkaTopicPartition(topic.topic, partition.partitionIndex)] = .offset(fetchOffset)
            }
        }
        engine.assign(starts)
        let items = engine.state.withLockedValue { state in
            starts.keys.compactMap { tp in state.partitions[tp].map { FetchEngine.FetchItem(tp: tp, id: $0.id, offset: fetchOffset) } }
        }
        let (pending, _) = engine.scan(response, items, node: 1, check: AnswerCheck(broker: "fuzz:1", answer: "Fetch v\(version)"))
        engine.decodeAndQueue(pending)
        let chunks = engine.state.withLockedValue { state in
            defer {
                state.ready.removeAll()
                state.errors.removeAll()
            }
            return Array(state.ready)
        }
        for chunk in chunks {
            require(chunk.nextOffset >= fetchOffset, "a chunk that moves the partition back")
            var previous = Int64.min
            for message in chunk.messages {
                require(message.offset >= fetchOffset, "a message before the offset fetched from")
                require(message.offset < chunk.nextOffset, "a message at or after the chunk's next offset")
                require(message.offset > previous || !harness.checksBatches(engine), "messages out of order")
                previous = message.offset
            }
        }
        engine.revokeAll()
    }
}

/// The one client the client targets share: its connections are closed from the start, so no
/// answer it is given ever leads to a real connection (every dial fails at once), and nothing
/// depends on a broker being there.
final class ClientHarness: Sendable {
    static let topic = "fuzz"
    static let partitions = 4
    static let shared = ClientHarness()

    let connector: KafkaProducer
    let engine: FetchEngine
    let engineWithoutCRCs: FetchEngine
    let buffers: [PartitionBuffer]

    private init() {
        do {
            var config = try KafkaConfiguration([
                "linger.ms": "900000", "delivery.timeout.ms": "200", "queue.buffering.max.messages": "1000",
                "retry.backoff.ms": "1000", "retry.backoff.max.ms": "10000",
            ])
            config.bootstrapServers = [BrokerAddress(host: "127.0.0.1", port: 9)]
            let client = try KafkaClient(config: config)
            client.close()
            let brokers = [MetadataResponse.MetadataResponseBroker(nodeId: 1, host: "127.0.0.1", port: 9)]
            let topic = MetadataResponse.MetadataResponseTopic(name: Self.topic, partitions: (0..<Int32(Self.partitions)).map {
                .init(partitionIndex: $0, leaderId: 1, replicaNodes: [1], isrNodes: [1])
            })
            client.metadataCache.remember(try ClusterMetadata(
                validating: MetadataResponse(brokers: brokers, controllerId: 1, topics: [topic]),
                check: AnswerCheck(broker: "fuzz:1", answer: "Metadata v12")))
            connector = try KafkaProducer(client: client)
            engine = FetchEngine(client: client)
            var unchecked = config.consumer
            unchecked.checkCRCs = false
            engineWithoutCRCs = FetchEngine(client: client, settings: unchecked)
            // The first send opens the route from the metadata above, at once.
            connector.send(topic: Self.topic, value: [0])
            buffers = connector.core.allPartitions().filter { $0.topic == Self.topic }.sorted { $0.partition < $1.partition }
        } catch {
            fatalError("the fuzz client could not be set up: \(error)")
        }
        guard buffers.count == Self.partitions else { fatalError("the fuzz client's route did not open: \(buffers.count) partitions") }
    }

    /// Whether `engine` verifies batch CRCs (only then are the records' offsets trustworthy).
    func checksBatches(_ engine: FetchEngine) -> Bool { engine === self.engine }
}
