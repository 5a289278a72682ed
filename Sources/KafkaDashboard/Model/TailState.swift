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

/// A search over the tail's kept messages: the matcher and, in order, the sequence numbers of the
/// messages it matches (kept up to date as messages arrive and old ones leave the ring).
public struct TailSearch: Sendable {
    public var matcher: MessageMatcher
    public private(set) var matches: [Int] = []

    public init(matcher: MessageMatcher) {
        self.matcher = matcher
    }

    mutating func consider(_ message: ConsumedMessage, sequence: Int) {
        if matcher.matches(message) { matches.append(sequence) }
    }

    mutating func forget(before firstSequence: Int) {
        guard let first = matches.first, first < firstSequence else { return }
        matches.removeFirst(lowerBound(of: firstSequence))
    }

    /// The position of the first match at or after `sequence`.
    func lowerBound(of sequence: Int) -> Int {
        var low = 0, high = matches.count
        while low < high {
            let middle = (low + high) / 2
            if matches[middle] < sequence { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// The tail pane: what is being followed, the bounded scrollback and the view over it. The view's
/// rows are every kept message, or while a search is on only its matches; selection and scrolling
/// are kept as sequence numbers, so rows leaving the ring do not move them.
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
    /// The search in force, if any: the pane then shows its matches only.
    public private(set) var search: TailSearch?

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
        for message in kept {
            scrollback.append(message)
            search?.consider(message, sequence: scrollback.totalAppended - 1)
        }
        search?.forget(before: scrollback.firstSequence)
        sampling.keptInWindow += kept.count
        // Keep a selected row selected; if it scrolled out of the ring, stick to the oldest one.
        if let selected = selectedSequence, selected < scrollback.firstSequence {
            selectedSequence = rowCount > 0 ? sequence(atRow: 0) : nil
        }
        topSequence = max(topSequence, scrollback.firstSequence)
    }

    public mutating func clear() {
        scrollback.removeAll()
        if let matcher = search?.matcher { search = TailSearch(matcher: matcher) }
        selectedSequence = nil
        topSequence = scrollback.firstSequence
        sampling = TailSampling()
    }

    /// Starts (or, with nil, ends) a search over what is kept and what arrives from now on.
    public mutating func setSearch(_ matcher: MessageMatcher?) {
        let selected = selectedMessageSequence
        if let matcher {
            var search = TailSearch(matcher: matcher)
            for position in scrollback.indices { search.consider(scrollback[position], sequence: scrollback.firstSequence + position) }
            self.search = search
        } else {
            search = nil
        }
        // Stay on the selected message if it is still a row, else on the row after it.
        if let selected, !isFollowing, rowCount > 0 {
            select(sequence: sequence(atRow: min(rowCount - 1, row(atOrAfter: selected))), visibleRows: 1)
        } else {
            selectedSequence = nil
        }
    }

    // MARK: - Rows

    /// Rows the pane can show: kept messages, or the search's matches.
    public var rowCount: Int { search?.matches.count ?? scrollback.count }

    public func sequence(atRow row: Int) -> Int {
        search.map { $0.matches[row] } ?? scrollback.firstSequence + row
    }

    /// The row of `sequence`, or of the first row after it when it is not one.
    func row(atOrAfter sequence: Int) -> Int {
        if let search { return search.lowerBound(of: sequence) }
        return min(max(0, sequence - scrollback.firstSequence), scrollback.count)
    }

    /// Moves the selection; reaching past the newest row resumes following.
    public mutating func moveSelection(by delta: Int, visibleRows: Int) {
        guard rowCount > 0 else { return }
        let current = selectedSequence.map { row(atOrAfter: $0) } ?? rowCount - 1
        let target = current + delta
        if target > rowCount - 1 && delta > 0 {
            selectedSequence = nil
            return
        }
        select(sequence: sequence(atRow: min(max(0, target), rowCount - 1)), visibleRows: visibleRows)
    }

    /// Selects the row holding `sequence` (or the nearest row after it) and scrolls it into view.
    public mutating func select(sequence: Int, visibleRows: Int) {
        guard rowCount > 0 else { return }
        let row = min(row(atOrAfter: sequence), rowCount - 1)
        selectedSequence = self.sequence(atRow: row)
        let rows = max(1, visibleRows)
        let top = firstVisibleRow(visibleRows: rows)
        if row < top { topSequence = self.sequence(atRow: row) }
        if row >= top + rows { topSequence = self.sequence(atRow: row - rows + 1) }
    }

    /// The first row to draw in `visibleRows` rows.
    public func firstVisibleRow(visibleRows: Int) -> Int {
        let rows = max(1, visibleRows)
        let bottomAligned = max(0, rowCount - rows)
        if isFollowing { return bottomAligned }
        return min(row(atOrAfter: topSequence), bottomAligned)
    }

    /// The selected message's sequence number: the newest row's while following.
    public var selectedMessageSequence: Int? {
        if let selectedSequence { return selectedSequence }
        return rowCount > 0 ? sequence(atRow: rowCount - 1) : nil
    }

    public var selectedMessage: ConsumedMessage? {
        selectedMessageSequence.flatMap { scrollback.position(ofSequence: $0) }.map { scrollback[$0] }
    }

    /// The messages the pane shows, oldest first: every kept one, or the search's matches.
    public var shownMessages: [ConsumedMessage] {
        guard let search else { return Array(scrollback) }
        return search.matches.compactMap { scrollback.position(ofSequence: $0) }.map { scrollback[$0] }
    }
}
