import KafkaDashboard
import KafkaFast
import NIOCore
import Synchronization

/// The tail pane on the library's partition consumer (`KafkaPartitionConsumer.tail`): fetching, start
/// positions, control batches, truncated logs and broker outages are the fetch engine's. What is
/// here is the pane's pace: about as many messages as it can show, sampled when following a flood
/// (the engine skips ahead by offset, see `KafkaConsumerConfiguration.skipAhead`), paged through in order
/// when reading from an older position.
extension KafkaDashboardSource {
    package func tail(_ request: TailRequest) -> AsyncThrowingStream<TailBatch, any Error> {
        // Pulled, not pushed: while the dashboard does not ask (paused), nothing is read, the engine's
        // small buffer stays full and it stops fetching.
        let reader = TailReader(source: self, request: request)
        return AsyncThrowingStream(unfolding: {
            do {
                return try await reader.next()
            } catch is CancellationError {
                return nil
            } catch {
                throw DashboardFailure(description: Self.describe(error))
            }
        })
    }

    static func describe(_ error: any Error) -> String {
        (error as? KafkaError)?.description ?? "\(error)"
    }
}

/// One tail's reading, driven by the task that iterates the dashboard's stream (one at a time, as
/// `TailSession` is): that is why it is `@unchecked Sendable`, and debug builds assert that no
/// two `next()` calls overlap.
final class TailReader: @unchecked Sendable {
    private let source: KafkaDashboardSource
    private let request: TailRequest
    private let sampling: Bool
    private var consumer: KafkaPartitionConsumer?
    private var chunks: ConsumerChunks.Iterator?
    private let pace: TailPace
    private var pacer: TailPacer
    /// Paging: the rest of a chunk not handed over yet.
    private var unread: ArraySlice<KafkaFast.ConsumedMessage> = []
    #if DEBUG
    private let inNext = Atomic<Bool>(false)
    #endif

    init(source: KafkaDashboardSource, request: TailRequest) {
        self.source = source
        self.request = request
        sampling = request.start == .end
        pace = TailPace(messagesPerSecond: request.messagesPerSecond)
        pacer = TailPacer(perInterval: pace.perInterval, interval: TailPace.interval)
    }

    deinit { consumer?.close() }

    func next() async throws -> TailBatch? {
        #if DEBUG
        assert(!inNext.exchange(true, ordering: .acquiring), "a tail reader's next() was called while another call was under way")
        defer { inNext.store(false, ordering: .releasing) }
        #endif
        if chunks == nil { begin() }
        while true {
            if !unread.isEmpty {
                let room = try await pacer.room()
                let page = unread.prefix(room)
                unread = unread.dropFirst(page.count)
                pacer.take(page.count)
                return TailBatch(messages: page.map(Self.dashboardMessage))
            }
            guard let chunk = try await chunks?.next() else { return nil }
            record(chunk)
            if !sampling {
                unread = chunk.messages[...]
                continue
            }
            let room = try await pacer.room()
            // Lazily mapped: only the messages kept are converted, into one array.
            let shown = EvenSample.of(chunk.messages.lazy.map(Self.dashboardMessage), keeping: room)
            pacer.take(shown.count)
            return TailBatch(messages: shown, received: chunk.messages.count, skipped: chunk.skipped)
        }
    }

    private func begin() {
        let client = source.client
        let partitions = request.partition.map { [$0] }
        let consumer = KafkaPartitionConsumer(client: client, settings: pace.settings(from: client.config.consumer, sampling: sampling))
        self.consumer = consumer
        chunks = consumer.tail(topic: request.topic, partitions: partitions, from: Self.start(request.start)).chunks.makeAsyncIterator()
    }

    private static func start(_ start: TailStart) -> StartPosition {
        switch start {
        case .end: return .end
        case .beginning: return .beginning
        case .offset(let offset): return .nearest(offset)
        case .timestamp(let millis): return .timestamp(millis)
        }
    }

    /// The header's consume rate: what the tail read, shown or not.
    private func record(_ chunk: FetchChunk) {
        let bytes = chunk.messages.reduce(0) { $0 + ($1.key?.readableBytes ?? 0) + ($1.value?.readableBytes ?? 0) }
        let topic = request.topic
        source.state.withLock {
            $0.consumed.add(topic: topic, messages: chunk.messages.count, bytes: bytes, nowMillis: KafkaDashboardSource.nowMillis())
        }
    }

    private static func dashboardMessage(_ message: KafkaFast.ConsumedMessage) -> KafkaDashboard.ConsumedMessage {
        KafkaDashboard.ConsumedMessage(
            topic: message.topic, partition: message.partition, offset: message.offset,
            timestampMillis: message.timestamp, timestampType: message.timestampType == .logAppendTime ? .logAppend : .create,
            key: message.key.map { Array($0.readableBytesView) },
            value: message.value.map { Array($0.readableBytesView) },
            headers: message.headers.map { .init(key: $0.key, value: $0.value.map { Array($0.readableBytesView) }) })
    }
}

/// A failure shown to the user as it is, one line.
struct DashboardFailure: Error, CustomStringConvertible {
    var description: String
}
