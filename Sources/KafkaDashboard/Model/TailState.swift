/// How message values are shown in the tail pane and the message detail overlay.
public enum ValueFormat: String, CaseIterable, Sendable {
    case text, hex, json

    public var next: ValueFormat {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// Counts what the tail passed (messages read and messages the source skipped) against what the pane
/// kept, over the current and the previous one-second windows, so the pane can say "sampling 1 in N"
/// while it shows only part of a flood.
public struct TailSampling: Equatable, Sendable {
    public var windowStartMillis: Int64 = 0
    public var passedInWindow: Int64 = 0
    public var keptInWindow = 0
    public var passedLastWindow: Int64 = 0
    public var keptLastWindow = 0

    public init() {}

    /// True while the newest complete window (or the running one) left messages out.
    public var isSampling: Bool {
        passedLastWindow > Int64(keptLastWindow) || passedInWindow > Int64(keptInWindow)
    }

    /// The window to report: the running one once it has left something out, else the last complete one.
    public var reported: (passed: Int64, kept: Int) {
        passedInWindow > Int64(keptInWindow)
            ? (passedInWindow, keptInWindow) : (passedLastWindow, keptLastWindow)
    }

    /// The pane shows one message in this many (at least 1) in the reported window.
    public var oneIn: Double {
        let (passed, kept) = reported
        return max(1, Double(passed) / Double(max(1, kept)))
    }

    mutating func roll(nowMillis: Int64) {
        guard nowMillis - windowStartMillis >= 1000 else { return }
        let finishedOneJustNow = nowMillis - windowStartMillis < 2000
        passedLastWindow = finishedOneJustNow ? passedInWindow : 0
        keptLastWindow = finishedOneJustNow ? keptInWindow : 0
        passedInWindow = 0
        keptInWindow = 0
        windowStartMillis = nowMillis
    }
}

/// The tail pane: what is being followed, the bounded scrollback and the view over it.
public struct TailState: Sendable {
    /// The request currently running, nil before the first topic is opened.
    public var request: TailRequest?
    public var scrollback: RingBuffer<ConsumedMessage>
    public var format: ValueFormat = .text
    /// Sequence number (see `RingBuffer`) of the selected message; nil follows the newest.
    public var selectedSequence: Int?
    /// Sequence number of the top visible row while not following.
    public var topSequence = 0
    /// Most rows the pane adds per second; more than that and it samples evenly and says so.
    public var displayBudgetPerSecond: Int
    public var sampling = TailSampling()
    /// Messages read since the current tail started (shown or not).
    public var receivedTotal = 0
    /// Messages the source jumped over unread since the current tail started.
    public var skippedTotal: Int64 = 0
    public var lastError: String?

    public init(capacity: Int = 10_000, displayBudgetPerSecond: Int = 500) {
        scrollback = RingBuffer(capacity: capacity)
        self.displayBudgetPerSecond = displayBudgetPerSecond
    }

    public var isFollowing: Bool { selectedSequence == nil }

    /// Adds a batch. `received` also counts messages read but dropped before the batch was handed over,
    /// `skipped` those the source jumped over unread. Rows over the per-second budget are thinned to an
    /// even sample rather than queued, so a flood never makes the UI fall behind.
    public mutating func ingest(_ batch: [ConsumedMessage], received: Int, skipped: Int64 = 0, nowMillis: Int64) {
        sampling.roll(nowMillis: nowMillis)
        let received = max(received, batch.count)
        receivedTotal += received
        skippedTotal += max(0, skipped)
        sampling.passedInWindow += Int64(received) + max(0, skipped)
        let room = max(0, displayBudgetPerSecond - sampling.keptInWindow)
        let kept = EvenSample.of(batch, keeping: room)
        scrollback.append(contentsOf: kept)
        sampling.keptInWindow += kept.count
        // Keep a selected row selected; if it scrolled out of the ring, stick to the oldest one.
        if let selected = selectedSequence, selected < scrollback.firstSequence {
            selectedSequence = scrollback.firstSequence
        }
        topSequence = max(topSequence, scrollback.firstSequence)
    }

    public mutating func clear() {
        scrollback.removeAll()
        selectedSequence = nil
        topSequence = scrollback.firstSequence
        sampling = TailSampling()
    }

    /// Moves the selection; reaching past the newest row resumes following.
    public mutating func moveSelection(by delta: Int, visibleRows: Int) {
        guard !scrollback.isEmpty else { return }
        let newest = scrollback.totalAppended - 1
        let current = selectedSequence ?? newest
        let target = current + delta
        if target > newest && delta > 0 {
            selectedSequence = nil
            return
        }
        select(sequence: target, visibleRows: visibleRows)
    }

    public mutating func select(sequence: Int, visibleRows: Int) {
        guard !scrollback.isEmpty else { return }
        let clamped = min(max(sequence, scrollback.firstSequence), scrollback.totalAppended - 1)
        selectedSequence = clamped
        let rows = max(1, visibleRows)
        if clamped < topSequence { topSequence = clamped }
        if clamped >= topSequence + rows { topSequence = clamped - rows + 1 }
    }

    /// The first sequence number to draw in `visibleRows` rows.
    public func firstVisibleSequence(visibleRows: Int) -> Int {
        let rows = max(1, visibleRows)
        if isFollowing { return max(scrollback.firstSequence, scrollback.totalAppended - rows) }
        let bottomAligned = scrollback.totalAppended - rows
        return max(scrollback.firstSequence, min(topSequence, max(bottomAligned, scrollback.firstSequence)))
    }

    public var selectedMessage: ConsumedMessage? {
        guard !scrollback.isEmpty else { return nil }
        let sequence = selectedSequence ?? scrollback.totalAppended - 1
        return scrollback.position(ofSequence: sequence).map { scrollback[$0] }
    }
}
