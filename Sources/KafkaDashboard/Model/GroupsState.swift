/// The groups view: the last list the source gave, the rows shown (filtered and sorted once per
/// list, not per frame), the lag history behind the sparklines, and an opened group.
public struct GroupsState: Sendable {
    public var snapshot: GroupsSnapshot?
    public var updatedAtMillis: Int64?
    /// Groups matching the filter, in the chosen order.
    public private(set) var rows: [GroupSummary] = []
    public var cursor = ListCursor()
    public private(set) var sort = GroupSort()
    public private(set) var filter = ""
    /// True once polling was asked for (it goes on from then, so the sparklines have a history).
    public var watching = false
    /// Total lag per group, one sample a second.
    public private(set) var lagHistory = SampleHistory<String>()
    /// The group opened with Enter, shown over the panes.
    public var detail: GroupDetailState?

    public init() {}

    public var selected: GroupSummary? { rows.indices.contains(cursor.selected) ? rows[cursor.selected] : nil }

    mutating func apply(_ snapshot: GroupsSnapshot, atMillis: Int64) {
        self.snapshot = snapshot
        updatedAtMillis = atMillis
        lagHistory.keepOnly(Set(snapshot.groups.map(\.id)))
        rebuildRows()
    }

    mutating func setFilter(_ text: String) {
        filter = text
        rebuildRows()
    }

    /// A new column sorts in its natural direction; the same column again reverses.
    mutating func sort(by column: GroupColumn) {
        sort = sort.column == column
            ? GroupSort(column: column, descending: !sort.descending)
            : GroupSort(column: column, descending: column.sortsDescendingFirst)
        rebuildRows()
    }

    mutating func sampleLag(nowMillis: Int64) {
        guard let groups = snapshot?.groups else { return }
        lagHistory.sampleIfDue(nowMillis: nowMillis, values: groups.lazy.compactMap { group in
            group.totalLag.map { (group.id, Double($0)) }
        })
    }

    /// Keeps the cursor on the same group when the list changes under it.
    private mutating func rebuildRows() {
        let previous = selected?.id
        let needle = filter.lowercased()
        var rows = (snapshot?.groups ?? []).filter { needle.isEmpty || $0.id.lowercased().contains(needle) }
        let column = sort.column, descending = sort.descending
        rows.sort { a, b in
            let order = Self.compare(a, b, by: column)
            if order == 0 { return a.id < b.id }
            return descending ? order > 0 : order < 0
        }
        self.rows = rows
        if let previous, let index = rows.firstIndex(where: { $0.id == previous }) { cursor.selected = index }
    }

    /// -1, 0 or 1. Groups without a lag sort below every group with one.
    private static func compare(_ a: GroupSummary, _ b: GroupSummary, by column: GroupColumn) -> Int {
        func order<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : x > y ? 1 : 0 }
        switch column {
        case .name: return order(a.id, b.id)
        case .state: return order(a.state, b.state)
        case .protocolName: return order(a.protocolName, b.protocolName)
        case .members: return order(a.memberCount, b.memberCount)
        case .topics: return order(a.topics.joined(separator: ","), b.topics.joined(separator: ","))
        case .lag, .sparkline: return order(a.totalLag ?? -1, b.totalLag ?? -1)
        }
    }
}

/// An opened group: its latest detail and, for the catch-up estimate, where it stood a while ago.
public struct GroupDetailState: Sendable {
    /// How a partition is doing against its backlog.
    public enum CatchUp: Equatable, Sendable {
        /// Nothing left to read.
        case caughtUp
        /// At the current rates, this many seconds.
        case seconds(Double)
        /// Reading, but no faster than messages arrive: it will not catch up at this pace.
        case falling
        /// Not reading at all (no commits over the window).
        case stalled
        /// Not enough history yet, or nothing committed.
        case unknown
    }

    public var group: String
    public var detail: GroupDetail?
    public var updatedAtMillis: Int64?
    public var scroll = 0
    /// Earlier (time, committed, end) per partition, oldest first, over `rateWindowMillis`.
    private var history: [(atMillis: Int64, offsets: [TopicPartition: (committed: Int64?, end: Int64)])] = []

    /// Rates are taken over up to this much history, so one slow poll does not swing the estimate.
    static let rateWindowMillis: Int64 = 30_000

    public init(group: String) {
        self.group = group
    }

    mutating func apply(_ detail: GroupDetail, atMillis: Int64) {
        self.detail = detail
        updatedAtMillis = atMillis
        var offsets: [TopicPartition: (committed: Int64?, end: Int64)] = [:]
        for partition in detail.partitions {
            offsets[TopicPartition(partition.topic, partition.partition)] = (partition.committed, partition.end)
        }
        history.append((atMillis, offsets))
        history.removeAll { atMillis - $0.atMillis > Self.rateWindowMillis }
    }

    /// kafkatop's estimate: lag over (consume rate − arrival rate), both measured over the history kept.
    public func catchUp(_ partition: GroupDetail.Partition) -> CatchUp {
        guard let lag = partition.lag else { return .unknown }
        if lag == 0 { return .caughtUp }
        let key = TopicPartition(partition.topic, partition.partition)
        guard let newest = history.last, let oldest = history.first, newest.atMillis - oldest.atMillis >= 1_000,
            let now = newest.offsets[key], let then = oldest.offsets[key],
            let committedNow = now.committed, let committedThen = then.committed
        else { return .unknown }
        let seconds = Double(newest.atMillis - oldest.atMillis) / 1000
        let consumed = Double(committedNow - committedThen) / seconds
        let arrived = Double(now.end - then.end) / seconds
        let gain = consumed - arrived
        if gain > 0 { return .seconds(Double(lag) / gain) }
        return consumed > 0 ? .falling : .stalled
    }
}
