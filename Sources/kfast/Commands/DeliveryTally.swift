import KafkaFast
import Synchronization

/// Delivered and failed counts, failures by error name.
struct DeliveryTally {
    var delivered = 0
    var failed = 0
    var failures: [String: Int] = [:]
    var firstError: String?

    /// Reads every report until the stream ends, counting into `progress` as it goes.
    static func count(_ reports: DeliveryReports, progress: ProgressCounts? = nil) async -> DeliveryTally {
        var tally = DeliveryTally()
        for await report in reports {
            if let error = report.error {
                tally.failed += 1
                tally.failures[error.name, default: 0] += 1
                if tally.firstError == nil { tally.firstError = error.description }
                progress?.errors.add(1, ordering: .relaxed)
            } else {
                tally.delivered += 1
                progress?.done.add(1, ordering: .relaxed)
            }
        }
        return tally
    }

    func summary(topic: String) -> String {
        var text = "delivered \(delivered) message\(delivered == 1 ? "" : "s") to \(topic)"
        if failed > 0 {
            text += ", \(failed) failed (" + failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
        }
        return text
    }
}
