import Dispatch
import Testing
@testable import KafkaFast

/// The open batch's lock is our own spin-then-yield flag: it must still exclude.
@Suite struct OpenBatchCellTests {
    @Test func threadsAppendingAtOnceLoseNoUpdate() {
        let cell = OpenBatchCell()
        let threads = 4
        let rounds = 200_000
        // More threads than cores, so some holders are preempted and waiters reach the yield.
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for _ in 0..<rounds {
                cell.withLock { open in
                    let before = open.messageCount
                    open.payloadBytes += 1
                    open.messageCount = before + 1
                }
            }
        }
        let (count, bytes) = cell.withLock { ($0.messageCount, $0.payloadBytes) }
        #expect(count == threads * rounds && bytes == threads * rounds)
    }
}
