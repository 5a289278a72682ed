import Foundation
import NIOCore
import Testing
@testable import KafkaFast

/// `UnretainedReference` hands an object around by address: its publisher must keep the object
/// alive while it is read. Debug builds check that on every read; these tests prove the check
/// catches the misuse (in a child process, which the failed assertion ends).
@Suite struct UnretainedReferenceTests {
    final class Box: Sendable {
        let value: Int
        init(_ value: Int) { self.value = value }
    }

    @Test func readsTheObjectItsPublisherKeeps() {
        let reference = UnretainedReference<Box>()
        #expect(reference.withObject { $0.value } == nil)
        let kept = Box(7)
        reference.publish(kept)
        #expect(reference.withObject { $0.value } == 7)
        let next = Box(8)
        reference.publish(next)
        #expect(reference.withObject { $0.value } == 8)
        withExtendedLifetime((kept, next)) {}
    }

    #if DEBUG
    /// Reading after the publisher let the object go: the debug check stops the process.
    @Test func aReadAfterTheObjectWasReleasedIsCaught() async {
        await #expect(processExitsWith: .failure) {
            let reference = UnretainedReference<Box>()
            do {
                let gone = Box(1)
                reference.publish(gone)
            }
            _ = reference.withObject { $0.value }
        }
    }

    /// The same for a tail's iterator: `next()` from two tasks at once is caught.
    @Test func aTailReadFromTwoTasksAtOnceIsCaught() async {
        await #expect(processExitsWith: .failure) {
            // A broker that accepts and never answers: the first next() waits, the second comes in.
            let silent = try await SilentServer.start()
            let consumer = try KafkaPartitionConsumer(config: KafkaConfiguration(["bootstrap.servers": "127.0.0.1:\(silent.port)"]))
            let session = TailSession(consumer: consumer, topic: "t", partitions: nil, start: .beginning, untilEnd: false)
            async let first: FetchChunk? = try? session.next()
            async let second: FetchChunk? = try? session.next()
            _ = await (first, second)
        }
    }
    #endif
}
