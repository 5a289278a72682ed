/// Durations as the configuration stores them: whole milliseconds, librdkafka's unit.
extension Duration {
    /// This duration in whole milliseconds (rounded toward zero), clamped to `Int`.
    var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        return Int(clamping: scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000_000).partialValue)
    }
}
